"""`Functional`: a model defined by a graph of layers from `Input()` tensors to outputs."""

from __future__ import annotations

import warnings

import torch

from kerasbridge.backend.dtypes import to_torch_dtype
from kerasbridge.backend.tensor import convert_to_tensor
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.models.functional_config import FunctionalConfigMixin
from kerasbridge.models.graph import map_graph
from kerasbridge.models.model import Model
from kerasbridge.ops.keras_tensor import KerasTensor
from kerasbridge.utils import tree


def _module_key(name: str) -> str:
    return name.replace(".", "_") or "layer"


class _Step:
    """One node of the graph, ready to replay: the operation and where its arguments come from."""

    __slots__ = ("operation", "args", "kwargs", "output_ids", "single_output_id", "single_input_id",
                 "accepts_training", "direct_eager")

    def __init__(self, node):
        self.operation = node.operation
        self.args = node.call_args
        self.kwargs = node.call_kwargs
        self.output_ids = [id(x) for x in node.outputs]
        self.single_output_id = self.output_ids[0] if len(self.output_ids) == 1 else None
        single = len(node.call_args) == 1 and not node.call_kwargs and isinstance(node.call_args[0], KerasTensor)
        self.single_input_id = id(node.call_args[0]) if single else None
        info = getattr(node.operation, "_call_info", None)
        self.accepts_training = bool(info is not None and info.has_training)
        # A layer with Keras's own `__call__` on concrete tensors goes straight to its eager call.
        operation = node.operation
        self.direct_eager = isinstance(operation, Layer) and type(operation).__call__ is Layer.__call__


