"""Walking a model's object tree to save and load variables, as Keras 3's `saving_lib` does.

Every saveable object (layer, model, optimizer, metric, loss) is visited once, at
a path made of the attribute names that lead to it: `layers/dense/vars`,
`optimizer/vars`, `layers/lstm/cell/vars`. Objects inside a list, tuple or dict
are named after their class in snake case, de-duplicated with `_1`, `_2`
suffixes (`layers/dense`, `layers/dense_1`). Attributes a plain base object of
the same kind already has are skipped, and private attributes come last, so
the same model built in Keras 3 and in kerasbridge produces the same paths.
"""

from __future__ import annotations

import functools

from kerasbridge.backend.naming import to_snake_case


def _saveable_types() -> tuple:
    from kerasbridge.losses.loss import Loss
    from kerasbridge.metrics.metric import Metric
    from kerasbridge.ops.operation import Operation
    from kerasbridge.optimizers.base_optimizer import BaseOptimizer

    return Operation, BaseOptimizer, Metric, Loss


def is_saveable(obj) -> bool:
    """Whether `obj` is a layer, model, operation, optimizer, metric or loss."""
    return isinstance(obj, _saveable_types())


def object_type(obj) -> str:
    """Keras's `_obj_type()`: which base object's attributes are skipped while walking `obj`."""
    from kerasbridge.layers.layer import Layer
    from kerasbridge.losses.loss import Loss
    from kerasbridge.metrics.metric import Metric
    from kerasbridge.models.functional import Functional
    from kerasbridge.models.sequential import Sequential
    from kerasbridge.optimizers.base_optimizer import BaseOptimizer

    if isinstance(obj, Functional):
        return "Functional"
    if isinstance(obj, Sequential):
        return "Sequential"
    if isinstance(obj, Layer):
        return "Layer"
    if isinstance(obj, BaseOptimizer):
        return "Optimizer"
    if isinstance(obj, Metric):
        return "Metric"
    if isinstance(obj, Loss):
        return "Loss"
    return "Operation"


@functools.cache
def attribute_skipset(obj_type: str) -> frozenset:
    """The attribute names of a plain base object of kind `obj_type` (not walked)."""
    from kerasbridge.layers.layer import Layer
    from kerasbridge.losses.loss import Loss
    from kerasbridge.metrics.metric import Metric
    from kerasbridge.ops.operation import Operation
    from kerasbridge.optimizers.base_optimizer import Optimizer

    skip = {"_self_unconditional_dependency_names"}
    if obj_type in ("Layer", "Functional", "Sequential"):
        skip.update(dir(Layer()))
        if obj_type == "Functional":
            skip.update(("operations", "_operations"))
        if obj_type == "Sequential":
            skip.add("_functional")
    elif obj_type == "Optimizer":
        skip.update(dir(Optimizer(1.0)))
        skip.discard("variables")
    elif obj_type == "Metric":
        skip.update(dir(Metric()))
    elif obj_type == "Loss":
        skip.update(dir(Loss()))
    else:
        skip.update(dir(Operation()))
    return frozenset(skip)


# kerasbridge bookkeeping that may reference saveables but has no counterpart in Keras objects.
_INTERNAL_ATTRIBUTES = frozenset({"_step_functions", "_compile_config", "_tracked_containers"})


def _is_internal(name: str) -> bool:
    return name in _INTERNAL_ATTRIBUTES or name.endswith("_cache")


def _layers_registered_by_name(model) -> set:
    """Attribute names that exist only because a Sequential/Functional model registers its layers by name."""
    tracked = {id(layer) for layer in model._layers}
    return {key for key, module in model._modules.items() if id(module) in tracked}


def walk_saveable(saveable):
    """Yield `(attribute name, child)` for the attributes of `saveable` that may hold saveables."""
    obj_type = object_type(saveable)
    skip = attribute_skipset(obj_type)
    if obj_type in ("Sequential", "Functional"):
        yield "layers", saveable.layers
        skip = skip | _layers_registered_by_name(saveable)
    names = sorted(dir(saveable), key=lambda name: f"~{name}" if name.startswith("_") else name)
    for name in names:
        if name.startswith("__") or name in skip or _is_internal(name):
            continue
        try:
            child = getattr(saveable, name)
        except Exception:  # noqa: BLE001 - properties may fail on unbuilt objects, as in Keras
            continue
        yield name, child


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def unique_name(name: str, used: dict) -> str:
    """`name`, or `name_1`, `name_2`, ... when already used in the same container."""
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def _container_children(container, path: str):
    used: dict = {}
    items = list(container.values()) if isinstance(container, dict) else list(container)
    for item in items:
        if is_saveable(item):
            yield item, _join(path, unique_name(to_snake_case(type(item).__name__), used))
        elif isinstance(item, (list, tuple, dict)):
            yield item, _join(path, unique_name("container", used))


