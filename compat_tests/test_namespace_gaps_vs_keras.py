"""Differential tests for names that the family sweeps do not reach: dtype policies and the
mixed-precision API, (de)serialization helpers, the user-subclassable bases (`Loss`,
`Initializer`, `Regularizer`, `LearningRateSchedule`) and the `STFT` initializer.

Every test reads each name from both `keras.<ns>` and `kerasbridge.<ns>` and compares behaviour:
policy dtypes, serialized configs, and values (float32 atol 1e-5).
"""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge  # noqa: E402

LIBS = (keras, kerasbridge)
rng = np.random.default_rng(5)
Y_TRUE = rng.uniform(0, 1, size=(4, 3)).astype("float32")
Y_PRED = rng.uniform(0.05, 0.95, size=(4, 3)).astype("float32")
WEIGHTS = np.array([1.0, 0.5, 0.0, 2.0], dtype="float32")


@pytest.fixture(autouse=True)
def _fresh_sessions():
    keras.utils.clear_session()
    kerasbridge.utils.clear_session(free_memory=False)
    yield
    keras.mixed_precision.set_global_policy("float32")
    kerasbridge.mixed_precision.set_global_policy("float32")


def to_numpy(x):
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    if hasattr(x, "numpy"):
        return np.asarray(x.numpy())
    return np.asarray(x)


def assert_same(expected, actual, atol=1e-5):
    expected, actual = to_numpy(expected), to_numpy(actual)
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    np.testing.assert_allclose(actual, expected, atol=atol, rtol=1e-5)


def policy_facts(policy):
    return (policy.name, policy.compute_dtype, policy.variable_dtype)


POLICY_NAMES = ["float32", "float16", "bfloat16", "mixed_float16", "mixed_bfloat16", "float64"]


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_dtype_policy_classes_match_keras(name):
    for cls_name in ("DTypePolicy", "FloatDTypePolicy"):
        expected = getattr(keras.dtype_policies, cls_name)(name)
        actual = getattr(kerasbridge.dtype_policies, cls_name)(name)
        assert policy_facts(actual) == policy_facts(expected)
    for cls_name in ("DTypePolicy", "Policy"):
        expected = getattr(keras.mixed_precision, cls_name)(name)
        actual = getattr(kerasbridge.mixed_precision, cls_name)(name)
        assert policy_facts(actual) == policy_facts(expected)


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_dtype_policy_serialization_matches_keras(name):
    keras_config = keras.dtype_policies.serialize(keras.dtype_policies.DTypePolicy(name))
    bridge_config = kerasbridge.dtype_policies.serialize(kerasbridge.dtype_policies.DTypePolicy(name))
    assert bridge_config == keras_config
    from_keras = kerasbridge.dtype_policies.deserialize(keras_config)
    from_bridge = keras.dtype_policies.deserialize(bridge_config)
    assert policy_facts(from_keras) == policy_facts(from_bridge)
    for identifier in (name, keras_config):
        assert policy_facts(kerasbridge.dtype_policies.get(identifier)) == policy_facts(
            keras.dtype_policies.get(identifier)
        )


@pytest.mark.parametrize("name", ["mixed_float16", "mixed_bfloat16", "float16"])
def test_global_policy_matches_keras(name):
    for lib in LIBS:
        lib.mixed_precision.set_global_policy(name)
    assert policy_facts(kerasbridge.mixed_precision.global_policy()) == policy_facts(
        keras.mixed_precision.global_policy()
    )
    assert policy_facts(kerasbridge.mixed_precision.dtype_policy()) == policy_facts(
        keras.mixed_precision.dtype_policy()
    )
    layers = [lib.layers.Dense(2) for lib in LIBS]
    for layer in layers:
        layer.build((None, 3))
    assert layers[1].compute_dtype == layers[0].compute_dtype
    assert layers[1].variable_dtype == layers[0].variable_dtype


@pytest.mark.parametrize(
    "name,kwargs",
    [("Adam", {"learning_rate": 0.01, "beta_1": 0.8}), ("SGD", {"momentum": 0.9, "nesterov": True}),
     ("AdamW", {"weight_decay": 0.1, "clipnorm": 1.0}), ("RMSprop", {"rho": 0.8, "centered": True})],
)
def test_optimizer_serialize_deserialize_match_keras(name, kwargs):
    keras_config = keras.optimizers.serialize(getattr(keras.optimizers, name)(**kwargs))
    bridge_config = kerasbridge.optimizers.serialize(getattr(kerasbridge.optimizers, name)(**kwargs))
    assert bridge_config["class_name"] == keras_config["class_name"]
    assert bridge_config["config"] == keras_config["config"]
    restored = kerasbridge.optimizers.deserialize(keras_config)
    keras_restored = keras.optimizers.deserialize(bridge_config)
    assert type(restored).__name__ == type(keras_restored).__name__ == name
    assert restored.get_config() == keras_restored.get_config()


def _run_sgd(lib, schedule, steps=6):
    variable = lib.Variable(np.array([1.0, -2.0, 0.5], dtype="float32"))
    optimizer = lib.optimizers.SGD(learning_rate=schedule)
    trajectory = []
    for step in range(steps):
        gradient = torch.tensor(np.array([0.3, -0.1, 1.0], dtype="float32") * (step + 1))
        optimizer.apply_gradients([(gradient, variable)])
        trajectory.append(np.array(to_numpy(variable), copy=True))
    return np.stack(trajectory)


