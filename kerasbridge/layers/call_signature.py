"""What a layer's `call()` and `build()` accept, inspected once per class."""

from __future__ import annotations

import inspect

import torch

from kerasbridge.ops.keras_tensor import KerasTensor
from kerasbridge.utils import tree

_CACHE: dict = {}


def _is_tensor_structure(value) -> bool:
    return any(isinstance(x, (torch.Tensor, KerasTensor)) for x in tree.flatten(value))


class CallInfo:
    """The argument names of a `call()` signature and the context arguments it takes."""

    def __init__(self, call_fn):
        signature = inspect.signature(call_fn)
        params = list(signature.parameters.values())[1:]
        self.signature = signature
        self.arg_names = [p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        self.first_arg = self.arg_names[0] if self.arg_names else None
        self.has_training = "training" in self.arg_names
        self.has_mask = "mask" in self.arg_names
        self.mask_args = {name for name in self.arg_names if name.endswith("_mask")}
        self.context_args = {"training"}
        training = signature.parameters.get("training")
        default = training.default if training is not None else None
        self.training_default = None if default is inspect.Parameter.empty else default
        self.has_var_positional = any(p.kind is p.VAR_POSITIONAL for p in params)

    def bind_positional(self, args, kwargs):
        """Move positional arguments after the first onto their names (so `training`/`mask` are seen)."""
        if self.has_var_positional:
            return args, kwargs
        kwargs = dict(kwargs)
        names = self.arg_names
        for index, value in enumerate(args[1:], start=1):
            if index < len(names):
                kwargs[names[index]] = value
        return args[:1], kwargs

    def tensor_arguments(self, args, kwargs) -> dict:
        """The arguments (by name) that hold tensors."""
        found = {}
        for index, value in enumerate(args):
            name = self.arg_names[index] if index < len(self.arg_names) else f"arg_{index}"
            if _is_tensor_structure(value):
                found[name] = value
        for name, value in kwargs.items():
            if name not in ("mask", "training") and not name.endswith("_mask") and _is_tensor_structure(value):
                found[name] = value
        return found


def call_info(cls) -> CallInfo:
    """The cached `CallInfo` for `cls.call` (and whether `cls` computes its own masks)."""
    info = _CACHE.get(cls)
    if info is None:
        from kerasbridge.layers.layer import Layer

        info = _CACHE[cls] = CallInfo(cls.call)
        info.computes_mask = cls.compute_mask is not Layer.compute_mask
    return info


def _shape(x):
    return None if x is None else tuple(x.shape)


def shapes_for_build(layer, args, kwargs) -> dict:
    """Keyword arguments for `layer.build`: the first input's shape, or `<arg>_shape` per argument."""
    info = layer._call_info
    tensor_args = info.tensor_arguments(args, kwargs)
    shapes = {
        f"{name}_shape": tree.map_structure(_shape, value) if tree.is_nested(value) else _shape(value)
        for name, value in tensor_args.items()
    }
    try:
        build_params = [
            p for p in list(inspect.signature(type(layer).build).parameters.values())[1:]
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.POSITIONAL_ONLY, p.KEYWORD_ONLY)
        ]
    except (TypeError, ValueError):
        build_params = []
    first_shape = next(iter(shapes.values()), None)
    if len(build_params) <= 1:
        name = build_params[0].name if build_params else "input_shape"
        return {name: first_shape} if build_params else {}
    resolved = {}
    for param in build_params:
        if param.name in shapes:
            resolved[param.name] = shapes[param.name]
        elif param.default is not inspect.Parameter.empty:
            continue
        else:
            raise ValueError(
                f"For a `build()` method with more than one argument, all arguments should have a `_shape` "
                f"suffix and match an argument from `call()`. E.g. `build(self, foo_shape, bar_shape)`. "
                f"For layer '{type(layer).__name__}', received `build()` argument `{param.name}`, which does "
                f"not end in `_shape` or does not match a `call()` argument."
            )
    return resolved
