"""Right-padded masks run torch's fused kernels on packed sequences with the cell loop's exact results."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers
from kerasbridge.layers.rnn.packed_kernels import right_padded_lengths


@pytest.fixture(autouse=True)
def fresh_names():
    keras.utils.clear_session(free_memory=False)
    yield


RIGHT_PADDED = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 0, 0, 0]], dtype=torch.bool)


def test_right_padded_lengths():
    np.testing.assert_array_equal(right_padded_lengths(RIGHT_PADDED).numpy(), [3, 5, 1])
    assert right_padded_lengths(torch.tensor([[0, 1, 1]], dtype=torch.bool)) is None
    assert right_padded_lengths(torch.tensor([[1, 0, 1]], dtype=torch.bool)) is None
    assert right_padded_lengths(torch.tensor([[1, 1], [0, 0]], dtype=torch.bool)) is None


def _flat(outputs):
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


@pytest.mark.parametrize("class_name", ["LSTM", "GRU"])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("zero_output_for_mask", [False, True])
def test_packed_path_equals_cell_loop_with_gradients(class_name, go_backwards, zero_output_for_mask):
    kwargs = dict(return_sequences=True, return_state=True, go_backwards=go_backwards,
                  zero_output_for_mask=zero_output_for_mask)
    packed = getattr(layers, class_name)(4, **kwargs)
    looped = getattr(layers, class_name)(4, use_cudnn=False, **kwargs)
    x = torch.as_tensor(np.random.default_rng(0).standard_normal((3, 5, 2)).astype("float32"))
    packed(x), looped(x)
    looped.set_weights(packed.get_weights())
    results = []
    for layer in (packed, looped):
        outputs = _flat(layer(x, mask=RIGHT_PADDED))
        sum(o.sum() * (i + 1) for i, o in enumerate(outputs)).backward()
        results.append(([o.detach().numpy() for o in outputs], [w.value.grad.numpy() for w in layer.weights]))
    for a, b in zip(results[0][0], results[1][0]):
        np.testing.assert_allclose(a, b, atol=1e-6)
    for a, b in zip(results[0][1], results[1][1]):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_right_padded_masks_skip_the_python_time_loop(monkeypatch):
    import kerasbridge.layers.rnn.rnn as rnn_module

    def no_loop(*args, **kwargs):
        raise AssertionError("the Python time loop ran")

    monkeypatch.setattr(rnn_module, "run_time_loop", no_loop)
    x = torch.ones((3, 5, 2))
    layers.Bidirectional(layers.LSTM(3, return_sequences=True))(x, mask=RIGHT_PADDED)
    layers.GRU(3, go_backwards=True)(x, mask=RIGHT_PADDED)
    with pytest.raises(AssertionError, match="time loop"):
        layers.GRU(3)(x, mask=torch.tensor([[0, 1, 1, 1, 1]] * 3, dtype=torch.bool))
