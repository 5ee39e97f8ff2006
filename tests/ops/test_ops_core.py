import numpy as np
import pytest
import torch

from kerasbridge import ops
from kerasbridge.backend import device_scope


def test_cast_changes_dtype():
    assert ops.cast(np.array([1.7]), "int32").dtype == torch.int32


def test_convert_to_tensor_python_float_is_float32():
    assert ops.convert_to_tensor(1.5).dtype == torch.float32


def test_convert_to_numpy_returns_ndarray():
    assert isinstance(ops.convert_to_numpy(torch.ones(2)), np.ndarray)


def test_shape_is_a_tuple():
    assert ops.shape(torch.ones(2, 3)) == (2, 3)


def test_dtype_is_a_string():
    assert ops.dtype(torch.ones(2, dtype=torch.int16)) == "int16"


def test_is_tensor():
    assert ops.is_tensor(torch.ones(1)) and not ops.is_tensor(np.ones(1))


def test_saturate_cast_clips_to_target_range():
    assert ops.saturate_cast(np.array([-300.0, 300.0, 7.0]), "uint8").tolist() == [0, 255, 7]


def test_stop_gradient_blocks_gradient():
    x = torch.ones(2, requires_grad=True)
    y = (ops.stop_gradient(x) * x).sum()
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])


def test_slice_with_python_starts():
    x = np.arange(12).reshape(3, 4)
    assert ops.slice(x, (1, 1), (2, 2)).tolist() == [[5, 6], [9, 10]]


def test_slice_with_tensor_starts():
    x = np.arange(12).reshape(3, 4)
    assert ops.slice(x, torch.tensor([0, 2]), (1, 2)).tolist() == [[2, 3]]


def test_slice_update_does_not_modify_input():
    x = torch.zeros(3, 3)
    out = ops.slice_update(x, (1, 1), torch.ones(2, 2))
    assert out.sum().item() == 4.0 and x.sum().item() == 0.0


def test_scatter_sums_duplicate_indices():
    out = ops.scatter(np.array([[1], [1], [0]]), np.array([1.0, 2.0, 5.0]), (3,))
    assert out.tolist() == [5.0, 3.0, 0.0]


def test_scatter_update_replaces_rows():
    out = ops.scatter_update(np.zeros((3, 2), "float32"), np.array([[2]]), np.array([[1.0, 2.0]]))
    assert out.tolist() == [[0.0, 0.0], [0.0, 0.0], [1.0, 2.0]]


@pytest.mark.parametrize(("reduction", "expected"), [("add", 7.0), ("max", 4.0), ("min", 1.0), ("mul", 8.0)])
def test_scatter_update_reductions(reduction, expected):
    out = ops.scatter_update(np.full((2,), 2.0, "float32"), np.array([[0], [0]]), np.array([1.0, 4.0]),
                             reduction=reduction)
    assert out[0].item() == expected and out[1].item() == 2.0


def test_scatter_update_rejects_unknown_reduction():
    with pytest.raises(ValueError, match="Invalid reduction"):
        ops.scatter_update(np.zeros(2), np.array([[0]]), np.array([1.0]), reduction="mean")


def test_unstack_splits_along_axis():
    parts = ops.unstack(torch.arange(6).reshape(2, 3), axis=1)
    assert [p.tolist() for p in parts] == [[0, 3], [1, 4], [2, 5]]


def test_cond_runs_selected_branch():
    assert ops.cond(False, lambda: 1, lambda: 2) == 2


def test_cond_takes_first_branch_during_shape_inference():
    with device_scope("meta"):
        assert ops.cond(torch.ones((), dtype=torch.bool, device="meta"), lambda: "a", lambda: "b") == "a"


def test_while_loop_with_maximum_iterations():
    i, total = ops.while_loop(lambda i, t: i < 100, lambda i, t: (i + 1, t + i), (0, 0), maximum_iterations=4)
    assert int(i) == 4 and int(total) == 6


def test_while_loop_single_variable_returns_tensor():
    out = ops.while_loop(lambda x: x < 10, lambda x: x * 2, 1)
    assert isinstance(out, torch.Tensor) and out.item() == 16


def test_fori_loop_accumulates():
    assert ops.fori_loop(0, 5, lambda i, v: v + i, 0) == 10


def test_scan_returns_carry_and_stacked_outputs():
    carry, ys = ops.scan(lambda c, x: (c + x, c), torch.tensor(0.0), torch.arange(1.0, 4.0))
    assert carry.item() == 6.0 and ys.tolist() == [0.0, 1.0, 3.0]


def test_scan_requires_xs_or_length():
    with pytest.raises(ValueError, match="length"):
        ops.scan(lambda c, x: (c, c), 0.0)


def test_map_applies_over_leading_axis():
    assert ops.map(lambda x: x.sum(), torch.arange(6.0).reshape(3, 2)).tolist() == [1.0, 5.0, 9.0]


def test_associative_scan_is_a_running_reduction():
    assert ops.associative_scan(lambda a, b: a + b, torch.arange(1.0, 5.0)).tolist() == [1.0, 3.0, 6.0, 10.0]


def test_switch_clamps_index():
    assert ops.switch(5, [lambda x: x + 1, lambda x: x * 10], 2) == 20


def test_vectorized_map_applies_per_row():
    assert ops.vectorized_map(lambda row: row.max(), torch.tensor([[1.0, 3.0], [4.0, 2.0]])).tolist() == [3.0, 4.0]


def test_custom_gradient_overrides_backward():
    @ops.custom_gradient
    def scaled_identity(x):
        def grad(*args, upstream):
            return upstream * 3.0

        return x * 1.0, grad

    x = torch.ones(2, requires_grad=True)
    scaled_identity(x).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
