"""Object (de)serialization in Keras 3's config-dict format.

An object serializes to `{"module", "class_name", "config", "registered_name"}`
(plus `build_config` / `compile_config` when the object provides them). The
`module` is the one Keras 3 writes (see `keras_api_names`), so configs written
by Keras load in kerasbridge and the reverse.
"""

from __future__ import annotations

import inspect
import types
import warnings

import numpy as np
import torch

from kerasbridge.backend import convert_to_numpy, convert_to_tensor, standardize_dtype
from kerasbridge.saving import keras_api_names, object_registration
from kerasbridge.saving.class_lookup import BUILTIN_MODULES, _retrieve_class_or_fn  # noqa: F401
from kerasbridge.saving.object_sharing import (  # noqa: F401 - part of this module's API in Keras too
    ObjectSharingScope,
    get_shared_object,
    record_object_after_deserialization,
    record_object_after_serialization,
)
from kerasbridge.saving.safe_mode import (
    SafeModeScope,
    enable_unsafe_deserialization,
    func_dump,
    func_load,
    in_safe_mode,
)

PLAIN_TYPES = (str, int, float, bool)

__all__ = [
    "ObjectSharingScope",
    "SafeModeScope",
    "deserialize_keras_object",
    "enable_unsafe_deserialization",
    "in_safe_mode",
    "serialize_keras_object",
]

def _is_keras_tensor(obj) -> bool:
    cls = type(obj)
    return cls.__name__ == "KerasTensor" and cls.__module__.startswith("kerasbridge.")


