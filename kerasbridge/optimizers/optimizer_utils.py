"""Helpers of `BaseOptimizer`: attribute tracking, host-cached scalars and device grouping."""

from __future__ import annotations

import torch

from kerasbridge.backend.variable import Variable


class _TrackedList(list):
    """A list attribute of an optimizer: `Variable`s added to it join `optimizer.variables`."""

    def __init__(self, optimizer, values=()):
        super().__init__(values)
        self._optimizer = optimizer
        for value in values:
            optimizer._track_value(value)

    def append(self, value):
        self._optimizer._track_value(value)
        super().append(value)

    def insert(self, index, value):
        self._optimizer._track_value(value)
        super().insert(index, value)

    def extend(self, values):
        values = list(values)
        for value in values:
            self._optimizer._track_value(value)
        super().extend(values)

    def __iadd__(self, values):
        self.extend(values)
        return self

    def __setitem__(self, index, value):
        for item in value if isinstance(index, slice) else [value]:
            self._optimizer._track_value(item)
        super().__setitem__(index, value)


class _HostValue:
    """A host copy of a scalar `Variable`, re-read from the device only after outside writes.

    Writes are detected through the tensor's version counter (bumped by every in-place
    operation, `assign` included) and its identity (a swapped parameter).
    """

    __slots__ = ("cast", "tensor", "value", "variable", "version")

    def __init__(self, variable: Variable, value, cast=float):
        self.variable, self.cast = variable, cast
        self._mark(value)

    def _mark(self, value) -> None:
        tensor = self.variable.value
        self.value, self.tensor, self.version = value, tensor, tensor._version

    def get(self):
        tensor = self.variable.value
        if tensor is not self.tensor or tensor._version != self.version:
            self._mark(self.cast(tensor.detach().cpu()))
        return self.value

    def increment(self) -> None:
        value = self.get()
        with torch.no_grad():
            self.variable.value.add_(1)
        self._mark(value + 1)


def _group_indices(tensors) -> list[list[int]] | None:
    """Indices of `tensors` grouped by (device, dtype); `None` when they all share one."""
    first = tensors[0]
    device, dtype = first.device, first.dtype
    for tensor in tensors:
        if tensor.dtype != dtype or tensor.device != device:
            break
    else:
        return None
    groups: dict = {}
    for i, tensor in enumerate(tensors):
        groups.setdefault((tensor.device, tensor.dtype), []).append(i)
    return list(groups.values())


def _on(value, like: torch.Tensor) -> torch.Tensor:
    """`value` (Variable, tensor or number) as a tensor of `like`'s dtype on `like`'s device."""
    if isinstance(value, Variable):
        value = value.value
    if isinstance(value, torch.Tensor):
        if value.dtype != like.dtype or value.device != like.device:
            value = value.to(device=like.device, dtype=like.dtype)
        return value
    return torch.full((), value, dtype=like.dtype, device=like.device)


_CONSTANTS: dict = {}


def _constant_on(value: float, like: torch.Tensor) -> torch.Tensor:
    """`_on(value, like)` for a Python number, created once per (value, dtype, device) and reused.

    The tensor is shared between calls: use it only as an operand, never modify it in place.
    """
    key = (type(value), value, like.dtype, like.device)
    tensor = _CONSTANTS.get(key)
    if tensor is None:
        if len(_CONSTANTS) > 256:
            _CONSTANTS.clear()
        tensor = _CONSTANTS[key] = torch.full((), value, dtype=like.dtype, device=like.device)
    return tensor


_PARALLEL_CACHE: dict = {}


def _uses_parallel_update(cls) -> bool:
    """Whether `cls` updates through `_parallel_update_step` (no subclass overrides `update_step`)."""
    cached = _PARALLEL_CACHE.get(cls)
    if cached is None:
        update_owner = next((k for k in cls.__mro__ if "update_step" in vars(k)), None)
        parallel_owner = next((k for k in cls.__mro__ if "_parallel_update_step" in vars(k)), None)
        cached = (
            parallel_owner is not None
            and update_owner is not None
            and issubclass(parallel_owner, update_owner)
        )
        _PARALLEL_CACHE[cls] = cached
    return cached
