"""Unit tests for `kerasbridge.saving.object_registration`."""

import pytest

from kerasbridge import saving
from kerasbridge.saving import object_registration


@pytest.fixture(autouse=True)
def clean_registry():
    objects = dict(object_registration.GLOBAL_CUSTOM_OBJECTS)
    names = dict(object_registration.GLOBAL_CUSTOM_NAMES)
    yield
    object_registration.GLOBAL_CUSTOM_OBJECTS.clear()
    object_registration.GLOBAL_CUSTOM_OBJECTS.update(objects)
    object_registration.GLOBAL_CUSTOM_NAMES.clear()
    object_registration.GLOBAL_CUSTOM_NAMES.update(names)


class Configurable:
    def get_config(self):
        return {}


def test_register_uses_package_and_class_name():
    saving.register_keras_serializable("my_package")(Configurable)
    assert saving.get_registered_object("my_package>Configurable") is Configurable


def test_register_default_package_is_custom():
    saving.register_keras_serializable()(Configurable)
    assert saving.get_registered_name(Configurable) == "Custom>Configurable"


def test_register_with_explicit_name():
    saving.register_keras_serializable("pkg", name="Renamed")(Configurable)
    assert saving.get_registered_name(Configurable) == "pkg>Renamed"


def test_register_returns_the_object_unchanged():
    assert saving.register_keras_serializable()(Configurable) is Configurable


def test_register_function():
    def my_fn(x):
        return x

    saving.register_keras_serializable("fns")(my_fn)
    assert saving.get_registered_object("fns>my_fn") is my_fn


def test_register_class_without_get_config_fails():
    class NoConfig:
        pass

    with pytest.raises(ValueError, match="does not have a get_config"):
        saving.register_keras_serializable()(NoConfig)


def test_registered_objects_appear_in_get_custom_objects():
    saving.register_keras_serializable("pkg")(Configurable)
    assert saving.get_custom_objects()["pkg>Configurable"] is Configurable


def test_get_custom_objects_is_live():
    saving.get_custom_objects()["Direct"] = Configurable
    assert saving.get_registered_object("Direct") is Configurable


def test_unregistered_name_is_dunder_name():
    assert saving.get_registered_name(Configurable) == "Configurable"


def test_get_registered_object_unknown_is_none():
    assert saving.get_registered_object("Nope>Nothing") is None


def test_get_registered_object_custom_objects_fallback():
    assert saving.get_registered_object("thing", custom_objects={"thing": Configurable}) is Configurable


def test_get_registered_object_module_objects_fallback():
    assert saving.get_registered_object("thing", module_objects={"thing": Configurable}) is Configurable


def test_scope_takes_precedence_over_custom_objects():
    marker = object()
    with saving.CustomObjectScope({"thing": marker}):
        assert saving.get_registered_object("thing", custom_objects={"thing": Configurable}) is marker


def test_scope_objects_are_gone_after_exit():
    with saving.custom_object_scope({"scoped": Configurable}):
        pass
    assert saving.get_registered_object("scoped") is None


def test_inner_scope_replaces_outer_scope():
    with saving.CustomObjectScope({"outer": 1}):
        with saving.CustomObjectScope({"inner": 2}):
            assert saving.get_registered_object("outer") is None
        assert saving.get_registered_object("outer") == 1


def test_scope_objects_not_in_global_dict():
    with saving.CustomObjectScope({"scoped": Configurable}):
        assert "scoped" not in saving.get_custom_objects()


def test_custom_object_scope_alias():
    assert saving.custom_object_scope is saving.CustomObjectScope