def serialize_keras_object(obj):
    """Return the config that represents `obj` (the inverse of `deserialize_keras_object`).

    Args:
        obj: A kerasbridge object, a function, or a plain Python / numpy / torch value.

    Returns:
        A JSON-friendly structure: plain values as-is, objects as Keras config dicts.
    """
    if obj is None or isinstance(obj, PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        items = [serialize_keras_object(x) for x in obj]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return serialize_dict(obj)
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {
            "class_name": "__slice__",
            "config": {
                "start": serialize_keras_object(obj.start),
                "stop": serialize_keras_object(obj.stop),
                "step": serialize_keras_object(obj.step),
            },
        }
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if _is_keras_tensor(obj):
        history = getattr(obj, "_keras_history", None)
        if history:
            history = list(history)
            history[0] = history[0].name
        return {
            "class_name": "__keras_tensor__",
            "config": {"shape": obj.shape, "dtype": obj.dtype, "keras_history": history},
        }
    if isinstance(obj, torch.Tensor):
        return {
            "class_name": "__tensor__",
            "config": {"value": convert_to_numpy(obj).tolist(), "dtype": standardize_dtype(obj.dtype)},
        }
    if type(obj).__module__ == np.__name__:
        if isinstance(obj, np.ndarray) and obj.ndim > 0:
            return {
                "class_name": "__numpy__",
                "config": {"value": obj.tolist(), "dtype": standardize_dtype(obj.dtype)},
            }
        return obj.item()
    if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
        try:
            source = inspect.getsource(obj)
        except (OSError, TypeError):
            source = repr(obj)
        warnings.warn(
            "The object being serialized includes a `lambda`. This is unsafe. In order to reload "
            "the object, you will have to pass `safe_mode=False` to the loading function. Please "
            "avoid using `lambda` in the future, and use named Python functions instead. This is "
            f"the `lambda` being serialized: {source}",
            stacklevel=2,
        )
        return {"class_name": "__lambda__", "config": {"value": func_dump(obj)}}

    config = serialize_with_public_class(obj.__class__, _get_class_or_fn_config(obj))
    get_build_and_compile_config(obj, config)
    record_object_after_serialization(obj, config)
    return config


def get_build_and_compile_config(obj, config):
    """Add `build_config` / `compile_config` to `config` when `obj` provides them."""
    if hasattr(obj, "get_build_config"):
        build_config = obj.get_build_config()
        if build_config is not None:
            config["build_config"] = serialize_dict(build_config)
    if hasattr(obj, "get_compile_config"):
        compile_config = obj.get_compile_config()
        if compile_config is not None:
            config["compile_config"] = serialize_dict(compile_config)


def serialize_with_public_class(cls, inner_config=None):
    """The config dict naming class `cls` the way Keras does, wrapping `inner_config`."""
    backend_module = keras_api_names.backend_keras_module(cls)
    if backend_module is not None:
        return {"module": backend_module, "class_name": cls.__name__, "config": inner_config,
                "registered_name": cls.__name__}
    module = keras_api_names.public_keras_module(cls)
    if module is not None:
        class_name = keras_api_names.export_name(cls)
        return {"module": module, "class_name": class_name, "config": inner_config, "registered_name": None}
    return {
        "module": keras_api_names.private_keras_module(cls.__module__),
        "class_name": cls.__name__,
        "config": inner_config,
        "registered_name": object_registration.get_registered_name(cls),
    }


def serialize_with_public_fn(fn, config, fn_module_name=None):
    """The config dict naming function `fn` (known as `config`) the way Keras does."""
    if fn_module_name:
        return {
            "module": fn_module_name,
            "class_name": "function",
            "config": config,
            "registered_name": config,
        }
    module = keras_api_names.public_keras_module(fn)
    if module is not None:
        return {"module": module, "class_name": "function", "config": config, "registered_name": config}
    registered_name = object_registration.get_registered_name(fn)
    if not registered_name and fn.__module__ != "builtins":
        return None
    return {
        "module": keras_api_names.private_keras_module(fn.__module__),
        "class_name": "function",
        "config": config,
        "registered_name": registered_name,
    }


def _get_class_or_fn_config(obj):
    if isinstance(obj, types.FunctionType):
        return object_registration.get_registered_name(obj)
    if hasattr(obj, "get_config"):
        config = obj.get_config()
        if not isinstance(config, dict):
            raise TypeError(f"The `get_config()` method of {obj} should return a dict. It returned: {config}")
        return serialize_dict(config)
    if hasattr(obj, "__name__"):
        return object_registration.get_registered_name(obj)
    raise TypeError(
        f"Cannot serialize object {obj} of type {type(obj)}. To be serializable, a class must "
        "implement the `get_config()` method."
    )


def serialize_dict(obj):
    """Serialize every value of a dict."""
    return {key: serialize_keras_object(value) for key, value in obj.items()}


def _resolve_module_objects(config, module_objects, custom_objects):
    """Keras's lookup for configs given by a library's `module_objects` (names or dicts).

    Returns `(done, value)`: `done` is True when `value` is the final result.
    """
    inner_config, fn_module_name = None, None
    if isinstance(config, dict):
        inner_config = config.get("config")
        if "class_name" not in config:
            raise ValueError(f"Unknown `config` as a `dict`, config={config}")
        if custom_objects and (
            config["class_name"] in custom_objects
            or config.get("registered_name") in custom_objects
            or (isinstance(inner_config, str) and inner_config in custom_objects)
        ):
            return False, config
        if config["class_name"] == "function":
            fn_module_name = config["module"]
            config = config["config"] if fn_module_name == "builtins" else config["registered_name"]
        else:
            if config.get("module", "_") is None:
                raise TypeError(
                    f"Cannot deserialize object of type `{config['class_name']}`. If "
                    f"`{config['class_name']}` is a custom class, please register it using the "
                    "`@keras.saving.register_keras_serializable()` decorator."
                )
            config = config["class_name"]
    if not isinstance(config, str) or config not in module_objects:
        return True, config
    target = module_objects[config]
    if isinstance(target, types.FunctionType):
        full = serialize_with_public_fn(target, config, fn_module_name)
    else:
        full = serialize_with_public_class(target, inner_config=inner_config)
    return True, deserialize_keras_object(full, custom_objects=custom_objects)


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """Rebuild the object described by a config from `serialize_keras_object` (or Keras 3).

    Args:
        config: The config (dict, list, or plain value).
        custom_objects: Optional dict mapping names to custom classes or functions.
        safe_mode: If True (default), refuse to load Python lambdas. An enclosing
            `SafeModeScope` or `enable_unsafe_deserialization()` takes precedence.
        **kwargs: `module_objects`: a library's dict of built-in objects by name.

    Returns:
        The deserialized object.
    """
    scope_safe_mode = in_safe_mode()
    safe_mode = scope_safe_mode if scope_safe_mode is not None else safe_mode
    module_objects = kwargs.pop("module_objects", None)
    custom_objects = {
        **(custom_objects or {}),
        **object_registration._scope_dict(),
        **object_registration.GLOBAL_CUSTOM_OBJECTS,
    }
    if config is None:
        return None
    if isinstance(config, str) and custom_objects.get(config) is not None:
        return custom_objects[config]
    if isinstance(config, (list, tuple)):
        return [
            deserialize_keras_object(x, custom_objects=custom_objects, safe_mode=safe_mode) for x in config
        ]
    if module_objects is not None:
        done, config = _resolve_module_objects(config, module_objects, custom_objects)
        if done:
            return config
    if isinstance(config, PLAIN_TYPES):
        return config
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config}")

    def nested(value):
        return deserialize_keras_object(value, custom_objects=custom_objects, safe_mode=safe_mode)

    if config.get("class_name") == "__tuple__" and ("items" in config or "config" in config):
        items = config["items"] if "items" in config else config["config"]["value"]
        return tuple(nested(item) for item in items)
    if "class_name" not in config or "config" not in config:
        return {key: nested(value) for key, value in config.items()}

    class_name = config["class_name"]
    inner_config = config["config"] if config["config"] is not None else {}
    if class_name == "__keras_tensor__":
        from kerasbridge.ops.keras_tensor import KerasTensor

        obj = KerasTensor(inner_config["shape"], dtype=inner_config["dtype"])
        obj._pre_serialization_keras_history = inner_config["keras_history"]
        return obj
    if class_name == "__tensor__":
        return convert_to_tensor(inner_config["value"], dtype=inner_config["dtype"])
    if class_name == "__numpy__":
        return np.array(inner_config["value"], dtype=inner_config["dtype"])
    if class_name == "__bytes__":
        return inner_config["value"].encode("utf-8")
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__slice__":
        return slice(
            nested(inner_config["start"]), nested(inner_config["stop"]), nested(inner_config["step"])
        )
    if class_name == "__lambda__":
        if safe_mode:
            raise ValueError(
                "Requested the deserialization of a Python lambda. This carries a potential risk of "
                "arbitrary code execution and thus it is disallowed by default. If you trust the "
                "source of the artifact, you can override this error by passing `safe_mode=False` "
                "to the loading function, or calling `keras.config.enable_unsafe_deserialization()."
            )
        return func_load(inner_config["value"])

    module = config.get("module", None)
    registered_name = config.get("registered_name", class_name)
    if class_name == "function":
        if not isinstance(inner_config, str):
            raise TypeError(
                "Expected 'config' to be a non-null str for a function classname,\n"
                f"instead got {type(inner_config)}\nFull config: {config}"
            )
        return _retrieve_class_or_fn(
            inner_config, registered_name, module, "function", config, custom_objects
        )
    if not isinstance(inner_config, dict):
        raise TypeError(
            f"Expected 'config' to be a dict for {class_name},\ninstead got {type(inner_config)}\n"
            f"Full config: {config}"
        )
    if "shared_object_id" in config:
        shared = get_shared_object(config["shared_object_id"])
        if shared is not None:
            return shared

    cls = _retrieve_class_or_fn(class_name, registered_name, module, "class", config, custom_objects)
    if isinstance(cls, types.FunctionType):
        return cls
    if not hasattr(cls, "from_config"):
        raise TypeError(
            f"Unable to reconstruct an instance of '{class_name}' because the class is missing a "
            f"`from_config()` method. Full object config: {config}"
        )
    with object_registration.CustomObjectScope(custom_objects), SafeModeScope(safe_mode):
        try:
            instance = cls.from_config(inner_config)
        except TypeError as e:
            raise TypeError(
                f"{cls} could not be deserialized properly. Please ensure that components that are "
                "Python object instances (layers, models, etc.) returned by `get_config()` are "
                "explicitly deserialized in the model's `from_config()` method."
                f"\n\nconfig={config}.\n\nException encountered: {e}"
            ) from e
        build_config = config.get("build_config", None)
        if build_config and hasattr(instance, "build_from_config") and not getattr(instance, "built", False):
            instance.build_from_config(build_config)
            instance.built = True
        compile_config = config.get("compile_config", None)
        if compile_config and hasattr(instance, "compile_from_config"):
            instance.compile_from_config(compile_config)
            instance.compiled = True
    if "shared_object_id" in config:
        record_object_after_deserialization(instance, config["shared_object_id"])
    return instance
