"""fit/evaluate/predict against real Keras: same model and weights -> same trajectory and logs."""

import keras
import numpy as np
import pytest
import torch

import kerasbridge

OPTIMIZERS = {
    "sgd_momentum": lambda k: k.optimizers.SGD(learning_rate=0.05, momentum=0.9),
    "adam": lambda k: k.optimizers.Adam(learning_rate=0.01),
    "adamw": lambda k: k.optimizers.AdamW(learning_rate=0.01),
    "rmsprop": lambda k: k.optimizers.RMSprop(learning_rate=0.005),
}


def data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype("float32")
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype("int64")
    return x, y


def build(k, optimizer_name, **compile_kwargs):
    k.backend.clear_session(free_memory=False)
    model = k.Sequential([
        k.Input((6,)),
        k.layers.Dense(12, activation="relu"),
        k.layers.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer=OPTIMIZERS[optimizer_name](k), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], **compile_kwargs)
    return model


def pair(optimizer_name, **compile_kwargs):
    theirs = build(keras, optimizer_name, **compile_kwargs)
    ours = build(kerasbridge, optimizer_name, **compile_kwargs)
    ours.set_weights(theirs.get_weights())
    return ours, theirs


@pytest.mark.parametrize("optimizer_name", sorted(OPTIMIZERS))
def test_two_epochs_same_weights_and_history(optimizer_name):
    ours, theirs = pair(optimizer_name)
    x, y = data()
    kwargs = dict(epochs=2, batch_size=16, shuffle=False, verbose=0, validation_split=0.25)
    h_ours, h_theirs = ours.fit(x, y, **kwargs), theirs.fit(x, y, **kwargs)
    assert sorted(h_ours.history) == sorted(h_theirs.history)
    for key in h_theirs.history:
        np.testing.assert_allclose(h_ours.history[key], h_theirs.history[key], atol=2e-4, err_msg=key)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, atol=2e-4)
    assert int(ours.optimizer.iterations.numpy()) == int(theirs.optimizer.iterations.numpy())


def test_evaluate_and_predict_match():
    ours, theirs = pair("adam")
    x, y = data(40, seed=1)
    np.testing.assert_allclose(ours.evaluate(x, y, verbose=0), theirs.evaluate(x, y, verbose=0), atol=1e-6)
    assert ours.evaluate(x, y, verbose=0, return_dict=True).keys() == theirs.evaluate(
        x, y, verbose=0, return_dict=True).keys()
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0), atol=1e-6)


def test_second_fit_continues_optimizer():
    ours, theirs = pair("adam")
    x, y = data()
    for model in (ours, theirs):
        model.fit(x, y, epochs=1, batch_size=32, shuffle=False, verbose=0)
        model.fit(x, y, epochs=1, batch_size=32, shuffle=False, verbose=0)
    assert int(ours.optimizer.iterations.numpy()) == 6
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, atol=2e-4)


def test_sample_weight_and_class_weight_match():
    x, y = data()
    weights = np.linspace(0.5, 1.5, len(x)).astype("float32")
    for kwargs in ({"sample_weight": weights}, {"class_weight": {0: 1.0, 1: 3.0}}):
        ours, theirs = pair("sgd_momentum", weighted_metrics=["accuracy"])
        h_ours = ours.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0, **kwargs)
        h_theirs = theirs.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0, **kwargs)
        assert sorted(h_ours.history) == sorted(h_theirs.history)
        for key in h_theirs.history:
            np.testing.assert_allclose(h_ours.history[key], h_theirs.history[key], atol=2e-4, err_msg=key)


def test_multi_output_history_keys_match():
    def build_multi(k):
        k.backend.clear_session(free_memory=False)
        inputs = k.Input((6,))
        h = k.layers.Dense(8, activation="relu")(inputs)
        cls = k.layers.Dense(3, activation="softmax", name="cls")(h)
        reg = k.layers.Dense(1, name="reg")(h)
        model = k.Model(inputs, [cls, reg])
        model.compile(optimizer=k.optimizers.SGD(0.01), loss={"cls": "sparse_categorical_crossentropy", "reg": "mse"},
                      loss_weights={"cls": 1.0, "reg": 0.5}, metrics={"cls": ["accuracy"], "reg": ["mae"]})
        return model

    theirs, ours = build_multi(keras), build_multi(kerasbridge)
    ours.set_weights(theirs.get_weights())
    x, y = data()
    targets = [y, x[:, :1]]
    h_ours = ours.fit(x, targets, epochs=2, batch_size=32, shuffle=False, verbose=0)
    h_theirs = theirs.fit(x, targets, epochs=2, batch_size=32, shuffle=False, verbose=0)
    assert sorted(h_ours.history) == sorted(h_theirs.history)
    for key in h_theirs.history:
        np.testing.assert_allclose(h_ours.history[key], h_theirs.history[key], atol=2e-4, err_msg=key)


def test_shuffled_fit_with_dropout_follows_keras_exactly():
    """shuffle=True and an unseeded Dropout draw from torch's global RNG in Keras's order."""

    def build_with_dropout(k):
        k.backend.clear_session(free_memory=False)
        k.utils.set_random_seed(3)
        model = k.Sequential([
            k.Input((6,)),
            k.layers.Dense(12, activation="relu"),
            k.layers.Dropout(0.3),
            k.layers.Dense(3, activation="softmax"),
        ])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    x, y = data()
    theirs = build_with_dropout(keras)
    ours = build_with_dropout(kerasbridge)
    ours.set_weights(theirs.get_weights())
    results = []
    for lib, model in ((kerasbridge, ours), (keras, theirs)):
        lib.utils.set_random_seed(5)
        history = model.fit(x, y, epochs=3, batch_size=16, shuffle=True, verbose=0, validation_split=0.2)
        model.evaluate(x, y, verbose=0)
        model.fit(x, y, epochs=1, batch_size=16, shuffle=True, verbose=0)
        results.append((history.history, model.get_weights(), torch.get_rng_state()))
    (our_history, our_weights, our_next), (their_history, their_weights, their_next) = results
    for key in their_history:
        np.testing.assert_allclose(our_history[key], their_history[key], atol=2e-4, err_msg=key)
    for a, b in zip(our_weights, their_weights):
        np.testing.assert_allclose(a, b, atol=2e-4)
    assert torch.equal(our_next, their_next)  # the global generator ends where Keras leaves it
