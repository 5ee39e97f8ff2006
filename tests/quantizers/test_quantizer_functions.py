"""Unit tests of kerasbridge.quantizers: abs-max quantization, int4 packing, float8 scaling, fake quant."""

import numpy as np
import pytest
import torch

from kerasbridge import quantizers


def test_abs_max_quantize_scales_by_the_absolute_maximum():
    x = np.array([[1.0, -2.0], [0.5, 4.0]], "float32")
    values, scale = quantizers.abs_max_quantize(x, axis=0, epsilon=0.0)
    np.testing.assert_allclose(scale.numpy(), [[127.0, 127.0 / 4.0]])
    np.testing.assert_array_equal(values.numpy(), [[127, -64], [64, 127]])
    assert values.dtype == torch.int8


def test_abs_max_quantize_on_host_gives_the_same_result():
    x = torch.randn(5, 3)
    device_values, device_scale = quantizers.abs_max_quantize(x, axis=-1)
    host_values, host_scale = quantizers.abs_max_quantize(x, axis=-1, to_numpy=True)
    torch.testing.assert_close(host_values, device_values)
    torch.testing.assert_close(host_scale, device_scale)


def test_abs_max_quantizer_clips_to_its_value_range_and_serializes():
    quantizer = quantizers.AbsMaxQuantizer(value_range=(-8, 7))
    values, _ = quantizer(torch.tensor([[-1.0, 1.0, 0.5]]))
    assert values.min().item() >= -8 and values.max().item() <= 7
    config = quantizer.get_config()
    assert config == {"value_range": (-8, 7), "epsilon": 1e-7, "output_dtype": "int8"}
    assert quantizers.deserialize(quantizers.serialize(quantizer)).value_range == (-8, 7)


def test_abs_max_quantizer_rejects_an_int8_range_that_overflows():
    with pytest.raises(ValueError, match="within the interval"):
        quantizers.AbsMaxQuantizer(value_range=(-200, 127))


def test_pack_int4_matches_the_documented_bytes_and_unpacks_back():
    original = np.array([[-3, 7], [2, -8], [1, 0]], dtype=np.int8)
    packed, packed_shape, length = quantizers.pack_int4(original, axis=0)
    np.testing.assert_array_equal(packed.numpy(), [[45, -121], [1, 0]])
    assert packed_shape == (2, 2) and length == 3
    np.testing.assert_array_equal(quantizers.unpack_int4(packed, length, axis=0).numpy(), original)


def test_pack_int4_along_the_last_axis_round_trips():
    original = torch.randint(-8, 8, (4, 5), dtype=torch.int8)
    packed, _, length = quantizers.pack_int4(original, axis=-1)
    assert tuple(packed.shape) == (4, 3)
    torch.testing.assert_close(quantizers.unpack_int4(packed, length, axis=-1), original)


def test_pack_int4_checks_the_dtype():
    with pytest.raises(TypeError, match="Expected int8 tensor"):
        quantizers.pack_int4(torch.zeros(2, 2, dtype=torch.int32))


def test_grouped_quantization_dequantizes_close_to_the_input():
    x = torch.linspace(-1.0, 2.0, 30).reshape(3, 10).T.contiguous()  # every group spans negative and positive
    x[0::4] *= -1
    values, scale, zero = quantizers.abs_max_quantize_grouped_with_zero_point(x, block_size=4)
    assert tuple(scale.shape) == (3, 3) and zero.dtype == torch.int8
    g_idx = torch.arange(10) // 4
    restored = quantizers.dequantize_with_sz_map(values, scale, zero, g_idx, group_axis=0)
    assert torch.max(torch.abs(restored - x)) <= scale.max() / 2 + 1e-6


def test_compute_float8_scale_keeps_the_old_scale_for_zero_or_infinite_amax():
    new = quantizers.compute_float8_scale(torch.tensor(2.0), torch.tensor(1.0), torch.tensor(448.0))
    torch.testing.assert_close(new, torch.tensor(2.0 / 448.0))
    for amax in (0.0, float("inf")):
        kept = quantizers.compute_float8_scale(torch.tensor(amax), torch.tensor(0.5), torch.tensor(448.0))
        torch.testing.assert_close(kept, torch.tensor(0.5))


def test_compute_float8_amax_history_rolls_and_records():
    history = torch.tensor([1.0, 2.0, 3.0])
    new = quantizers.compute_float8_amax_history(torch.tensor([-5.0, 4.0]), history)
    torch.testing.assert_close(new, torch.tensor([5.0, 3.0, 1.0]))


def test_quantize_and_dequantize_saturates_at_the_float8_maximum():
    out = quantizers.quantize_and_dequantize(torch.tensor([1000.0, 1.0]), torch.tensor(1.0), "float8_e4m3fn",
                                             "float32")
    torch.testing.assert_close(out, torch.tensor([448.0, 1.0]))


def test_fake_quant_rounds_into_the_range_and_routes_gradients():
    x = torch.tensor([-1.0, 0.26, 3.0], requires_grad=True)
    low = torch.tensor(0.0, requires_grad=True)
    high = torch.tensor(2.55, requires_grad=True)
    out = quantizers.fake_quant_with_min_max_vars(x, low, high, num_bits=8)
    torch.testing.assert_close(out.detach(), torch.tensor([0.0, 0.26, 2.55]))
    out.sum().backward()
    torch.testing.assert_close(x.grad, torch.tensor([0.0, 1.0, 0.0]))
    assert low.grad.item() == 1.0 and high.grad.item() == 1.0


def test_get_resolves_names_dicts_and_instances():
    assert isinstance(quantizers.get("AbsMaxQuantizer"), quantizers.AbsMaxQuantizer)
    instance = quantizers.AbsMaxQuantizer()
    assert quantizers.get(instance) is instance
    assert quantizers.get(None) is None
    with pytest.raises(ValueError, match="Could not interpret"):
        quantizers.get("NoSuchQuantizer")
