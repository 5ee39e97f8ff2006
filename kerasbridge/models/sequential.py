"""`Sequential`: a linear stack of layers."""

from __future__ import annotations

from kerasbridge.layers.core.input_layer import InputLayer
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.tracking import bump_tracking_version
from kerasbridge.models.functional import Functional, _module_key
from kerasbridge.models.model import Model
from kerasbridge.models.sequential_config import SequentialConfigMixin
from kerasbridge.ops.keras_tensor import KerasTensor, standardize_shape
from kerasbridge.utils import tree


class Sequential(SequentialConfigMixin, Model):
    """A model that feeds each layer's output into the next layer.

    With a leading `Input(shape)` (or a first layer given `input_shape`), the model is
    built at once and behaves as a Functional model; otherwise it builds on first call.

    Args:
        layers: Optional list of layers to add.
        trainable: Whether the model's weights are trainable.
        name: Name of the model.

    Example:

    ```python
    model = kerasbridge.Sequential([
        kerasbridge.Input(shape=(16,)),
        kerasbridge.layers.Dense(8, activation="relu"),
        kerasbridge.layers.Dense(1),
    ])
    ```
    """

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(trainable=trainable, name=name)
        self.__dict__["_functional"] = None
        if layers:
            for layer in layers:
                self.add(layer, rebuild=False)
            self._maybe_rebuild()

    def add(self, layer, rebuild: bool = True) -> None:
        """Append `layer` (or an `Input()` tensor) to the stack."""
        if isinstance(layer, KerasTensor) and layer._keras_history is not None:
            layer = layer._keras_history.operation
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Only instances of `keras.Layer` can be added to a Sequential model. Received: {layer} "
                f"(of type {type(layer)})"
            )
        if isinstance(layer, InputLayer) and self._layers and isinstance(self._layers[0], InputLayer):
            raise ValueError(
                f"Sequential model '{self.name}' has already been configured to use input shape "
                f"{self._layers[0].batch_shape}. You cannot add a different Input layer to it."
            )
        if any(existing.name == layer.name for existing in self._layers if existing is not layer):
            raise ValueError(
                "All layers added to a Sequential model should have unique names. Name "
                f"'{layer.name}' is already the name of a layer in this model. Update the `name` argument "
                "to pass a unique name."
            )
        if not self._layers and not isinstance(layer, InputLayer) and layer._input_shape_arg is not None:
            self._append(InputLayer(shape=layer._input_shape_arg, batch_size=layer._batch_size_arg))
        self._append(layer)
        if rebuild:
            self._maybe_rebuild()
        else:
            self.built = False
            self.__dict__["_functional"] = None

    def _append(self, layer: Layer) -> None:
        self._layers.append(layer)
        self._modules[_module_key(layer.name)] = layer
        bump_tracking_version()

    def pop(self, rebuild: bool = True) -> Layer:
        """Remove and return the last layer."""
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        layer = self._layers.pop()
        self._modules.pop(_module_key(layer.name), None)
        bump_tracking_version()
        self.built = False
        self.__dict__["_functional"] = None
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self) -> None:
        self.built = False
        self.__dict__["_functional"] = None
        if self._layers and isinstance(self._layers[0], InputLayer) and len(self._layers) > 1:
            self.build(self._layers[0].batch_shape)

    def build(self, input_shape=None) -> None:
        try:
            input_shape = standardize_shape(input_shape)
        except Exception:
            return
        if not self._layers:
            raise ValueError(
                f"Sequential model {self.name} cannot be built because it has no layers. "
                "Call `model.add(layer)`."
            )
        if isinstance(self._layers[0], InputLayer):
            if self._layers[0].batch_shape != input_shape:
                raise ValueError(
                    f"Sequential model '{self.name}' has already been configured to use input shape "
                    f"{self._layers[0].batch_shape}. You cannot build it with input_shape {input_shape}"
                )
        else:
            input_layer = InputLayer(batch_shape=input_shape, dtype=self._layers[0].compute_dtype)
            self._layers.insert(0, input_layer)
            self._modules[_module_key(input_layer.name)] = input_layer
            bump_tracking_version()
        inputs = self._layers[0].output
        x = inputs
        for layer in self._layers[1:]:
            x = layer(x)
        self.__dict__["_functional"] = Functional(inputs=inputs, outputs=x)
        self.built = True

    def call(self, inputs, training=None, mask=None):
        if self._functional is not None:
            return self._functional.call(inputs, training=training, mask=mask)
        outputs = inputs
        for layer in self.layers:
            kwargs = {}
            info = layer._call_info
            if info.has_mask and mask is not None:
                kwargs["mask"] = mask
            if info.has_training and training is not None:
                kwargs["training"] = training
            outputs = layer(inputs, **kwargs)
            inputs = outputs
            mask = tree.map_structure(lambda x: getattr(x, "_keras_mask", None), outputs)
        return outputs

    # -- structure -------------------------------------------------------------------------------
    @property
    def layers(self) -> list:
        if self._layers and isinstance(self._layers[0], InputLayer):
            return list(self._layers[1:])
        return list(self._layers)

    def _require_functional(self, attribute: str):
        if self._functional is None:
            raise AttributeError(
                f"Sequential model '{self.name}' has no defined {attribute} yet (it is not built). "
                "Add an `Input()` first, or call the model on data."
            )
        return self._functional

    @property
    def inputs(self) -> list:
        return self._require_functional("inputs").inputs

    @property
    def outputs(self) -> list:
        return self._require_functional("outputs").outputs

    @property
    def input(self):
        return self._require_functional("input").input

    @property
    def output(self):
        return self._require_functional("output").output

    @property
    def output_names(self) -> list[str]:
        return self._require_functional("output names").output_names

    @property
    def input_shape(self):
        return self._require_functional("input shape").input_shape

    @property
    def output_shape(self):
        return self._require_functional("output shape").output_shape

    @property
    def input_dtype(self) -> str:
        layers = self._layers
        if layers and isinstance(layers[0], InputLayer):
            return layers[0].dtype
        return super().input_dtype
