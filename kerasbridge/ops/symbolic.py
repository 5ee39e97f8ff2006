"""Output shapes and dtypes of any callable, found by running it on `meta` tensors.

`meta` tensors have shapes and dtypes but no data, so running a layer's `call` on them
is exact and costs no arithmetic. Unknown (`None`) dimensions are filled with two
different sizes; an output dimension that changes between the runs is unknown too.
Operations that `meta` cannot run fall back to small real tensors on the CPU.
"""

from __future__ import annotations

import torch
import torch.utils._pytree as pytree

from kerasbridge.backend.device import device_scope
from kerasbridge.backend.dtypes import standardize_dtype, to_torch_dtype
from kerasbridge.backend.symbolic_scope import symbolic_scope
from kerasbridge.ops.keras_tensor import KerasTensor
from kerasbridge.utils import tree

_FILL_A, _FILL_B = 83, 89


def _to_concrete(x, fill: int, device: str):
    if not isinstance(x, KerasTensor):
        return x
    if x.dtype == "string":
        raise TypeError(
            "A 'string' KerasTensor has no meta/torch tensor: an operation that takes strings must "
            "implement `compute_output_spec` (or `compute_output_shape`)."
        )
    shape = [fill if d is None else d for d in x.shape]
    tensor = torch.ones(shape, dtype=to_torch_dtype(x.dtype), device=device)
    if x._keras_mask is not None:
        tensor._keras_mask = _to_concrete(x._keras_mask, fill, device)
    return tensor


def _on_meta(value):
    """A tensor (or a Keras `Variable`'s tensor) that is not on `meta`, as a `meta` tensor of its shape and dtype."""
    if isinstance(value, torch.Tensor):
        return value if value.device.type == "meta" else value.to("meta")
    if hasattr(value, "_keras_variable_value"):
        return _on_meta(value._keras_variable_value())
    return value


class _WeightsOnMeta(torch.overrides.TorchFunctionMode):
    """Run every torch function with its non-`meta` tensor arguments on `meta`.

    A layer's weights live on a real device while the symbolic inputs are `meta` tensors;
    torch refuses to mix them, so each weight joins the computation as a `meta` tensor of
    its shape and dtype (no copy of data). Nothing is written back: symbolic calls change
    no state.
    """

    def __torch_function__(self, func, types, args=(), kwargs=None):
        args, kwargs = pytree.tree_map(_on_meta, (args, kwargs or {}))
        return func(*args, **kwargs)


def _run(fn, args, kwargs, fill: int):
    try:
        with device_scope("meta"), torch.no_grad(), _WeightsOnMeta():
            concrete_args, concrete_kwargs = tree.map_structure(
                lambda x: _to_concrete(x, fill, "meta"), (args, kwargs)
            )
            return fn(*concrete_args, **concrete_kwargs)
    except Exception:
        with device_scope("cpu"), torch.no_grad():
            concrete_args, concrete_kwargs = tree.map_structure(
                lambda x: _to_concrete(x, fill, "cpu"), (args, kwargs)
            )
            return fn(*concrete_args, **concrete_kwargs)


def _spec(first, second):
    if not isinstance(first, torch.Tensor):
        return first
    shape = list(first.shape)
    if second is not None:
        shape = [a if a == b else None for a, b in zip(first.shape, second.shape)]
    spec = KerasTensor(shape, dtype=standardize_dtype(first.dtype))
    mask = getattr(first, "_keras_mask", None)
    if mask is not None:
        spec._keras_mask = _spec(mask, getattr(second, "_keras_mask", None) if second is not None else None)
    return spec


def compute_output_spec(fn, *args, **kwargs):
    """Return the KerasTensors that `fn(*args, **kwargs)` would produce for symbolic inputs.

    Masks attached to outputs (`_keras_mask`) come back as KerasTensors on the outputs.
    """
    has_unknown = any(
        isinstance(x, KerasTensor) and None in x.shape for x in tree.flatten((args, kwargs))
    )
    with symbolic_scope():
        first = _run(fn, args, kwargs, _FILL_A)
        if not has_unknown:
            return tree.map_structure(lambda x: _spec(x, None), first)
        second = _run(fn, args, kwargs, _FILL_B)
    flat_first, flat_second = tree.flatten(first), tree.flatten(second)
    return tree.pack_sequence_as(first, [_spec(a, b) for a, b in zip(flat_first, flat_second)])