def test_learning_rate_schedule_subclass_matches_keras():
    trajectories = []
    for lib in LIBS:

        class HalvingSchedule(lib.optimizers.schedules.LearningRateSchedule):
            _ops = lib.ops

            def __call__(self, step):
                return 0.1 * self._ops.power(0.5, self._ops.cast(step, "float32"))

            def get_config(self):
                return {}

        schedule = HalvingSchedule()
        assert isinstance(schedule, lib.optimizers.schedules.LearningRateSchedule)
        trajectories.append(_run_sgd(lib, schedule))
    np.testing.assert_allclose(trajectories[1], trajectories[0], atol=1e-6)


def test_schedule_deserialize_matches_keras():
    config = keras.optimizers.schedules.serialize(keras.optimizers.schedules.ExponentialDecay(0.1, 3, 0.5, staircase=True))
    expected = keras.optimizers.schedules.deserialize(config)
    actual = kerasbridge.optimizers.schedules.deserialize(config)
    assert type(actual).__name__ == "ExponentialDecay"
    for step in range(8):
        assert_same(expected(step), actual(step))


def test_loss_subclass_matches_keras():
    values = []
    for lib in LIBS:

        class ScaledAbsoluteError(lib.losses.Loss):
            _ops = lib.ops

            def call(self, y_true, y_pred):
                return self._ops.mean(self._ops.abs(y_true - y_pred), axis=-1) * 3.0

        for reduction in ("sum_over_batch_size", "sum", "none", "mean"):
            loss = ScaledAbsoluteError(reduction=reduction)
            assert isinstance(loss, lib.losses.Loss)
            values.append(loss(Y_TRUE, Y_PRED))
            values.append(loss(Y_TRUE, Y_PRED, sample_weight=WEIGHTS))
    half = len(values) // 2
    for expected, actual in zip(values[:half], values[half:]):
        assert_same(expected, actual)


@pytest.mark.parametrize("ns,name", [("losses", "MeanSquaredError"), ("losses", "CategoricalCrossentropy"),
                                     ("metrics", "MeanAbsoluteError"), ("metrics", "AUC")])
def test_losses_and_metrics_deserialize_keras_configs(ns, name):
    keras_object = getattr(getattr(keras, ns), name)()
    config = keras.saving.serialize_keras_object(keras_object)
    restored = getattr(kerasbridge, ns).deserialize(config)
    keras_restored = getattr(keras, ns).deserialize(config)
    assert type(restored).__name__ == type(keras_restored).__name__ == name
    assert restored.get_config() == keras_restored.get_config() == keras_object.get_config()
    if ns == "losses":
        assert_same(keras_object(Y_TRUE, Y_PRED), restored(Y_TRUE, Y_PRED))
    else:
        labels = (Y_TRUE > 0.5).astype("float32")
        keras_object.update_state(labels, Y_PRED)
        restored.update_state(labels, Y_PRED)
        assert_same(keras_object.result(), restored.result())


@pytest.mark.parametrize("name", ["relu", "gelu", "softmax", "silu", "hard_sigmoid"])
def test_activations_deserialize_matches_keras(name):
    config = keras.activations.serialize(keras.activations.get(name))
    expected = keras.activations.deserialize(config)
    actual = kerasbridge.activations.deserialize(config)
    assert_same(expected(Y_PRED - 0.5), actual(Y_PRED - 0.5))


def test_initializer_subclass_and_deserialize_match_keras():
    values = []
    for lib in LIBS:

        class Ramp(lib.initializers.Initializer):
            _ops = lib.ops

            def __call__(self, shape, dtype=None):
                return self._ops.reshape(self._ops.arange(int(np.prod(shape)), dtype=dtype) * 0.5, shape)

        assert isinstance(Ramp(), lib.initializers.Initializer)
        values.append(Ramp()((2, 3), dtype="float32"))
        layer = lib.layers.Dense(3, kernel_initializer=Ramp())
        layer.build((None, 2))
        values.append(layer.kernel)
    assert_same(values[0], values[2])
    assert_same(values[1], values[3])
    config = keras.initializers.serialize(keras.initializers.VarianceScaling(scale=2.0, mode="fan_out", seed=3))
    restored = kerasbridge.initializers.deserialize(config)
    assert restored.get_config() == keras.initializers.deserialize(config).get_config()


@pytest.mark.parametrize("name", ["STFT", "STFTInitializer", "stft"])
@pytest.mark.parametrize(
    "kwargs",
    [{"window": None}, {"side": "imag", "window": None, "scaling": None},
     {"window": np.hanning(8).astype("float32")}, {"side": "imag", "window": np.hamming(8), "scaling": "spectrum"}],
)
def test_stft_initializer_matches_keras(name, kwargs):
    expected = getattr(keras.initializers, name)(**kwargs)((8, 1, 5), dtype="float32")
    actual = getattr(kerasbridge.initializers, name)(**kwargs)((8, 1, 5), dtype="float32")
    assert_same(expected, actual)


def test_regularizer_subclass_matches_keras():
    weights = rng.standard_normal((3, 4)).astype("float32")
    values = []
    for lib in LIBS:

        class CubicPenalty(lib.regularizers.Regularizer):
            _ops = lib.ops

            def __call__(self, x):
                return 0.01 * self._ops.sum(self._ops.abs(x) ** 3)

        regularizer = CubicPenalty()
        assert isinstance(regularizer, lib.regularizers.Regularizer)
        values.append(regularizer(weights))
        layer = lib.layers.Dense(4, kernel_regularizer=regularizer, kernel_initializer="ones")
        layer(np.ones((2, 3), dtype="float32"))
        values.append(layer.losses[0])
    assert_same(values[0], values[2])
    assert_same(values[1], values[3])
