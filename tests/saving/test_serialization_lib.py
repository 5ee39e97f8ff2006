"""Unit tests for `kerasbridge.saving.serialization_lib`."""

import json
import warnings

import numpy as np
import pytest
import torch

from kerasbridge import constraints, regularizers, saving
from kerasbridge.saving import deserialize_keras_object as deserialize
from kerasbridge.saving import keras_api_names, object_registration, safe_mode, serialization_lib
from kerasbridge.saving import serialize_keras_object as serialize


@pytest.fixture(autouse=True)
def clean_state():
    objects = dict(object_registration.GLOBAL_CUSTOM_OBJECTS)
    names = dict(object_registration.GLOBAL_CUSTOM_NAMES)
    saved_safe_mode = safe_mode._global_safe_mode
    yield
    object_registration.GLOBAL_CUSTOM_OBJECTS.clear()
    object_registration.GLOBAL_CUSTOM_OBJECTS.update(objects)
    object_registration.GLOBAL_CUSTOM_NAMES.clear()
    object_registration.GLOBAL_CUSTOM_NAMES.update(names)
    safe_mode._global_safe_mode = saved_safe_mode


class Scaler:
    def __init__(self, factor=1.0):
        self.factor = factor

    def get_config(self):
        return {"factor": self.factor}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def double(x):
    return 2 * x


@pytest.mark.parametrize("value", [None, 1, 2.5, True, "text"])
def test_plain_values_pass_through(value):
    assert serialize(value) == value and deserialize(value) == value


def test_list_is_serialized_elementwise():
    assert serialize([1, np.float32(0.5)]) == [1, 0.5]


def test_tuple_stays_tuple_like_keras():
    assert serialize((1, 2)) == (1, 2)


def test_dict_values_are_serialized():
    assert serialize({"a": np.int64(3), "b": [None]}) == {"a": 3, "b": [None]}


def test_numpy_array_uses_numpy_marker():
    config = serialize(np.array([[1, 2]], dtype="int32"))
    assert config == {"class_name": "__numpy__", "config": {"value": [[1, 2]], "dtype": "int32"}}


def test_numpy_array_round_trips():
    out = deserialize(serialize(np.array([1.5, 2.5], dtype="float16")))
    assert out.dtype == np.float16 and out.tolist() == [1.5, 2.5]


def test_numpy_scalar_becomes_python_scalar():
    out = serialize(np.float32(0.25))
    assert out == 0.25 and type(out) is float


def test_zero_dim_numpy_array_becomes_python_scalar():
    assert serialize(np.array(3)) == 3


def test_torch_tensor_uses_tensor_marker():
    config = serialize(torch.tensor([1.0, 2.0], dtype=torch.float64))
    assert config == {"class_name": "__tensor__", "config": {"value": [1.0, 2.0], "dtype": "float64"}}


def test_torch_tensor_round_trips():
    out = deserialize(serialize(torch.tensor([[1, 2]], dtype=torch.int64)))
    assert isinstance(out, torch.Tensor) and out.dtype == torch.int64 and out.tolist() == [[1, 2]]


def test_bytes_slice_and_ellipsis_round_trip():
    value = [b"ab", slice(1, None, 2), Ellipsis]
    assert deserialize(serialize(value)) == value


def test_kerasbridge_class_gets_keras_module():
    assert serialize(regularizers.L2(0.5)) == {
        "module": "keras.regularizers",
        "class_name": "L2",
        "config": {"l2": 0.5},
        "registered_name": None,
    }


def test_base_class_gets_top_level_keras_module():
    assert keras_api_names.public_keras_module(regularizers.Regularizer) == "keras"


def test_constraint_base_class_keeps_namespace():
    assert keras_api_names.public_keras_module(constraints.Constraint) == "keras.constraints"


def test_private_kerasbridge_module_maps_to_keras_src():
    assert (
        keras_api_names.private_keras_module("kerasbridge.models.functional") == "keras.src.models.functional"
    )


def test_custom_unregistered_class_records_its_module_and_name():
    config = serialize(Scaler(3.0))
    assert config == {
        "module": __name__,
        "class_name": "Scaler",
        "config": {"factor": 3.0},
        "registered_name": "Scaler",
    }


