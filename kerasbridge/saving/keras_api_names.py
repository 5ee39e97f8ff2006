"""Mapping between kerasbridge objects and the `keras.*` names Keras 3 writes in configs.

Serialized configs name an object by `module` + `class_name`. For files to move
both ways between Keras 3 and kerasbridge, kerasbridge writes the module Keras
writes (`"keras.layers"`, `"keras.regularizers"`, `"keras"` for base classes,
`"keras.src.models.functional"` for non-exported classes) and reads those
names back onto kerasbridge objects.
"""

from __future__ import annotations

import importlib
import inspect

# kerasbridge sub-package (longest dotted prefix wins) -> Keras namespace exporting its objects.
NAMESPACES = {
    "activations": "keras.activations",
    "callbacks": "keras.callbacks",
    "constraints": "keras.constraints",
    "distribution": "keras.distribution",
    "dtype_policies": "keras.dtype_policies",
    "initializers": "keras.initializers",
    "layers": "keras.layers",
    "losses": "keras.losses",
    "metrics": "keras.metrics",
    "models": "keras.models",
    "ops": "keras.ops",
    "optimizers": "keras.optimizers",
    "optimizers.schedules": "keras.optimizers.schedules",
    "quantizers": "keras.quantizers",
    "random": "keras.random",
    "regularizers": "keras.regularizers",
    "saving": "keras.saving",
    "utils": "keras.utils",
}

# Classes Keras names at the top level (`keras.Layer`) -> the kerasbridge sub-package defining them.
TOP_LEVEL = {
    "DTypePolicy": "dtype_policies",
    "FloatDTypePolicy": "dtype_policies",
    "Function": "ops",
    "Initializer": "initializers",
    "InputSpec": "layers",
    "KerasTensor": "ops",
    "Layer": "layers",
    "Loss": "losses",
    "Metric": "metrics",
    "Model": "models",
    "Operation": "ops",
    "Optimizer": "optimizers",
    "Quantizer": "quantizers",
    "Regularizer": "regularizers",
    "Sequential": "models",
    "Variable": "backend",
}

# Classes Keras exports from a namespace other than the one of their package.
OTHER_NAMESPACE = {
    "FeatureSpace": "keras.utils",
    "PyDataset": "keras.utils",
    "TorchModuleWrapper": "keras.layers",
}

# Classes Keras exports (and names in configs) under another name than their class name.
EXPORT_NAMES = {
    "GroupedQueryAttention": "GroupQueryAttention",
}

# Classes kerasbridge may export but Keras does not: written with their `keras.src.*` module.
NOT_EXPORTED_BY_KERAS = frozenset({"Functional"})

# Private Keras module prefixes whose objects live elsewhere in kerasbridge.
PRIVATE_MODULES = {
    "keras.src.backend.torch.optimizers": "kerasbridge.optimizers",
}

# Optimizers that Keras 3 on torch instantiates from its torch backend: their configs name
# `keras.src.backend.torch.optimizers.<module>` (with `registered_name` = class name), and
# kerasbridge writes the same so configs stay identical.
TORCH_BACKEND_OPTIMIZERS = {
    "Adadelta": "torch_adadelta",
    "Adagrad": "torch_adagrad",
    "Adam": "torch_adam",
    "Adamax": "torch_adamax",
    "AdamW": "torch_adamw",
    "Lion": "torch_lion",
    "Nadam": "torch_nadam",
    "RMSprop": "torch_rmsprop",
    "SGD": "torch_sgd",
}


def backend_keras_module(cls) -> str | None:
    """The torch-backend module Keras writes for `cls`, e.g. `keras.src.backend.torch.optimizers.torch_adam`.

    Only the exact built-in optimizer classes map (not user subclasses); `None` otherwise.
    """
    name = getattr(cls, "__name__", None)
    if name not in TORCH_BACKEND_OPTIMIZERS:
        return None
    if not _exported_by("kerasbridge.optimizers", name, cls):
        return None
    return f"keras.src.backend.torch.optimizers.{TORCH_BACKEND_OPTIMIZERS[name]}"


# Public Keras functions that configs may never name (they are not modeling code).
NON_MODELING_APIS = frozenset(
    {
        "keras.backend.clear_session",
        "keras.config.enable_unsafe_deserialization",
        "keras.models.load_model",
        "keras.models.model_from_json",
        "keras.models.save_model",
        "keras.preprocessing.image_dataset_from_directory",
        "keras.preprocessing.image.load_img",
        "keras.preprocessing.image.save_img",
        "keras.preprocessing.text_dataset_from_directory",
        "keras.saving.deserialize_keras_object",
        "keras.saving.load_model",
        "keras.saving.load_weights",
        "keras.saving.register_keras_serializable",
        "keras.saving.save_model",
        "keras.saving.save_weights",
        "keras.saving.serialize_keras_object",
        "keras.utils.audio_dataset_from_directory",
        "keras.utils.clear_session",
        "keras.utils.deserialize_keras_object",
        "keras.utils.get_file",
        "keras.utils.image_dataset_from_directory",
        "keras.utils.load_img",
        "keras.utils.register_keras_serializable",
        "keras.utils.save_img",
        "keras.utils.serialize_keras_object",
        "keras.utils.text_dataset_from_directory",
    }
)


