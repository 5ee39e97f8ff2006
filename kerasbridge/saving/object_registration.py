"""Registry of custom objects known to (de)serialization, as in `keras.saving`.

Objects reach deserialization in three ways, looked up in this order: the
dict of the innermost active `CustomObjectScope`, the global registry filled
by `register_keras_serializable`, then the `custom_objects` argument of a
lookup (and finally a library's own `module_objects`).
"""

from __future__ import annotations

import inspect
import threading

# Registered name ("package>name") -> object, and object -> registered name.
GLOBAL_CUSTOM_OBJECTS: dict = {}
GLOBAL_CUSTOM_NAMES: dict = {}

_scope_state = threading.local()


def _scope_dict() -> dict:
    """The custom objects of the active scope in this thread (`{}` outside any scope)."""
    return getattr(_scope_state, "objects", None) or {}


class CustomObjectScope:
    """Make custom classes and functions visible to deserialization inside a `with` block.

    Inside `with CustomObjectScope({"MyLayer": MyLayer}):`, configs that name
    `MyLayer` can be deserialized (e.g. by `Dense.from_config`, `load_model`).
    Entering a scope replaces, not extends, the objects of an outer scope.

    Args:
        custom_objects: Dict mapping names to classes or functions.
    """

    def __init__(self, custom_objects):
        self.custom_objects = custom_objects or {}
        self.backup = None

    def __enter__(self):
        self.backup = dict(_scope_dict())
        _scope_state.objects = dict(self.custom_objects)
        return self

    def __exit__(self, *args, **kwargs):
        _scope_state.objects = dict(self.backup)


custom_object_scope = CustomObjectScope


def get_custom_objects() -> dict:
    """Return the live global dict of registered custom objects.

    Objects made visible by a `CustomObjectScope` are not in it. Mutating the
    dict (e.g. `get_custom_objects()["MyObject"] = MyObject`) registers objects.
    """
    return GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package: str = "Custom", name: str | None = None):
    """Decorator registering a class or function with the serialization framework.

    The object is stored under the key `"package>name"` (`name` defaults to the
    object's `__name__`), so configs can refer to it without `custom_objects`.
    Classes must define `get_config()`.

    Args:
        package: The package part of the key.
        name: The name part of the key; defaults to the object's `__name__`.

    Returns:
        A decorator that registers its argument and returns it unchanged.
    """

    def decorator(arg):
        class_name = name if name is not None else arg.__name__
        registered_name = f"{package}>{class_name}"
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() method.")
        GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg

    return decorator


def get_registered_name(obj) -> str:
    """Return the name `obj` was registered under, or its `__name__` if unregistered.

    Args:
        obj: A class or function.
    """
    if obj in GLOBAL_CUSTOM_NAMES:
        return GLOBAL_CUSTOM_NAMES[obj]
    return obj.__name__


def get_registered_object(name, custom_objects=None, module_objects=None):
    """Return the object known under `name`, or `None`.

    Looks in the active `CustomObjectScope`, then the global registry, then
    `custom_objects`, then `module_objects`.

    Args:
        name: The name to look up.
        custom_objects: Optional dict of user-provided objects.
        module_objects: Optional dict of a library's built-in objects.
    """
    scope_objects = _scope_dict()
    if name in scope_objects:
        return scope_objects[name]
    if name in GLOBAL_CUSTOM_OBJECTS:
        return GLOBAL_CUSTOM_OBJECTS[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None
