"""Functional models: graph construction, execution, structure, nesting and errors."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session(free_memory=False)


def mlp():
    inputs = keras.Input((4,), name="features")
    x = layers.Dense(8, activation="relu", name="hidden")(inputs)
    outputs = layers.Dense(2, name="logits")(x)
    return keras.Model(inputs, outputs)


def test_model_with_inputs_is_functional_with_layers_in_order():
    model = mlp()
    assert isinstance(model, keras.models.Functional)
    assert [layer.name for layer in model.layers] == ["features", "hidden", "logits"]
    assert model.input_shape == (None, 4)
    assert model.output_shape == (None, 2)
    assert model.name == "functional"


def test_eager_call_equals_manual_composition():
    model = mlp()
    x = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    hidden, logits = model.get_layer("hidden"), model.get_layer("logits")
    expected = logits(hidden(torch.from_numpy(x)))
    np.testing.assert_allclose(model(x).detach().numpy(), expected.detach().numpy(), atol=1e-6)


def test_multi_input_multi_output_with_dict_outputs_and_shared_layer():
    a = keras.Input((3,), name="a")
    b = keras.Input((3,), name="b")
    shared = layers.Dense(2, name="shared")
    merged = layers.concatenate([shared(a), shared(b)], name="merge")
    model = keras.Model([a, b], {"sum": layers.Dense(1, name="out")(merged), "left": shared(a)})
    xa, xb = np.ones((5, 3), "float32"), np.zeros((5, 3), "float32")
    out = model([xa, xb])
    assert set(out) == {"sum", "left"}
    assert tuple(out["sum"].shape) == (5, 1)
    by_name = model({"a": xa, "b": xb})
    np.testing.assert_allclose(by_name["sum"].detach().numpy(), out["sum"].detach().numpy())
    assert len(model.weights) == 4


def test_dict_inputs():
    inputs = {"x": keras.Input((2,), name="x"), "y": keras.Input((3,), name="y")}
    out = layers.Concatenate()([inputs["x"], inputs["y"]])
    model = keras.Model(inputs, out)
    result = model({"y": np.ones((1, 3), "float32"), "x": np.zeros((1, 2), "float32")})
    np.testing.assert_array_equal(result.numpy(), [[0, 0, 1, 1, 1]])
    with pytest.raises(ValueError, match='Missing data for input "y"'):
        model({"x": np.zeros((1, 2), "float32")})


def test_intermediate_output_submodel_shares_weights():
    model = mlp()
    sub = keras.Model(model.input, model.get_layer("hidden").output)
    assert [layer.name for layer in sub.layers] == ["features", "hidden"]
    assert sub.get_layer("hidden") is model.get_layer("hidden")
    assert tuple(sub(np.ones((2, 4), "float32")).shape) == (2, 8)


def test_nested_model_used_as_layer():
    inner = mlp()
    outer_in = keras.Input((4,))
    outer = keras.Model(outer_in, layers.Dense(1)(inner(outer_in)))
    assert inner in outer.layers
    assert len(outer.weights) == 6
    assert tuple(outer(np.ones((3, 4), "float32")).shape) == (3, 1)


def test_ops_on_keras_tensors_become_graph_nodes():
    inputs = keras.Input((3,))
    outputs = keras.ops.multiply(inputs, 2.0) + 1.0
    model = keras.Model(inputs, outputs)
    np.testing.assert_allclose(model(np.ones((2, 3), "float32")).numpy(), np.full((2, 3), 3.0))


def test_wrong_feature_width_raises_with_shapes():
    model = mlp()
    with pytest.raises(ValueError, match=r"expected shape=\(None, 4\), found shape=\(2, 5\)"):
        model(np.ones((2, 5), "float32"))


def test_disconnected_graph_is_refused():
    a = keras.Input((2,))
    b = keras.Input((2,))
    out = layers.Dense(1)(layers.Add()([a, b]))
    with pytest.raises(ValueError, match="Graph disconnected"):
        keras.Model(a, out)


def test_get_layer_errors():
    model = mlp()
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match="only has 3 layers"):
        model.get_layer(index=7)


def test_masks_flow_through_the_graph():
    inputs = keras.Input((5,), dtype="int32")
    embedded = layers.Embedding(10, 3, mask_zero=True)(inputs)
    model = keras.Model(inputs, embedded)
    out = model(np.array([[1, 2, 0, 0, 0]]))
    np.testing.assert_array_equal(out._keras_mask.numpy(), [[True, True, False, False, False]])
    assert embedded._keras_mask is not None and embedded._keras_mask.shape == (None, 5)


def test_parameters_are_registered_once_with_torch():
    model = mlp()
    assert len(list(model.parameters())) == 4
    assert sorted(model.state_dict()) == ["hidden.bias", "hidden.kernel", "logits.bias", "logits.kernel"]
