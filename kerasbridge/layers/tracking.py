"""Lists and dicts of layers assigned to a Layer attribute stay registered as submodules.

`self.blocks = [Dense(4), Dense(4)]` registers both Dense layers with torch (so
`state_dict`, DDP and optimizers see their parameters) and with Keras's `_layers`
(so `weights` sees them), and later `self.blocks.append(...)` does too.
"""

from __future__ import annotations

import weakref

import torch

from kerasbridge.backend import state_version
from kerasbridge.backend.random import SeedGenerator
from kerasbridge.backend.variable import Variable
from kerasbridge.ops.keras_tensor import KerasTensor

BOOKKEEPING = (
    "_layers", "_trainable_variables", "_non_trainable_variables", "_losses", "_seed_generators",
    "_metrics", "_tracked_containers", "_auto_config", "_inbound_nodes", "_outbound_nodes",
)


tracking_version = state_version.current
bump_tracking_version = state_version.bump


def contains_trackable(value) -> bool:
    if isinstance(value, (TrackingMixin, Variable)):
        return True
    if isinstance(value, dict):
        return any(contains_trackable(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_trackable(v) for v in value)
    return False


class _Tracked:
    def _attach(self, owner, attribute: str):
        self._owner_ref = weakref.ref(owner)
        self._attribute = attribute
        return self

    def _resync(self):
        owner = getattr(self, "_owner_ref", lambda: None)()
        if owner is not None:
            owner._track_container(self._attribute, self)


def _mutating(base: type, name: str):
    original = getattr(base, name)

    def method(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        self._resync()
        return result

    method.__name__ = name
    return method


class TrackedList(_Tracked, list):
    """A list that re-registers its layers with the owning Layer when it changes."""


class TrackedDict(_Tracked, dict):
    """A dict that re-registers its layers with the owning Layer when it changes."""


for _name in ("append", "extend", "insert", "remove", "pop", "clear", "__setitem__", "__delitem__", "__iadd__",
              "sort", "reverse"):
    setattr(TrackedList, _name, _mutating(list, _name))
for _name in ("__setitem__", "__delitem__", "pop", "popitem", "clear", "update", "setdefault"):
    setattr(TrackedDict, _name, _mutating(dict, _name))
del _name


def iterate_trackables(value, prefix: str):
    """Yield `(key, item)` for every Layer or Variable inside nested lists, tuples and dicts."""
    if isinstance(value, (TrackingMixin, Variable)):
        yield prefix, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from iterate_trackables(v, f"{prefix}_{k}")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from iterate_trackables(v, f"{prefix}_{i}")


class TrackingMixin:
    """`Layer.__setattr__`: registers Variables, sublayers and containers of them as they are assigned."""

    def __setattr__(self, name: str, value) -> None:
        if name in BOOKKEEPING or name.startswith("__"):
            object.__setattr__(self, name, value)
            return
        if isinstance(value, Variable):
            self._track_variable(value)
            object.__setattr__(self, name, value)
            return
        if isinstance(value, TrackingMixin):
            if value is not self:
                self._track_layer(value)
        elif isinstance(value, SeedGenerator):
            if all(value is not g for g in self._seed_generators):
                self._seed_generators.append(value)
        elif isinstance(value, (list, tuple, dict)) and not isinstance(value, KerasTensor):
            if contains_trackable(value):
                if type(value) is list:
                    value = TrackedList(value)._attach(self, name)
                elif type(value) is dict:
                    value = TrackedDict(value)._attach(self, name)
                self._track_container(name, value)
        if name in self._parameters:
            if isinstance(value, torch.nn.Parameter):
                # Swap the registered parameter (FSDP, `load_state_dict(assign=True)`), keeping the
                # attribute that holds its Keras `Variable`, which reads the parameter from there.
                self._parameters[name] = value
            else:
                object.__setattr__(self, name, value)
            return
        if isinstance(value, (torch.nn.Parameter, torch.nn.Module)):
            state_version.bump()  # a raw torch parameter or module changes what `parameters()` yields
        torch.nn.Module.__setattr__(self, name, value)

    def _track_layer(self, layer) -> None:
        if all(layer is not existing for existing in self._layers):
            self._layers.append(layer)
            state_version.bump()

    def _track_variable(self, variable: Variable) -> None:
        owned = self._trainable_variables if variable.trainable else self._non_trainable_variables
        if any(variable is v for v in self._trainable_variables + self._non_trainable_variables):
            return
        owned.append(variable)
        state_version.bump()
        key = self._unique_parameter_key(variable.name)
        if variable._owner is None:
            variable._bind(self, key)
        else:
            self.register_parameter(key, variable.value)
        if not self._trainable:
            variable._set_requires_grad(False)

    def _unique_parameter_key(self, name: str) -> str:
        base = name.replace(".", "_") or "variable"
        key, index = base, 1
        while key in self._parameters or key in self._modules or key in self._buffers:
            key, index = f"{base}_{index}", index + 1
        return key

    def _track_container(self, attribute: str, container) -> None:
        previous = self._tracked_containers.get(attribute, ())
        for key in previous:
            self._modules.pop(key, None)
        keys = []
        for key, item in iterate_trackables(container, attribute):
            if isinstance(item, TrackingMixin):
                if item is self:
                    continue
                self._track_layer(item)
                self._modules[key] = item
                keys.append(key)
            else:
                self._track_variable(item)
        self._tracked_containers[attribute] = keys

