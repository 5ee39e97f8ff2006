"""Find the class or function a serialized config names: registered custom objects, then Keras's names."""

from __future__ import annotations

from kerasbridge.saving import keras_api_names, object_registration

# Namespaces searched for a built-in function saved by bare name (`"relu"`).
BUILTIN_MODULES = (
    "activations",
    "losses",
    "metrics",
    "initializers",
    "regularizers",
    "constraints",
    "optimizers",
)


def _assert_no_registered_name_for_builtin(full_config, name, resolved_name):
    explicit = full_config.get("registered_name")
    if not explicit or explicit in (name, full_config.get("class_name")):
        return
    raise ValueError(
        f"`registered_name={explicit!r}` was provided in the config, but '{resolved_name}' resolved "
        "to a Keras built-in and does not use registered names. Remove the `registered_name` field "
        f"from the config. Full object config: {full_config}"
    )


def _retrieve_class_or_fn(name, registered_name, module, obj_type, full_config, custom_objects=None):
    lookup = name if obj_type == "function" else registered_name
    custom_obj = object_registration.get_registered_object(lookup, custom_objects=custom_objects)
    if custom_obj is not None:
        return custom_obj
    if module:
        if module == "keras" or module.startswith("keras."):
            obj = keras_api_names.resolve_keras_name(module, name, obj_type)
            if obj is not None:
                if not module.startswith("keras.src."):
                    _assert_no_registered_name_for_builtin(full_config, name, f"{module}.{name}")
                return obj
        if obj_type == "function" and module == "builtins":
            for namespace in BUILTIN_MODULES:
                obj = keras_api_names.resolve_keras_name(f"keras.{namespace}", name, "function")
                if obj is not None:
                    _assert_no_registered_name_for_builtin(full_config, name, f"keras.{namespace}.{name}")
                    return obj
            # Keras <= 3.6 saved registered functions by bare name instead of "package>name".
            if ">" not in name:
                for custom_name, custom_object in (custom_objects or {}).items():
                    if custom_name.endswith(f">{name}"):
                        return custom_object
    raise TypeError(
        f"Could not locate {obj_type} '{name}'. Make sure custom classes and functions are decorated "
        "with `@keras.saving.register_keras_serializable()`. If they are already decorated, make sure "
        "they are all imported so that the decorator is run before trying to load them. Full object "
        f"config: {full_config}"
    )