def test_registered_class_records_registered_name():
    saving.register_keras_serializable("pkg")(Scaler)
    assert serialize(Scaler())["registered_name"] == "pkg>Scaler"


def test_registered_class_round_trips_without_custom_objects():
    saving.register_keras_serializable("pkg")(Scaler)
    assert deserialize(serialize(Scaler(4.0))).factor == 4.0


def test_unknown_custom_class_raises_type_error_naming_it():
    config = serialize(Scaler())
    with pytest.raises(TypeError, match="Could not locate class 'Scaler'.*register_keras_serializable"):
        deserialize(config)


def test_custom_objects_argument_resolves_class():
    assert deserialize(serialize(Scaler(2.0)), custom_objects={"Scaler": Scaler}).factor == 2.0


def test_custom_object_scope_resolves_class():
    with saving.CustomObjectScope({"Scaler": Scaler}):
        assert deserialize(serialize(Scaler(5.0))).factor == 5.0


def test_get_config_must_return_dict():
    class Bad:
        def get_config(self):
            return [1]

    with pytest.raises(TypeError, match="should return a dict"):
        serialize(Bad())


def test_object_without_get_config_is_rejected():
    with pytest.raises(TypeError, match="must implement the `get_config\\(\\)` method"):
        serialize(object())


def test_function_serializes_as_keras_does():
    assert serialize(double) == {
        "module": "builtins",
        "class_name": "function",
        "config": "double",
        "registered_name": "function",
    }


def test_registered_function_round_trips():
    saving.register_keras_serializable("fns")(double)
    config = serialize(double)
    assert config["config"] == "fns>double" and deserialize(config) is double


def test_function_from_custom_objects():
    assert deserialize(serialize(double), custom_objects={"double": double}) is double


def test_builtin_function_found_by_name_in_keras_namespaces():
    config = {"module": "builtins", "class_name": "function", "config": "l2", "registered_name": "function"}
    assert deserialize(config) is regularizers.L2


def test_keras_public_module_resolves_kerasbridge_class():
    config = {
        "module": "keras.constraints",
        "class_name": "MaxNorm",
        "config": {"max_value": 3},
        "registered_name": None,
    }
    out = deserialize(config)
    assert isinstance(out, constraints.MaxNorm) and out.max_value == 3


def test_keras_private_module_resolves_kerasbridge_class():
    config = {
        "module": "keras.src.regularizers.regularizers",
        "class_name": "L1",
        "config": {"l1": 0.5},
        "registered_name": "L1",
    }
    assert isinstance(deserialize(config), regularizers.L1)


def test_keras_top_level_module_resolves_base_class():
    config = {"module": "keras", "class_name": "Regularizer", "config": {}, "registered_name": None}
    assert type(deserialize(config)) is regularizers.Regularizer


def test_non_modeling_keras_api_is_refused():
    config = {
        "module": "keras.utils",
        "class_name": "function",
        "config": "get_file",
        "registered_name": "get_file",
    }
    with pytest.raises(ValueError, match="not a modeling function"):
        deserialize(config)


def test_registered_name_on_builtin_is_refused():
    config = {"module": "keras.regularizers", "class_name": "L2", "config": {}, "registered_name": "evil>L2"}
    with pytest.raises(ValueError, match="does not use registered names"):
        deserialize(config)


def test_module_none_with_module_objects_asks_for_registration():
    with pytest.raises(TypeError, match="register_keras_serializable"):
        regularizers.deserialize(
            {"module": None, "class_name": "Mine", "config": {}, "registered_name": "Mine"}
        )


def test_main_module_is_written_as_none():
    config = {"module": "__main__", "class_name": "X", "config": {}, "registered_name": "X"}
    serialization_lib.record_object_after_serialization(object(), config)
    assert config["module"] is None


def test_lambda_serialization_warns():
    with pytest.warns(UserWarning, match="lambda"):
        config = serialize(lambda x: x + 1)
    assert config["class_name"] == "__lambda__"


def _lambda_config():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return json.loads(json.dumps(serialize(lambda x, k=3: x * k)))


def test_lambda_refused_in_safe_mode():
    with pytest.raises(ValueError, match="safe_mode=False.*enable_unsafe_deserialization"):
        deserialize(_lambda_config())


