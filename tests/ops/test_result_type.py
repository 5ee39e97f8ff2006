import pytest
import torch

from kerasbridge.backend import config
from kerasbridge.backend.dtypes import result_type


def test_no_dtypes_gives_floatx():
    assert result_type() == "float32"


def test_python_int_is_weak_against_small_ints():
    assert result_type("int8", int) == "int8"


def test_python_float_promotes_ints_to_floatx():
    assert result_type("int32", float) == "float32"


def test_python_float_keeps_half_precision():
    assert result_type("float16", float) == "float16"


def test_mixed_signedness_widens():
    assert result_type("uint8", "int8") == "int16"


def test_64_bit_results_are_narrowed_to_32_bits():
    assert result_type("float64", "float64") == "float32"
    assert result_type("int64") == "int32"


def test_int_and_float_give_float():
    assert result_type("int32", "float32") == "float32"


def test_bool_promotes_to_weak_int():
    assert result_type("bool", int) == "int32"


def test_none_stands_for_floatx():
    assert result_type(None, "int8") == "float32"


def test_torch_dtypes_are_accepted():
    assert result_type(torch.int16, torch.uint8) == "int16"


def test_weak_types_follow_floatx():
    config.set_floatx("float16")
    try:
        assert result_type(int, float) == "float16"
    finally:
        config.set_floatx("float32")


def test_float8_has_no_implicit_promotion():
    with pytest.raises(ValueError, match="float8"):
        result_type("float8_e4m3fn", "float32")
