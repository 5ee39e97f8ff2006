"""`Layer`: the Keras layer, which is also a `torch.nn.Module`.

A Layer's weights are `Variable`s whose tensors are registered `nn.Parameter`s, and its
sublayers are registered submodules, so torch (state_dict, DDP, FSDP, optimizers,
torch.compile) sees an ordinary module while Keras code sees Keras's object model.

`__call__` adds Keras's behaviour around `call()`: input conversion and dtype casting,
`input_spec` checks, building on first call, the `training` flag shared by nested
calls, mask propagation, activity regularisation, and graph recording when called on
symbolic `KerasTensor`s.
"""

from __future__ import annotations

import warnings

import numpy as np
import torch
import torch.nn.modules.module as _torch_module

from kerasbridge import dtype_policies
from kerasbridge.backend import naming, state_version
from kerasbridge.backend.symbolic_scope import in_symbolic_scope
from kerasbridge.backend.tensor import convert_to_tensor
from kerasbridge.backend.variable import Variable
from kerasbridge.layers import call_context
from kerasbridge.layers.build_recording import auto_config, recording_build
from kerasbridge.layers.call_signature import call_info, shapes_for_build
from kerasbridge.layers.input_spec import assert_input_compatibility
from kerasbridge.layers.layer_dtypes import LayerDTypeMixin
from kerasbridge.layers.layer_state import LayerStateMixin
from kerasbridge.layers.mask_propagation import MaskPropagationMixin
from kerasbridge.layers.symbolic_specs import shapes_to_specs  # noqa: F401 - imported from here too
from kerasbridge.layers.tracking import BOOKKEEPING, TrackingMixin
from kerasbridge.ops.keras_tensor import KerasTensor, any_symbolic_tensors
from kerasbridge.ops.node import Node
from kerasbridge.ops.operation import Operation
from kerasbridge.ops.symbolic import compute_output_spec as infer_output_spec
from kerasbridge.utils import tree


def _convert_input(x, compute_dtype: str, torch_compute_dtype, autocast: bool):
    if isinstance(x, torch.Tensor):
        if autocast and x.is_floating_point() and x.dtype != torch_compute_dtype:
            mask = getattr(x, "_keras_mask", None)
            x = x.to(torch_compute_dtype)
            if mask is not None:
                x._keras_mask = mask
        return x
    if isinstance(x, (np.ndarray, np.generic, Variable)) or (
        hasattr(x, "__array__") and not isinstance(x, KerasTensor)
    ):
        x = convert_to_tensor(x)
        if autocast and x.is_floating_point() and x.dtype != torch_compute_dtype:
            x = x.to(torch_compute_dtype)
    return x