def _import(module_name: str):
    """Import a kerasbridge module, or return `None` when it does not exist (yet)."""
    if not all(part.isidentifier() for part in module_name.split(".")):
        return None
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name and module_name.startswith(e.name):
            return None
        raise


def _exported_by(module_name: str, name: str, obj) -> bool:
    module = _import(module_name)
    return module is not None and getattr(module, name, None) is obj


def _sub_package(module_name: str) -> str | None:
    """`"kerasbridge.optimizers.schedules.x"` -> `"optimizers.schedules"` (the NAMESPACES key)."""
    if not module_name.startswith("kerasbridge."):
        return None
    parts = module_name.split(".")[1:]
    for size in range(len(parts), 0, -1):
        key = ".".join(parts[:size])
        if key in NAMESPACES:
            return key
    return None


def export_name(obj) -> str | None:
    """The name Keras exports (and writes as `class_name`) for the class or function `obj`."""
    name = getattr(obj, "__name__", None)
    if inspect.isclass(obj) and name in EXPORT_NAMES:
        return EXPORT_NAMES[name]
    return name


def public_keras_module(obj) -> str | None:
    """The `keras.*` module Keras writes for a public kerasbridge class or function.

    Args:
        obj: A class or function.

    Returns:
        E.g. `"keras.layers"` for `Dense`, `"keras"` for `Layer`; `None` when
        `obj` is not exported by kerasbridge's public namespaces.
    """
    module_name = getattr(obj, "__module__", None) or ""
    name = export_name(obj)
    if not name or not module_name.startswith("kerasbridge."):
        return None
    if inspect.isclass(obj) and name in NOT_EXPORTED_BY_KERAS:
        return None
    if inspect.isclass(obj) and name in TOP_LEVEL:
        home = "kerasbridge." + TOP_LEVEL[name]
        if module_name.startswith(home) and (
            _exported_by("kerasbridge", name, obj) or _exported_by(home, name, obj)
        ):
            return "keras"
    key = _sub_package(module_name)
    if key is None:
        return None
    if not (_exported_by("kerasbridge." + key, name, obj) or _exported_by("kerasbridge", name, obj)):
        return None
    if inspect.isclass(obj) and name in OTHER_NAMESPACE:
        return OTHER_NAMESPACE[name]
    return NAMESPACES[key]


def private_keras_module(module_name: str) -> str:
    """The module Keras would write for a non-exported object defined in `module_name`.

    `"kerasbridge.models.functional"` -> `"keras.src.models.functional"`; other
    modules are returned unchanged.
    """
    if module_name.startswith("kerasbridge."):
        return "keras.src." + module_name[len("kerasbridge.") :]
    return module_name


def _public_candidates(module: str, name: str) -> list[str]:
    if module == "keras":
        candidates = ["kerasbridge"]
        if name in TOP_LEVEL:
            candidates.append("kerasbridge." + TOP_LEVEL[name])
        return candidates
    tail = module[len("keras.") :]
    candidates = ["kerasbridge." + tail]
    for kb_key, keras_ns in NAMESPACES.items():
        if keras_ns == module and kb_key != tail:
            candidates.append("kerasbridge." + kb_key)
    return candidates


def resolve_keras_name(module: str, name: str, obj_type: str = "class"):
    """Find the kerasbridge object for the Keras name `module` + `name`, or `None`.

    Args:
        module: A `keras` / `keras.*` / `keras.src.*` module path from a config.
        name: The class or function name.
        obj_type: `"class"` or `"function"`.

    Raises:
        ValueError: if the name is a non-modeling Keras API.
    """
    api_name = f"{module}.{name}"
    if api_name in NON_MODELING_APIS:
        raise ValueError(
            f"Cannot deserialize `{api_name}` because it is not a modeling function. Non-modeling "
            "APIs are disallowed during deserialization for security. Model configuration should "
            "only contains operations, layers, metrics, losses, or registered custom objects and "
            "functions."
        )
    private = module.startswith("keras.src.")
    if private and module.startswith("keras.src.ops."):
        from kerasbridge.ops.op_serialization import resolve_keras_op

        op_class = resolve_keras_op(module, name)
        if op_class is not None:
            return op_class
    if private:
        candidates = [target for prefix, target in PRIVATE_MODULES.items() if module.startswith(prefix)]
        tail = module[len("keras.src.") :]
        candidates.append("kerasbridge." + tail)
        key = _sub_package("kerasbridge." + tail)
        if key is not None:
            candidates.append("kerasbridge." + key)
    elif module == "keras" or module.startswith("keras."):
        candidates = _public_candidates(module, name)
    else:
        return None
    if name.startswith("_"):
        return None
    for candidate in candidates:
        mod = _import(candidate)
        obj = getattr(mod, name, None) if mod is not None else None
        if obj is None or inspect.ismodule(obj) or not callable(obj):
            continue
        if private and not (inspect.isclass(obj) or obj_type == "function"):
            continue
        return obj
    return None
