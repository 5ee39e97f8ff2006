"""Unit tests of the QuantizationConfig classes and `quantize()` mode resolution."""

import pytest

from kerasbridge import quantizers
from kerasbridge.quantizers.quantization_config import validate_and_resolve_config


def test_int8_config_defaults_to_an_abs_max_activation_quantizer():
    config = quantizers.Int8QuantizationConfig()
    assert config.mode == "int8"
    assert isinstance(config.activation_quantizer, quantizers.AbsMaxQuantizer)
    assert config.weight_quantizer is None


def test_int4_config_defaults_to_blocks_of_128_and_round_trips():
    config = quantizers.Int4QuantizationConfig()
    assert config.block_size == 128 and config.activation_quantizer is None
    restored = quantizers.deserialize(quantizers.serialize(config))
    assert isinstance(restored, quantizers.Int4QuantizationConfig) and restored.block_size == 128


def test_int4_config_refuses_custom_quantizers_with_blocks():
    with pytest.raises(ValueError, match="sub-channel"):
        quantizers.Int4QuantizationConfig(weight_quantizer=quantizers.AbsMaxQuantizer(value_range=(-8, 7)))


def test_int4_config_checks_the_weight_quantizer_range():
    with pytest.raises(ValueError, match=r"value_range=\(-8, 7\)"):
        quantizers.Int4QuantizationConfig(weight_quantizer=quantizers.AbsMaxQuantizer(), block_size=None)


def test_float8_config_has_no_quantizers():
    config = quantizers.Float8QuantizationConfig()
    assert config.mode == "float8" and config.get_config() == {}


def test_resolve_builds_the_default_config_of_a_mode():
    assert isinstance(validate_and_resolve_config("int4", None), quantizers.Int4QuantizationConfig)


def test_resolve_rejects_contradicting_mode_and_config():
    with pytest.raises(ValueError, match="Contradictory arguments"):
        validate_and_resolve_config("int8", quantizers.Float8QuantizationConfig())


@pytest.mark.parametrize("mode", ["gptq", "awq"])
def test_resolve_names_the_modes_kerasbridge_lacks(mode):
    with pytest.raises(ValueError, match=f"mode '{mode}' is not available in kerasbridge yet; supported: int8, int4"):
        validate_and_resolve_config(mode, None)


def test_resolve_rejects_unknown_modes():
    with pytest.raises(ValueError, match="Invalid quantization mode"):
        validate_and_resolve_config("int3", None)
