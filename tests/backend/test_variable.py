import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge.backend import Variable


def make(value=None, **kwargs):
    value = np.arange(6, dtype="float32").reshape(2, 3) if value is None else value
    return Variable(value, name="v", **kwargs)


def test_value_is_a_parameter_that_collects_gradients():
    v = make()
    (v.value * 2).sum().backward()
    assert isinstance(v.value, torch.nn.Parameter)
    np.testing.assert_array_equal(v.value.grad.numpy(), np.full((2, 3), 2.0))


def test_shape_dtype_name_path():
    with keras.name_scope("outer"):
        v = make()
    assert v.shape == (2, 3)
    assert v.dtype == "float32"
    assert v.name == "v"
    assert v.path == "outer/v"


def test_assign_family_updates_in_place():
    v = make()
    param = v.value
    v.assign(np.ones((2, 3)))
    v.assign_add(np.ones((2, 3)))
    v.assign_sub(0.5 * np.ones((2, 3)))
    assert v.value is param
    np.testing.assert_allclose(v.numpy(), np.full((2, 3), 1.5))


def test_assign_with_wrong_shape_raises_and_keeps_value():
    v = make()
    before = v.numpy().copy()
    with pytest.raises(ValueError, match=r"shape.*\(2, 3\).*\(3, 2\)"):
        v.assign(np.zeros((3, 2)))
    np.testing.assert_array_equal(v.numpy(), before)


def test_operand_of_torch_functions_and_operators():
    v = make()
    expected = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(torch.matmul(v, torch.ones(3, 1)).detach().numpy(), expected @ np.ones((3, 1)))
    np.testing.assert_allclose((v + 1).detach().numpy(), expected + 1)
    np.testing.assert_allclose((2 * v).detach().numpy(), 2 * expected)
    np.testing.assert_allclose(torch.cat([v, v]).detach().numpy(), np.concatenate([expected, expected]))
    np.testing.assert_allclose(np.asarray(v), expected)


def test_non_trainable_variable_does_not_require_grad():
    v = make(trainable=False)
    assert not v.value.requires_grad
    v.trainable = True
    assert v.value.requires_grad


def test_callable_initializer_needs_shape():
    with pytest.raises(ValueError, match="shape"):
        Variable(keras.initializers.Ones(), name="w")
    w = Variable(keras.initializers.Ones(), shape=(2,), name="w")
    np.testing.assert_array_equal(w.numpy(), np.ones(2))


def test_name_with_slash_is_refused():
    with pytest.raises(ValueError, match="cannot contain character `/`"):
        Variable(np.zeros(2), name="a/b")