class Functional(FunctionalConfigMixin, Model):
    """A model built from symbolic inputs and outputs: `Model(inputs, outputs)`.

    Args:
        inputs: An `Input()` tensor, or a list, tuple or dict of them.
        outputs: The tensor(s) computed from `inputs`, as a single tensor, list, tuple or dict.
        name: Name of the model.
        trainable: Whether the model's weights are trainable.
    """

    _convert_input_args = False

    def __init__(self, inputs, outputs, name=None, **kwargs):
        trainable = kwargs.pop("trainable", True)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments passed to Functional: {kwargs}")
        Layer.__init__(self, name=name)
        if isinstance(inputs, dict):
            for key, x in inputs.items():
                if isinstance(x, KerasTensor) and x.name != key and x._keras_history is not None:
                    op_name = x._keras_history.operation.name
                    if op_name != key:
                        warnings.warn(
                            "The structure of `inputs` doesn't match the expected structure. "
                            f"Expected input name '{key}' for the input tensor named '{op_name}'.",
                            stacklevel=2,
                        )
        for x in tree.flatten(inputs):
            if not isinstance(x, KerasTensor):
                raise ValueError(f"All `inputs` values must be KerasTensors. Received: inputs={inputs} including invalid value {x} of type {type(x)}")
        for x in tree.flatten(outputs):
            if not isinstance(x, KerasTensor):
                raise ValueError(f"All `outputs` values must be KerasTensors. Received: outputs={outputs} including invalid value {x} of type {type(x)}")
        if isinstance(inputs, (list, tuple)) and len(inputs) == 1 and not isinstance(inputs[0], (list, tuple, dict)):
            inputs = inputs[0] if isinstance(inputs, tuple) else inputs
        self.__dict__["_inputs_struct"] = inputs if not isinstance(inputs, tuple) else list(inputs)
        self.__dict__["_outputs_struct"] = outputs if not isinstance(outputs, tuple) else list(outputs)
        self.__dict__["_inputs"] = tree.flatten(inputs)
        self.__dict__["_outputs"] = tree.flatten(outputs)
        nodes_by_depth, operations = map_graph(self._inputs, self._outputs)
        self.__dict__["_nodes_by_depth"] = nodes_by_depth
        self.__dict__["_operations"] = operations
        for operation in operations:
            if isinstance(operation, Layer):
                self._track_layer(operation)
                self._modules[_module_key(operation.name)] = operation
        self.__dict__["_steps"] = [
            _Step(node)
            for depth in sorted(nodes_by_depth, reverse=True)
            for node in nodes_by_depth[depth]
            if not node.is_input
        ]
        # String inputs (dtype "string") have no torch dtype: their data stays a numpy array of str.
        self.__dict__["_input_dtypes"] = [None if x.dtype == "string" else to_torch_dtype(x.dtype) for x in self._inputs]
        self.built = True
        self._build_shapes_dict = {"input_shape": None}  # Keras's Functional runs `build(None)`: same build_config
        if not trainable:
            self.trainable = False

    # -- structure -------------------------------------------------------------------------------
    @property
    def layers(self) -> list:
        return [op for op in self._operations if isinstance(op, Layer)]

    @property
    def operations(self) -> list:
        return list(self._operations)

    @property
    def inputs(self) -> list:
        return list(self._inputs)

    @property
    def outputs(self) -> list:
        return list(self._outputs)

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_shape(self):
        shapes = tree.map_structure(lambda x: x.shape, self._inputs_struct)
        return shapes

    @property
    def output_shape(self):
        return tree.map_structure(lambda x: x.shape, self._outputs_struct)

    @property
    def output_names(self) -> list[str]:
        return [x._keras_history.operation.name for x in self._outputs]

    @property
    def input_spec(self):
        specs = []
        for x in self._inputs:
            operation = x._keras_history.operation
            specs.append(InputSpec(shape=(None,) + tuple(x.shape[1:]), allow_last_axis_squeeze=True,
                                   name=operation.name, optional=getattr(operation, "optional", False)))
        if isinstance(self._inputs_struct, dict):
            return {key: spec for key, spec in zip(sorted(self._inputs_struct), specs)}
        return specs[0] if len(specs) == 1 and not isinstance(self._inputs_struct, list) else specs

    @input_spec.setter
    def input_spec(self, value):
        """Ignored: a Functional model's input spec always follows its `Input()` tensors."""

    # -- execution -----------------------------------------------------------------------------------
    def _standardize_inputs(self, inputs) -> list:
        if isinstance(inputs, torch.Tensor) and len(self._inputs) == 1:
            if inputs.dtype == self._input_dtypes[0] and inputs.ndim == len(self._inputs[0].shape):
                return [inputs]  # already what the general path below would produce
        if isinstance(inputs, dict) and not isinstance(self._inputs_struct, dict):
            names = [x._keras_history.operation.name for x in self._inputs]
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(
                    f'Missing data for input "{missing[0]}". You passed a data dictionary with keys '
                    f"{list(inputs.keys())}. Expected the following keys: {names}"
                )
            flat = [inputs[n] for n in names]
        elif isinstance(self._inputs_struct, dict) and isinstance(inputs, dict):
            missing = [k for k in self._inputs_struct if k not in inputs]
            if missing:
                raise ValueError(
                    f'Missing data for input "{missing[0]}". You passed a data dictionary with keys '
                    f"{list(inputs.keys())}. Expected the following keys: {list(self._inputs_struct)}"
                )
            flat = tree.flatten({k: inputs[k] for k in self._inputs_struct})
        else:
            flat = tree.flatten(inputs)
        if len(flat) != len(self._inputs):
            raise ValueError(
                f'Layer "{self.name}" expects {len(self._inputs)} input(s), but it received {len(flat)} '
                f"input tensors. Inputs received: {inputs}"
            )
        converted = []
        for x, ref, dtype in zip(flat, self._inputs, self._input_dtypes):
            if x is None:
                converted.append(None)
                continue
            if dtype is None:
                converted.append(_string_input(x, ref))
                continue
            mask = getattr(x, "_keras_mask", None)
            if not isinstance(x, torch.Tensor) or x.dtype != dtype:
                x = convert_to_tensor(x, dtype=dtype)
            x = self._adjust_rank(x, ref)
            if mask is not None:
                x._keras_mask = mask
            converted.append(x)
        return converted

    @staticmethod
    def _adjust_rank(x, ref: KerasTensor):
        ref_rank = len(ref.shape)
        if x.ndim == ref_rank:
            return x
        if x.ndim == ref_rank + 1 and x.shape[-1] == 1:
            return x.squeeze(-1)
        if x.ndim == ref_rank - 1 and ref.shape[-1] == 1:
            return x.unsqueeze(-1)
        raise ValueError(
            f"Invalid input shape for input {x.shape}. Expected shape {ref.shape}, but input has "
            f"incompatible shape {tuple(x.shape)}"
        )

    def call(self, inputs, training=None, mask=None):
        flat_inputs = self._standardize_inputs(inputs)
        if mask is not None:
            for x, m in zip(flat_inputs, tree.flatten(mask)):
                if m is not None:
                    x._keras_mask = m
        values = {id(ref): x for ref, x in zip(self._inputs, flat_inputs)}

        def fill(x):
            return values[id(x)] if isinstance(x, KerasTensor) else x

        for step in self._steps:
            single_input_id = step.single_input_id
            pass_training = training is not None and step.accepts_training
            if single_input_id is not None:
                x = values[single_input_id]
                kwargs = {"training": training} if pass_training else {}
                if step.direct_eager and isinstance(x, torch.Tensor):
                    outputs = step.operation._eager_call((x,), kwargs)
                else:
                    outputs = step.operation(x, **kwargs)
            else:
                args = tree.map_structure(fill, step.args)
                kwargs = tree.map_structure(fill, step.kwargs)
                if pass_training:
                    kwargs["training"] = training
                outputs = step.operation(*args, **kwargs)
            if step.single_output_id is not None:
                if not isinstance(outputs, torch.Tensor) and tree.is_nested(outputs):
                    outputs = tree.flatten(outputs)[0]
                values[step.single_output_id] = outputs
            else:
                for output_id, value in zip(step.output_ids, tree.flatten(outputs)):
                    values[output_id] = value
        if isinstance(self._outputs_struct, KerasTensor):
            return values[id(self._outputs_struct)]
        return tree.pack_sequence_as(self._outputs_struct, [values[id(x)] for x in self._outputs])


def _string_input(x, ref: KerasTensor):
    """String data for a "string" input, as a numpy array of `str` with the input's rank."""
    import numpy as np

    x = np.asarray(x)
    if x.dtype.kind == "S":
        x = np.char.decode(x, "utf-8")
    if x.ndim == len(ref.shape) + 1 and x.shape[-1] == 1:
        return x[..., 0]
    if x.ndim == len(ref.shape) - 1 and ref.shape[-1] == 1:
        return x[..., None]
    return x
