"""Unit tests for the deterministic initializers."""

import numpy as np
import pytest
import torch

from kerasbridge import initializers
from kerasbridge.backend import device_scope


def test_zeros_fills_with_zero_in_floatx():
    out = initializers.Zeros()((2, 3))
    assert out.dtype == torch.float32 and float(out.abs().sum()) == 0.0


def test_ones_respects_dtype():
    out = initializers.Ones()((2, 3), dtype="int32")
    assert out.dtype == torch.int32 and out.tolist() == [[1, 1, 1], [1, 1, 1]]


def test_constant_fills_with_value():
    np.testing.assert_array_equal(initializers.Constant(2.5)((2, 2)).numpy(), np.full((2, 2), 2.5, "float32"))


def test_constant_config_round_trip():
    init = initializers.Constant.from_config(initializers.Constant(3.0).get_config())
    assert init.value == 3.0


def test_identity_scales_eye_by_gain():
    np.testing.assert_array_equal(initializers.Identity(gain=2.0)((2, 3)).numpy(), 2.0 * np.eye(2, 3))


def test_identity_rejects_non_2d_shape():
    with pytest.raises(ValueError, match="only be used for 2D matrices"):
        initializers.Identity()((2, 2, 2))


def test_identity_clone_keeps_gain():
    assert initializers.Identity(gain=3.0).clone().gain == 3.0


def test_base_initializer_call_is_abstract():
    with pytest.raises(NotImplementedError):
        initializers.Initializer()((2,))


def test_stft_real_kernel_without_window_is_cosine_basis():
    out = initializers.STFT(side="real", window=None, scaling=None)((4, 1, 3)).numpy()
    time = np.arange(4).reshape(4, 1, 1)
    freq = np.arange(3).reshape(1, 1, 3) / 4
    np.testing.assert_allclose(out, np.cos(-2 * np.pi * time * freq), atol=1e-6)


def test_stft_rejects_bad_side():
    with pytest.raises(ValueError, match="side should be"):
        initializers.STFT(side="both")


def test_constant_initializers_follow_meta_device():
    with device_scope("meta"):
        assert initializers.Ones()((2, 2)).is_meta
