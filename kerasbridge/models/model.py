"""`Model`: a Layer with training, evaluation and saving (the training side lives in engine/)."""

from __future__ import annotations

from kerasbridge.engine.trainer import Trainer
from kerasbridge.layers.layer import Layer
from kerasbridge.models.model_saving import ModelSavingMixin


class Model(ModelSavingMixin, Trainer, Layer):
    """A trainable grouping of layers.

    There are three ways to build one, as in Keras:

    - Functional: `Model(inputs, outputs)` where `outputs` were computed from
      `Input()` tensors through layers (returns a `Functional` model).
    - Subclassing: define layers in `__init__` and the forward pass in `call()`.
    - `Sequential([...])` for a plain stack of layers.

    Example:

    ```python
    inputs = kerasbridge.Input(shape=(37,))
    x = kerasbridge.layers.Dense(32, activation="relu")(inputs)
    outputs = kerasbridge.layers.Dense(5, activation="softmax")(x)
    model = kerasbridge.Model(inputs=inputs, outputs=outputs)
    ```
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            from kerasbridge.models.functional import Functional

            return Functional.__new__(Functional, *args, **kwargs)
        instance = super().__new__(cls, *args, **kwargs)
        instance._init_trainer_state()
        return instance

    def __init__(self, *args, **kwargs):
        trainable = kwargs.pop("trainable", True)
        dtype = kwargs.pop("dtype", None)
        name = kwargs.pop("name", None)
        if args or kwargs:
            raise ValueError(
                f"Unrecognized arguments passed to {type(self).__name__}: args={args}, kwargs={kwargs}. "
                "Pass `inputs` and `outputs` to build a Functional model."
            )
        super().__init__(trainable=trainable, dtype=dtype, name=name)

    @property
    def layers(self) -> list:
        """The model's direct sublayers, in the order they were tracked."""
        return list(self._layers)

    @layers.setter
    def layers(self, _):
        raise AttributeError(
            "`Model.layers` attribute is reserved and should not be used. Please use another name."
        )

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """Return a sublayer by `name` or by `index` (in `model.layers` order)."""
        if index is not None and name is not None:
            raise ValueError(f"Provide only a layer name or a layer index. Received: index={index}, name={name}.")
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has {len(self.layers)} layers."
                )
            return self.layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name}. Existing layers are: {[layer.name for layer in self.layers]}."
            )
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    def quantize(self, mode=None, config=None, filters=None, **kwargs) -> None:
        """Quantize the weights of the model's quantizable layers (`Dense`, `EinsumDense`, `Embedding`).

        Args:
            mode: `"int8"`, `"int4"` or `"float8"` (may be omitted when `config` is given).
            config: A `keras.quantizers.QuantizationConfig` (quantizers, int4 block size).
            filters: Regex, list of regexes or predicate selecting the layers to quantize.
            **kwargs: `type_check=False` also quantizes subclasses of those layers.
        """
        from kerasbridge.models.model_quantization import quantize_model

        quantize_model(self, mode, config=config, filters=filters, **kwargs)

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                layer_range=None) -> None:
        """Print a table of the model's layers, output shapes and parameter counts (as Keras prints it)."""
        from kerasbridge.utils.summary_utils import print_summary

        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable, layer_range=layer_range)
