"""Unit tests of the quantized dtype policies and DTypePolicyMap."""

import pytest

from kerasbridge import dtype_policies


@pytest.mark.parametrize("name,cls", [
    ("int8_from_float32", dtype_policies.QuantizedDTypePolicy),
    ("int4_from_float32", dtype_policies.QuantizedDTypePolicy),
    ("int4/128_from_float32", dtype_policies.Int4DTypePolicy),
    ("float8_from_mixed_bfloat16", dtype_policies.QuantizedFloat8DTypePolicy),
])
def test_get_parses_quantized_policy_names(name, cls):
    policy = dtype_policies.get(name)
    assert type(policy) is cls and policy.name == name


def test_quantized_policy_takes_its_dtypes_from_the_source():
    policy = dtype_policies.get("int8_from_mixed_bfloat16")
    assert (policy.compute_dtype, policy.variable_dtype, policy.quantization_mode) == ("bfloat16", "float32", "int8")
    assert policy.get_config() == {"mode": "int8", "source_name": "mixed_bfloat16"}


def test_int4_policy_config_carries_the_block_size():
    policy = dtype_policies.Int4DTypePolicy("int4/64", "float32")
    assert policy.block_size == 64 and policy.get_config() == {"mode": "int4/64", "source_name": "float32"}
    assert dtype_policies.deserialize(dtype_policies.serialize(policy)) == policy


@pytest.mark.parametrize("mode", ["int4", "int4/0", "int4/x", "int8/4"])
def test_int4_policy_rejects_bad_modes(mode):
    with pytest.raises(ValueError, match="Int4DTypePolicy|block_size"):
        dtype_policies.Int4DTypePolicy(mode, "float32")


def test_float8_policy_amax_history_length_serializes():
    policy = dtype_policies.QuantizedFloat8DTypePolicy("float8", "float32", amax_history_length=16)
    restored = dtype_policies.deserialize(dtype_policies.serialize(policy))
    assert restored.amax_history_length == 16 and restored == policy


def test_int8_policy_refuses_float16_compute():
    with pytest.raises(ValueError, match="float16"):
        dtype_policies.QuantizedDTypePolicy("int8", "float16")


def test_policy_map_looks_up_exact_keys_then_regexes():
    policy_map = dtype_policies.DTypePolicyMap(default_policy="float32")
    policy_map["encoder/layer_0/dense"] = "bfloat16"
    policy_map["encoder/.*"] = "float16"
    assert policy_map["encoder/layer_0/dense"].name == "bfloat16"
    assert policy_map["encoder/attention/query"].name == "float16"
    assert policy_map["decoder"].name == "float32"
    policy_map["encoder/attention/.*"] = "bfloat16"
    with pytest.raises(ValueError, match="matches multiple"):
        policy_map["encoder/attention/query"]


def test_policy_map_refuses_duplicate_keys_and_serializes():
    policy_map = dtype_policies.DTypePolicyMap()
    policy_map["dense"] = "int8_from_float32"
    with pytest.raises(ValueError, match="already exist"):
        policy_map["dense"] = "float32"
    config = dtype_policies.serialize(policy_map)
    assert config["class_name"] == "DTypePolicyMap"
    assert config["config"]["policy_map"]["dense"]["config"] == {"mode": "int8", "source_name": None}
    restored = dtype_policies.deserialize(config)
    assert restored["dense"].name == "int8_from_float32" and restored.name == "map_float32"
