"""The decorator that turns a torch function into a kerasbridge activation."""

from __future__ import annotations

import functools

import torch

from kerasbridge.backend.tensor import convert_to_tensor


def _activation(fn):
    """Run `fn` on tensors; record a graph node when called on a KerasTensor."""

    @functools.wraps(fn)
    def wrapper(x, *args, **kwargs):
        if not isinstance(x, torch.Tensor):
            from kerasbridge.ops.keras_tensor import KerasTensor

            if isinstance(x, KerasTensor):
                from kerasbridge.ops.operation import FunctionOperation

                return FunctionOperation(fn, fn.__name__)(x, *args, **kwargs)
            x = convert_to_tensor(x)
        return fn(x, *args, **kwargs)

    return wrapper
