"""`Mean`'s in-place update for tensors that need no conversion gives the general path's numbers."""

import numpy as np
import pytest
import torch

import kerasbridge as keras


def _state(metric):
    return [v.numpy().tobytes() for v in metric.variables]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_scalar_with_integer_weight_matches_the_general_path(dtype):
    rng = np.random.default_rng(0)
    fast, general = keras.metrics.Mean(dtype=dtype), keras.metrics.Mean(dtype=dtype)
    for value, weight in zip(rng.normal(size=20), rng.integers(1, 300, size=20)):
        fast.update_state(torch.tensor(value, dtype=getattr(torch, dtype)), sample_weight=int(weight))
        general.update_state(np.array(value, dtype=dtype), sample_weight=np.array(weight, dtype=dtype))
    assert _state(fast) == _state(general)


def test_vector_without_weight_matches_the_general_path():
    rng = np.random.default_rng(1)
    fast, general = keras.metrics.Mean(), keras.metrics.Mean()
    for _ in range(10):
        values = rng.normal(size=17).astype("float32")
        fast.update_state(torch.from_numpy(values))
        general.update_state(values.tolist())
    assert _state(fast) == _state(general)
    assert float(fast.count.numpy()) == 170.0


def test_other_inputs_still_take_the_general_path():
    metric = keras.metrics.Mean()
    metric.update_state(torch.tensor([[1.0, 3.0], [5.0, 7.0]]), sample_weight=torch.tensor([1.0, 0.0]))
    metric.update_state(torch.tensor(2.0, dtype=torch.float16), sample_weight=2)
    assert float(metric.result()) == pytest.approx((2.0 + 4.0) / 3.0)


def test_update_does_not_join_the_autograd_graph():
    metric = keras.metrics.Mean()
    value = torch.tensor(3.0, requires_grad=True)
    metric.update_state(value * 2, sample_weight=4)
    assert not metric.total.value.requires_grad and metric.total.value.grad_fn is None
    assert float(metric.result()) == 6.0
