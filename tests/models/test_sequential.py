"""Sequential models: eager build, deferred build, add/pop, nesting and errors."""

import numpy as np
import pytest

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session(free_memory=False)


def test_with_input_is_built_immediately_with_scoped_paths():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Dense(2)])
    assert model.built
    assert model.output_shape == (None, 2)
    assert [w.path for w in model.weights][:2] == ["sequential/dense/kernel", "sequential/dense/bias"]
    assert [layer.name for layer in model.layers] == ["dense", "dense_1"]


def test_deferred_build_on_first_call():
    model = keras.Sequential([layers.Dense(3), layers.Dense(1)])
    assert not model.built
    with pytest.raises(AttributeError):
        _ = model.output_shape
    out = model(np.ones((2, 5), "float32"))
    assert model.built and tuple(out.shape) == (2, 1)
    assert model.layers[0].kernel.shape == (5, 3)


def test_add_and_pop():
    model = keras.Sequential()
    model.add(keras.Input((3,)))
    model.add(layers.Dense(4))
    model.add(layers.Dense(2))
    assert model.output_shape == (None, 2)
    popped = model.pop()
    assert popped.name == "dense_1"
    assert model.output_shape == (None, 4)
    assert len(list(model.parameters())) == 2


def test_duplicate_layer_names_are_refused():
    model = keras.Sequential([layers.Dense(2, name="d")])
    with pytest.raises(ValueError, match="unique names"):
        model.add(layers.Dense(2, name="d"))


def test_adding_a_non_layer_is_refused():
    with pytest.raises(ValueError, match="Only instances of `keras.Layer`"):
        keras.Sequential([lambda x: x])


def test_sequential_inside_functional_and_functional_inside_sequential():
    inner = keras.Sequential([keras.Input((4,)), layers.Dense(3)])
    x = keras.Input((4,))
    functional = keras.Model(x, layers.Dense(1)(inner(x)))
    outer = keras.Sequential([keras.Input((4,)), functional, layers.Dense(2)])
    assert tuple(outer(np.ones((2, 4), "float32")).shape) == (2, 2)
    assert len(outer.weights) == 6


def test_input_shape_argument_on_first_layer():
    with pytest.warns(UserWarning, match="input_shape"):
        model = keras.Sequential([layers.Dense(2, input_shape=(6,))])
    assert model.built and model.input_shape == (None, 6)


def test_training_flag_reaches_dropout():
    model = keras.Sequential([keras.Input((100,)), layers.Dropout(0.5)])
    x = np.ones((1, 100), "float32")
    np.testing.assert_array_equal(model(x).numpy(), x)
    assert (model(x, training=True).numpy() == 0).any()