def test_lambda_loads_with_safe_mode_false():
    assert deserialize(_lambda_config(), safe_mode=False)(2) == 6


def test_enable_unsafe_deserialization_allows_lambdas():
    safe_mode.enable_unsafe_deserialization()
    assert safe_mode.in_safe_mode() is False
    assert deserialize(_lambda_config())(1) == 3


def test_safe_mode_scope_overrides_argument():
    with safe_mode.SafeModeScope(True):
        with pytest.raises(ValueError, match="lambda"):
            deserialize(_lambda_config(), safe_mode=False)


def test_in_safe_mode_default_is_none():
    assert safe_mode.in_safe_mode() is None


def test_tuple_marker_is_read_as_tuple():
    legacy = {"class_name": "__tuple__", "items": [1, 2]}
    assert deserialize(legacy) == (1, 2)


def test_dict_without_class_name_is_deserialized_valuewise():
    config = {"a": serialize(np.array([1.0])), "b": 2}
    out = deserialize(config)
    assert isinstance(out["a"], np.ndarray) and out["b"] == 2


def test_list_config_deserializes_each_item():
    out = deserialize([serialize(regularizers.L2(0.5)), 3])
    assert isinstance(out[0], regularizers.L2) and out[1] == 3


def test_unparseable_config_type_error():
    with pytest.raises(TypeError, match="Could not parse config"):
        deserialize(3 + 4j)


def test_class_config_must_be_dict():
    with pytest.raises(TypeError, match="Expected 'config' to be a dict for L2"):
        deserialize(
            {"module": "keras.regularizers", "class_name": "L2", "config": [1], "registered_name": None}
        )


class Buildable(Scaler):
    def __init__(self, factor=1.0):
        super().__init__(factor)
        self.built = False
        self.build_calls = []
        self.compiled_with = None

    def get_build_config(self):
        return {"input_shape": (None, 3)}

    def build_from_config(self, config):
        self.build_calls.append(config)

    def get_compile_config(self):
        return {"loss": "mse"}

    def compile_from_config(self, config):
        self.compiled_with = config


def test_build_and_compile_configs_are_written():
    config = serialize(Buildable())
    assert config["build_config"] == {"input_shape": (None, 3)}
    assert config["compile_config"] == {"loss": "mse"}


def test_build_and_compile_configs_are_applied():
    obj = deserialize(serialize(Buildable()), custom_objects={"Buildable": Buildable})
    assert obj.build_calls == [{"input_shape": (None, 3)}] and obj.built
    assert obj.compiled_with == {"loss": "mse"}


def test_from_config_type_error_is_explained():
    class Strict(Scaler):
        @classmethod
        def from_config(cls, config):
            raise TypeError("boom")

    with pytest.raises(TypeError, match="(?s)could not be deserialized properly.*boom"):
        deserialize(serialize(Strict()), custom_objects={"Strict": Strict})


def test_shared_objects_are_marked_and_reused():
    reg = regularizers.L2(0.5)
    with serialization_lib.ObjectSharingScope():
        configs = serialize([reg, reg])
    assert configs[0]["shared_object_id"] == configs[1]["shared_object_id"]
    with serialization_lib.ObjectSharingScope():
        a, b = deserialize(configs)
    assert a is b


def test_functional_is_written_with_keras_private_module():
    functional = pytest.importorskip("kerasbridge.models.functional")
    assert serialization_lib.serialize_with_public_class(functional.Functional, {}) == {
        "module": "keras.src.models.functional",
        "class_name": "Functional",
        "config": {},
        "registered_name": "Functional",
    }


def test_keras_functional_module_resolves_to_kerasbridge_functional():
    functional = pytest.importorskip("kerasbridge.models.functional")
    resolved = keras_api_names.resolve_keras_name("keras.src.models.functional", "Functional")
    assert resolved is functional.Functional


@pytest.mark.parametrize(
    "module, name",
    [("keras.layers", "core"), ("keras.layers", "_private"), ("keras.src.a..b", "A"), ("numpy", "array")],
)
def test_resolve_refuses_modules_private_names_and_foreign_packages(module, name):
    assert keras_api_names.resolve_keras_name(module, name) is None