class Layer(LayerStateMixin, LayerDTypeMixin, MaskPropagationMixin, TrackingMixin, Operation, torch.nn.Module):
    """The base class of all layers: a callable with weights, built lazily on first call.

    Subclasses create weights in `build(input_shape)` with `add_weight`, compute in
    `call(inputs, ...)` (optionally accepting `training` and `mask`), and describe their
    constructor arguments in `get_config()`.

    Args:
        activity_regularizer: Regularizer applied to the layer's output.
        trainable: Whether the layer's weights are updated by training.
        dtype: Dtype or `DTypePolicy` of the layer's computations and weights.
        autocast: Whether floating inputs are cast to the layer's compute dtype.
        name: Name of the layer (unique automatic name by default).

    Example:

    ```python
    class Linear(kerasbridge.layers.Layer):
        def __init__(self, units=32, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units))
            self.b = self.add_weight(shape=(self.units,), initializer="zeros")

        def call(self, inputs):
            return inputs @ self.w + self.b
    ```
    """

    _allow_non_tensor_positional_args = False
    _convert_input_args = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_records_build", False):
            cls.build = recording_build(build)

    def __new__(cls, *args, **kwargs):
        instance = object.__new__(cls)
        torch.nn.Module.__init__(instance)
        state = instance.__dict__
        for name in BOOKKEEPING:
            state[name] = {} if name == "_tracked_containers" else []
        state["_auto_config"] = auto_config(cls, args, kwargs)
        return instance

    def __init__(self, *, activity_regularizer=None, trainable=True, dtype=None, autocast=True, name=None,
                 **kwargs):
        input_dim = kwargs.pop("input_dim", None)
        input_shape = kwargs.pop("input_shape", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        batch_size = kwargs.pop("batch_size", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}")
        Operation.__init__(self, name=name)
        self._path = naming.current_path()
        self.dtype_policy = dtype_policies.get(dtype)
        self.autocast = autocast
        self._trainable = bool(trainable)
        self.built = False
        self._called = False
        self._build_shapes_dict = None
        from kerasbridge import regularizers

        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.input_spec = None
        self.supports_masking = type(self).compute_mask is not Layer.compute_mask
        self._call_info = call_info(type(self))
        if input_dim is not None:
            input_shape = (input_dim,)
        if input_shape is not None:
            batch_input_shape = (batch_size,) + tuple(input_shape)
        self._input_shape_arg = tuple(batch_input_shape[1:]) if batch_input_shape is not None else None
        self._batch_size_arg = batch_input_shape[0] if batch_input_shape is not None else None
        if self._input_shape_arg is not None:
            warnings.warn(
                "Do not pass an `input_shape`/`input_dim` argument to a layer. When using Sequential models, "
                "prefer using an `Input(shape)` object as the first layer in the model instead.",
                stacklevel=2,
            )

    # -- weights ----------------------------------------------------------------------------
    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True, autocast=True,
                   regularizer=None, constraint=None, aggregation="none", overwrite_with_gradient=False,
                   name=None) -> Variable:
        """Create a weight of this layer and track it.

        Args:
            shape: Shape tuple (defaults to a scalar).
            initializer: Initializer instance, name or callable. Defaults to
                `"glorot_uniform"` for floats and `"zeros"` otherwise.
            dtype: Dtype of the weight (defaults to the layer's variable dtype).
            trainable: Whether the weight is updated by the optimizer.
            autocast: Whether it is cast to the compute dtype under mixed precision.
            regularizer: Regularizer instance or name; its penalty joins `layer.losses`.
            constraint: Constraint instance or name, applied after each optimizer update.
            aggregation: Cross-replica reduction (`"none"`, `"mean"`, `"sum"`, `"only_first_replica"`).
            overwrite_with_gradient: Whether the optimizer overwrites it with its gradient.
            name: Name of the weight (its path is `<layer path>/<name>`).

        Returns:
            The new `Variable`.
        """
        from kerasbridge import constraints, initializers, regularizers
        from kerasbridge.backend.dtypes import is_float_dtype, standardize_dtype

        shape = () if shape is None else tuple(shape)
        dtype = standardize_dtype(dtype) if dtype is not None else self.variable_dtype
        if initializer is None:
            initializer = "glorot_uniform" if is_float_dtype(dtype) else "zeros"
        initializer = initializers.get(initializer)
        with naming.name_scope(self.name, caller=self):
            variable = Variable(initializer=initializer, shape=shape, dtype=dtype, trainable=trainable,
                                autocast=autocast, aggregation=aggregation, name=name)
        variable.regularizer = regularizers.get(regularizer)
        variable.constraint = constraints.get(constraint)
        variable.overwrite_with_gradient = overwrite_with_gradient
        self._track_variable(variable)
        return variable

    @property
    def trainable(self) -> bool:
        """Whether the layer's weights are trained; setting it propagates to sublayers."""
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        self._trainable = value
        state_version.bump()
        for variable in self._trainable_variables:
            variable.trainable = value
        for layer in self._layers:
            layer.trainable = value

    @property
    def path(self) -> str:
        return f"{self._path}/{self.name}" if self._path else self.name

    # -- the call ------------------------------------------------------------------------------
    @recording_build
    def build(self, input_shape=None) -> None:
        """Create the layer's weights for inputs of `input_shape`. The default creates none.

        Like every subclass's `build`, it records the shapes it was called with
        (`get_build_config`), also when called directly, as Keras does.
        """
        self.built = True

    def call(self, *args, **kwargs):
        raise TypeError(f"Layer {type(self).__name__} does not have a `call()` method implemented.")

    def forward(self, *args, **kwargs):
        """torch's entry point: the same as `call()`."""
        return self.call(*args, **kwargs)

    def __call__(self, *args, **kwargs):
        if any_symbolic_tensors(args, kwargs):
            return self._symbolic_call(args, kwargs)
        return self._eager_call(args, kwargs)

    def _first_arg(self, args, kwargs):
        if args:
            return args[0]
        return kwargs.get(self._call_info.first_arg)

    def _assert_input_compatibility(self, first_arg) -> None:
        if self.input_spec is not None:
            assert_input_compatibility(self.input_spec, first_arg, layer_name=self.name)

    def _maybe_build(self, args, kwargs) -> None:
        if self.built:
            return
        shapes = shapes_for_build(self, args, kwargs)
        with naming.name_scope(self.name, caller=self):
            self.build(**shapes)
        if self._build_shapes_dict is None:
            self._build_shapes_dict = shapes
        self.built = True
        self._assert_input_compatibility(self._first_arg(args, kwargs))

    def _symbolic_call(self, args, kwargs):
        self._called = True
        self._assert_input_compatibility(self._first_arg(args, kwargs))
        self._maybe_build(args, kwargs)
        outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, call_args=args, call_kwargs=kwargs, outputs=outputs)
        return outputs

    def compute_output_spec(self, *args, **kwargs):
        """KerasTensors describing the outputs for symbolic inputs (masks included)."""

        def run(*call_args, **call_kwargs):
            return self._eager_call(call_args, call_kwargs)

        try:
            return infer_output_spec(run, *args, **kwargs)
        except Exception:
            if type(self).compute_output_shape is Layer.compute_output_shape:
                raise
            shapes = self.compute_output_shape(tree.map_structure(lambda x: x.shape, self._first_arg(args, kwargs)))
            return shapes_to_specs(shapes, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        """The output shape for `input_shape`, derived by running `call` on `meta` tensors."""
        specs = shapes_to_specs(input_shape, self.input_dtype)
        if not self.built:
            self._maybe_build((specs,), {})
        outputs = self.compute_output_spec(specs)
        return tree.map_structure(lambda x: x.shape, outputs)

    def compute_mask(self, inputs, previous_mask):
        """The output mask; the default passes the input mask through."""
        return previous_mask

    def _eager_call(self, args, kwargs):
        info = self._call_info
        convert = self._torch_compute_dtype
        autocast = self.autocast
        if not self._convert_input_args:
            pass
        elif len(args) != 1 or not isinstance(args[0], torch.Tensor) or (
            args[0].is_floating_point() and args[0].dtype != convert
        ) or (kwargs and not kwargs.keys() <= info.context_args):
            compute_dtype = self.compute_dtype
            args = tree.map_structure(lambda x: _convert_input(x, compute_dtype, convert, autocast), args)
            if kwargs:
                kwargs = {
                    k: (tree.map_structure(lambda x: _convert_input(x, compute_dtype, convert, autocast), v)
                        if k not in info.context_args else v)
                    for k, v in kwargs.items()
                }
            if not self._allow_non_tensor_positional_args:
                for leaf in tree.flatten(args):
                    if leaf is not None and not isinstance(leaf, torch.Tensor):
                        raise ValueError(
                            "Only input tensors may be passed as positional arguments. The following argument "
                            f"value should be passed as a keyword argument: {leaf} (of type {type(leaf)})"
                        )
        first_arg = args[0] if args else kwargs.get(info.first_arg)
        if self.input_spec is not None:
            self._check_input_spec(first_arg)
        context, outermost = call_context.enter_call_context(self)
        state = self.__dict__
        try:
            state["_called"] = True
            if outermost and not in_symbolic_scope():
                for layer in self._flattened_layers_cached():
                    if layer._losses:
                        layer._losses.clear()
            if not self.built:
                self._maybe_build(args, kwargs)
            if len(args) > 1:
                args, kwargs = info.bind_positional(args, kwargs)
            if "training" in kwargs:
                training = kwargs["training"] if info.has_training else kwargs.pop("training")
            elif context.training is not None:
                training = context.training
            else:
                training = info.training_default
            context.training = training
            if info.has_training and training is not None:
                kwargs["training"] = training
            if info.has_mask or info.mask_args or not isinstance(first_arg, torch.Tensor):
                previous_mask = self._resolve_mask(first_arg, args, kwargs)
            else:
                previous_mask = getattr(first_arg, "_keras_mask", None)
            scopes = naming._stack()
            if scopes and scopes[-1][1] is self:  # what `naming.name_scope(self.name, caller=self)` does
                outputs = self._module_call(args, kwargs)
            else:
                scopes.append((self.name, self))
                try:
                    outputs = self._module_call(args, kwargs)
                finally:
                    scopes.pop()
            if not state["built"]:
                self.built = True
            if self.activity_regularizer is not None and not in_symbolic_scope():
                for output in tree.flatten(outputs):
                    if isinstance(output, torch.Tensor):
                        loss = self.activity_regularizer(output)
                        if output.ndim > 0:
                            loss = loss / output.shape[0]
                        self.add_loss(loss)
            if self.supports_masking and (previous_mask is not None or info.computes_mask):
                self._set_mask_metadata(first_arg, outputs, previous_mask)
            elif previous_mask is not None and any(m is not None for m in tree.flatten(previous_mask)):
                warnings.warn(
                    f"Layer '{self.name}' (of type {type(self).__name__}) was passed an input with a mask "
                    "attached to it. However, this layer does not support masking and will therefore destroy "
                    "the mask information. Downstream layers will not see the mask.",
                    stacklevel=2,
                )
        finally:
            if outermost:
                call_context.exit_call_context()
        return outputs

    def _module_call(self, args, kwargs):
        """`torch.nn.Module.__call__`, entering `forward` directly when no hook or tracer needs the detour."""
        state = self.__dict__
        if (state.get("_forward_pre_hooks") or state.get("_forward_hooks") or state.get("_backward_hooks")
                or state.get("_backward_pre_hooks") or state.get("_compiled_call_impl") is not None
                or _torch_module._global_forward_pre_hooks or _torch_module._global_forward_hooks
                or _torch_module._global_backward_hooks or _torch_module._global_backward_pre_hooks
                or torch._C._get_tracing_state()):
            return torch.nn.Module.__call__(self, *args, **kwargs)
        if type(self).forward is Layer.forward:
            return self.call(*args, **kwargs)
        return self.forward(*args, **kwargs)

    def _check_input_spec(self, first_arg) -> None:
        """`input_spec` validation, skipped when the input has the shape and dtype last accepted."""
        if isinstance(first_arg, torch.Tensor):
            signature = (first_arg.shape, first_arg.dtype)
            if self.__dict__.get("_accepted_input") == signature:
                return
            assert_input_compatibility(self.input_spec, first_arg, layer_name=self.name)
            self.__dict__["_accepted_input"] = signature
            return
        assert_input_compatibility(self.input_spec, first_arg, layer_name=self.name)

    def _flattened_layers_cached(self) -> list:
        """`_flatten_layers()`, recomputed only when some layer's sublayers changed."""
        return self._cached("_loss_layers_cache", self._flatten_layers)

    # -- misc ----------------------------------------------------------------------------------
    def add_loss(self, loss) -> None:
        """Add a scalar loss tensor (e.g. an activity penalty) to `layer.losses`."""
        if in_symbolic_scope():
            return
        for value in tree.flatten(loss):
            self._losses.append(convert_to_tensor(value))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"

    __str__ = __repr__

    def extra_repr(self) -> str:
        return f"name={self.name}"