def save_state(saveable, store, path: str = "", visited: dict | None = None, assets=None):
    """Write the variables of `saveable` and of every saveable it reaches into `store`.

    `visited` maps `id()` to the visited objects (holding them keeps the ids unique
    while walking, even for objects that properties create on the fly). With an
    `assets` store (see `assets_store.AssetsDirectory`), objects with `save_assets`
    write their files into the directory `assets.make(path)`, as in Keras.
    """
    visited = {} if visited is None else visited
    if id(saveable) in visited:
        return
    if hasattr(saveable, "save_own_variables"):
        name = getattr(saveable, "name", None)
        saveable.save_own_variables(store.make(path, metadata={"name": name} if isinstance(name, str) else None))
    if assets is not None and hasattr(saveable, "save_assets"):
        saveable.save_assets(assets.make(path))
    visited[id(saveable)] = saveable
    for attr, child in walk_saveable(saveable):
        _save_child(child, store, _join(path, attr), visited, {}, assets)


def _save_child(child, store, path, visited, containers, assets):
    if is_saveable(child):
        save_state(child, store, path, visited, assets)
    elif isinstance(child, (list, tuple, dict)):
        if id(child) in containers:
            return
        containers[id(child)] = child
        for item, item_path in _container_children(child, path):
            _save_child(item, store, item_path, visited, containers, assets)


class LoadReport:
    """What happened while loading: objects that failed (with errors) and the values to restore."""

    def __init__(self, skip_mismatch: bool = False):
        self.skip_mismatch = skip_mismatch
        self.errors: dict = {}
        self.previous_values: list = []

    def remember(self, saveable) -> list:
        """Snapshot the own variables of `saveable` before they are overwritten."""
        snapshot = [(v, v.value.detach().clone()) for v in own_variables(saveable)]
        self.previous_values.extend(snapshot)
        return snapshot

    def restore(self, snapshot=None) -> None:
        """Put back the values of `snapshot` (default: everything loaded so far)."""
        import torch

        with torch.no_grad():
            for variable, value in reversed(self.previous_values if snapshot is None else snapshot):
                variable.value.copy_(value)


def own_variables(saveable) -> list:
    """The variables `save_own_variables` / `load_own_variables` of `saveable` handle."""
    if hasattr(saveable, "_trainable_variables") and hasattr(saveable, "_non_trainable_variables"):
        return list(saveable._trainable_variables) + list(saveable._non_trainable_variables)
    return list(getattr(saveable, "variables", []) or [])


def load_state(saveable, store, report: LoadReport, path: str = "", visited: dict | None = None, assets=None):
    """Read the variables of `saveable` and of every saveable it reaches from `store`.

    A failure in one object is recorded in `report.errors` (its own variables are
    put back) and loading continues with the others, as Keras does. With an `assets`
    store, objects with `load_assets` read the directory saved for their path.
    """
    visited = {} if visited is None else visited
    if id(saveable) in visited:
        return
    visited[id(saveable)] = saveable
    if hasattr(saveable, "load_own_variables"):
        snapshot = report.remember(saveable)
        try:
            saveable.load_own_variables(store.get(path))
        except Exception as e:  # noqa: BLE001 - collected and re-raised (or warned) by the caller
            report.restore(snapshot)
            report.errors[id(saveable)] = (saveable, path, e)
    if assets is not None and hasattr(saveable, "load_assets"):
        directory = assets.get(path)
        if directory is not None:
            try:
                saveable.load_assets(directory)
            except Exception as e:  # noqa: BLE001 - collected and re-raised (or warned) by the caller
                report.errors[id(saveable)] = (saveable, path, e)
    for attr, child in walk_saveable(saveable):
        _load_child(child, store, report, _join(path, attr), visited, {}, assets)


def _load_child(child, store, report, path, visited, containers, assets):
    if is_saveable(child):
        load_state(child, store, report, path, visited, assets)
    elif isinstance(child, (list, tuple, dict)):
        if id(child) in containers:
            return
        containers[id(child)] = child
        for item, item_path in _container_children(child, path):
            _load_child(item, store, report, item_path, visited, containers, assets)
