"""Functional, Sequential and subclassed models against real Keras: names, weights, outputs."""

import keras
import numpy as np
import pytest

import kerasbridge


@pytest.fixture(autouse=True)
def fresh_sessions():
    keras.backend.clear_session(free_memory=False)
    kerasbridge.backend.clear_session(free_memory=False)


def functional(k):
    a = k.Input((6,), name="a")
    b = k.Input((4,), name="b")
    shared = k.layers.Dense(5, activation="tanh")
    x = k.layers.concatenate([shared(k.layers.Dense(4)(a)), shared(b)])
    x = k.layers.Dropout(0.3)(x)
    out_main = k.layers.Dense(3, activation="softmax", name="main")(x)
    out_aux = k.layers.Dense(1, name="aux")(k.layers.add([shared(b), k.layers.Dense(5)(a)]))
    return k.Model([a, b], [out_main, out_aux])


def sequential_with_input(k):
    return k.Sequential([
        k.Input((8,)),
        k.layers.Dense(16, activation="relu"),
        k.layers.Dropout(0.1),
        k.layers.Dense(4),
        k.layers.Activation("softmax"),
    ])


def nested(k):
    inner = k.Sequential([k.Input((5,)), k.layers.Dense(7), k.layers.Dense(3)])
    x = k.Input((5,))
    return k.Model(x, k.layers.Dense(2)(inner(x)))


def embedding_model(k):
    tokens = k.Input((6,), dtype="int32")
    x = k.layers.Embedding(20, 4, mask_zero=True)(tokens)
    x = k.layers.Flatten()(x)
    return k.Model(tokens, k.layers.Dense(2)(x))


BUILDERS = {"functional": functional, "sequential": sequential_with_input, "nested": nested,
            "embedding": embedding_model}


def inputs_for(name, rng):
    if name == "functional":
        return [rng.normal(size=(3, 6)).astype("float32"), rng.normal(size=(3, 4)).astype("float32")]
    if name == "embedding":
        return rng.integers(0, 20, size=(3, 6)).astype("int32")
    width = {"sequential": 8, "nested": 5}[name]
    return rng.normal(size=(3, width)).astype("float32")


def as_numpy(outputs):
    if isinstance(outputs, (list, tuple)):
        return [as_numpy(o) for o in outputs]
    return kerasbridge.ops.convert_to_numpy(outputs)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_same_structure_names_and_weight_order(name):
    ours, theirs = BUILDERS[name](kerasbridge), BUILDERS[name](keras)
    assert [layer.name for layer in ours.layers] == [layer.name for layer in theirs.layers]
    assert [type(layer).__name__ for layer in ours.layers] == [type(layer).__name__ for layer in theirs.layers]
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    assert ours.count_params() == theirs.count_params()
    assert ours.name == theirs.name


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_same_weights_give_same_outputs(name):
    ours, theirs = BUILDERS[name](kerasbridge), BUILDERS[name](keras)
    ours.set_weights(theirs.get_weights())
    x = inputs_for(name, np.random.default_rng(0))
    ours_out, theirs_out = as_numpy(ours(x)), as_numpy(theirs(x))
    if not isinstance(ours_out, list):
        ours_out, theirs_out = [ours_out], [theirs_out]
    assert len(ours_out) == len(theirs_out)
    for a, b in zip(ours_out, theirs_out):
        np.testing.assert_allclose(a, b, atol=1e-6)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_same_output_shapes(name):
    ours, theirs = BUILDERS[name](kerasbridge), BUILDERS[name](keras)
    assert ours.output_shape == theirs.output_shape
    assert ours.input_shape == theirs.input_shape


def test_deferred_sequential_builds_like_keras():
    def build(k):
        model = k.Sequential([k.layers.Dense(3), k.layers.Dense(2)])
        model(np.ones((4, 5), "float32"))
        return model

    ours, theirs = build(kerasbridge), build(keras)
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    assert ours.built and theirs.built


def test_subclassed_model_paths_and_weights():
    def build(k):
        class Tower(k.Model):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.blocks = [k.layers.Dense(4), k.layers.Dense(4)]
                self.head = k.layers.Dense(1)

            def call(self, x):
                for block in self.blocks:
                    x = block(x)
                return self.head(x)

        model = Tower()
        model(np.ones((2, 3), "float32"))
        return model

    ours, theirs = build(kerasbridge), build(keras)
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    ours.set_weights(theirs.get_weights())
    x = np.random.default_rng(1).normal(size=(5, 3)).astype("float32")
    np.testing.assert_allclose(as_numpy(ours(x)), as_numpy(theirs(x)), atol=1e-6)


def test_set_random_seed_builds_the_same_weights_as_keras():
    def build(k):
        k.utils.set_random_seed(123)
        return sequential_with_input(k)

    ours, theirs = build(kerasbridge), build(keras)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_wrong_feature_width_message_matches_keras():
    ours, theirs = sequential_with_input(kerasbridge), sequential_with_input(keras)
    x = np.ones((2, 9), "float32")
    with pytest.raises(ValueError) as ours_error:
        ours(x)
    with pytest.raises(ValueError) as theirs_error:
        theirs(x)
    for fragment in ("expected axis -1 of input shape to have value 8", "(2, 9)"):
        assert fragment in str(theirs_error.value)
        assert fragment in str(ours_error.value)
