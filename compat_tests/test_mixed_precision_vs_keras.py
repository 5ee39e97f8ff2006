"""`mixed_precision` against Keras 3: dtypes per layer, loss scaling and the training trajectory."""

import keras
import numpy as np
import pytest

import kerasbridge


@pytest.fixture(autouse=True)
def _float32_after_each_test():
    yield
    for module in (keras, kerasbridge):
        module.mixed_precision.set_global_policy("float32")
        module.utils.clear_session(free_memory=False)


def _train(module, policy):
    module.mixed_precision.set_global_policy(policy)
    module.utils.set_random_seed(0)
    model = module.Sequential([
        module.Input((4,)),
        module.layers.Dense(8, activation="relu"),
        module.layers.BatchNormalization(),
        module.layers.Dense(2, dtype="float32"),
    ])
    model.compile(module.optimizers.Adam(1e-2), "mse")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = rng.normal(size=(32, 2)).astype("float32")
    history = model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    return model, history.history


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_mixed_policy_trains_like_keras(policy):
    ours, our_history = _train(kerasbridge, policy)
    theirs, their_history = _train(keras, policy)
    assert str(kerasbridge.mixed_precision.global_policy().name) == policy
    for our_layer, their_layer in zip(ours.layers, theirs.layers):
        assert our_layer.compute_dtype == their_layer.compute_dtype
        assert our_layer.variable_dtype == their_layer.variable_dtype
        assert our_layer.dtype_policy.name == their_layer.dtype_policy.name
    assert type(ours.optimizer).__name__ == type(theirs.optimizer).__name__
    np.testing.assert_allclose(our_history["loss"], their_history["loss"], rtol=1e-3)
    for our_weight, their_weight in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(our_weight, np.asarray(their_weight), atol=2e-3)
    our_slots = {v.path: np.asarray(v.numpy()) for v in ours.optimizer.variables}
    their_slots = {v.path: np.asarray(v.numpy()) for v in theirs.optimizer.variables}
    assert our_slots.keys() == their_slots.keys()
    for path in ("loss_scale_optimizer/step_counter", "loss_scale_optimizer/dynamic_scale"):
        if path in their_slots:
            np.testing.assert_array_equal(our_slots[path], their_slots[path])


def test_policy_aliases_match_keras():
    assert kerasbridge.mixed_precision.Policy("mixed_float16").compute_dtype == "float16"
    assert kerasbridge.mixed_precision.Policy("mixed_float16").variable_dtype == "float32"
    assert sorted(n for n in dir(keras.mixed_precision) if not n.startswith("_")) == sorted(
        n for n in dir(kerasbridge.mixed_precision) if not n.startswith("_") and n != "annotations"
    )
