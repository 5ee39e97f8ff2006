"""Gaps left by the loss, metric and optimizer sweeps in compat_tests/{losses,metrics,optimizers}.

Those files already sweep every loss class and function (reductions, sample weights, masks,
from_logits, label smoothing), every built-in metric class over batches with sample weights, and
every optimizer over a 20-step trajectory with schedules, clipping, weight decay, EMA and gradient
accumulation. What they leave out, and this file checks against Keras:

- the loss-style functions of `keras.metrics` (mean_squared_error, hinge, ...), with a test that
  every function of `keras.metrics` is swept here or in test_metrics_vs_keras.py;
- a user-defined `Metric` subclass (add_variable, update_state, result, reset_state) over batches
  with sample weights;
- a user-defined `Optimizer` subclass (build, update_step) over a 20-step trajectory with a schedule,
  clipnorm and weight decay, and the Keras optimizers kerasbridge has not implemented yet (skipped);
- a whole `fit` (Adam with a schedule and clipnorm, a metric, validation_split, shuffle=False):
  the History and the trained weights, through harness.fit_trajectories.
"""

import inspect
import zlib

import keras
import numpy as np
import pytest
import torch
from harness import (
    TRAINED_WEIGHTS_ATOL,
    assert_allclose,
    assert_trajectories_match,
    clear_sessions,
    fit_trajectories,
    to_numpy,
)

import kerasbridge

# Swept by compat_tests/metrics/test_metrics_vs_keras.py::test_metric_functions_match_keras.
FUNCTIONS_SWEPT_ELSEWHERE = {
    "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy", "top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy", "pearson_correlation", "concordance_correlation",
}
# Not metric computations: (de)serialization and lookup, checked by the metrics file's `get` tests.
NOT_COMPUTATIONS = {"deserialize", "get", "serialize"}


def _data(kind, seed):
    rng = np.random.default_rng(seed)
    if kind == "reg":
        return rng.normal(size=(6, 4)).astype("float32"), rng.normal(size=(6, 4)).astype("float32")
    if kind == "pos":
        return rng.uniform(0, 3, (6, 4)).astype("float32"), rng.uniform(0.1, 3, (6, 4)).astype("float32")
    if kind == "binary":
        return rng.integers(0, 2, (6, 4)).astype("float32"), rng.uniform(0.01, 0.99, (6, 4)).astype("float32")
    if kind == "signed":
        return rng.choice([-1.0, 1.0], (6, 4)).astype("float32"), rng.normal(size=(6, 4)).astype("float32")
    probs = rng.uniform(0.05, 1, (6, 4)).astype("float32")
    probs /= probs.sum(-1, keepdims=True)
    labels = rng.integers(0, 4, 6)
    if kind == "sparse":
        return labels, probs
    return np.eye(4, dtype="float32")[labels], probs


METRIC_FUNCTION_CASES = [
    ("mean_squared_error", "reg", {}),
    ("mean_absolute_error", "reg", {}),
    ("mean_absolute_percentage_error", "reg", {}),
    ("mean_squared_logarithmic_error", "pos", {}),
    ("log_cosh", "reg", {}),
    ("huber", "reg", {"delta": 0.5}),
    ("hinge", "signed", {}),
    ("squared_hinge", "signed", {}),
    ("categorical_hinge", "onehot", {}),
    ("kl_divergence", "onehot", {}),
    ("poisson", "pos", {}),
    ("binary_crossentropy", "binary", {"label_smoothing": 0.1}),
    ("binary_focal_crossentropy", "binary", {"gamma": 1.5}),
    ("categorical_crossentropy", "onehot", {"label_smoothing": 0.2}),
    ("categorical_focal_crossentropy", "onehot", {}),
    ("sparse_categorical_crossentropy", "sparse", {}),
]


@pytest.fixture(autouse=True)
def _fresh_sessions():
    clear_sessions()


def test_every_keras_metric_function_is_swept():
    functions = {n for n in dir(keras.metrics) if not n.startswith("_") and inspect.isfunction(getattr(keras.metrics, n))}
    swept = {case[0] for case in METRIC_FUNCTION_CASES} | FUNCTIONS_SWEPT_ELSEWHERE | NOT_COMPUTATIONS
    assert functions <= swept, f"add sweep cases for {sorted(functions - swept)}"


@pytest.mark.parametrize("name, kind, kwargs", METRIC_FUNCTION_CASES, ids=[c[0] for c in METRIC_FUNCTION_CASES])
def test_metric_function_matches_keras(name, kind, kwargs):
    y_true, y_pred = _data(kind, zlib.crc32(name.encode()))
    expected = getattr(keras.metrics, name)(torch.from_numpy(y_true), torch.from_numpy(y_pred), **kwargs)
    actual = getattr(kerasbridge.metrics, name)(torch.from_numpy(y_true), torch.from_numpy(y_pred), **kwargs)
    assert_allclose(actual, expected, what=name)


def _weighted_abs_error_metric(lib):
    class WeightedAbsError(lib.metrics.Metric):
        def __init__(self, name="weighted_abs_error", **kwargs):
            super().__init__(name=name, **kwargs)
            self.total = self.add_variable(shape=(), initializer="zeros", name="total")
            self.count = self.add_variable(shape=(), initializer="zeros", name="count")

        def update_state(self, y_true, y_pred, sample_weight=None):
            error = lib.ops.mean(lib.ops.abs(y_true - y_pred), axis=-1)
            weight = lib.ops.ones_like(error) if sample_weight is None else lib.ops.cast(sample_weight, error.dtype)
            self.total.assign_add(lib.ops.sum(error * weight))
            self.count.assign_add(lib.ops.sum(weight))

        def result(self):
            return lib.ops.divide_no_nan(self.total, self.count)

    return WeightedAbsError()


def test_custom_metric_subclass_matches_keras_over_batches_and_reset():
    metrics = [_weighted_abs_error_metric(keras), _weighted_abs_error_metric(kerasbridge)]
    assert [v.path for v in metrics[1].variables] == [v.path for v in metrics[0].variables]
    rng = np.random.default_rng(3)
    for step in range(4):
        y_true, y_pred = (torch.from_numpy(rng.normal(size=(5, 3)).astype("float32")) for _ in range(2))
        weight = None if step == 0 else torch.from_numpy(rng.uniform(0, 2, 5).astype("float32"))
        for metric in metrics:
            metric.update_state(y_true, y_pred, sample_weight=weight)
        assert_allclose(metrics[1].result(), metrics[0].result(), what=f"result after batch {step}")
    for metric in metrics:
        metric.reset_state()
    assert_allclose(metrics[1].result(), metrics[0].result(), what="result after reset")
    assert float(to_numpy(metrics[1].result())) == 0.0


def _signed_sgd(lib, **kwargs):
    class SignedSGD(lib.optimizers.Optimizer):
        """Steps by lr * sign(g) + momentum * previous step (a made-up rule, to test the base class)."""

        def __init__(self, learning_rate=0.01, momentum=0.5, name="signed_sgd", **kw):
            super().__init__(learning_rate=learning_rate, name=name, **kw)
            self.momentum = momentum

        def build(self, variables):
            if self.built:
                return
            super().build(variables)
            self.previous = [self.add_variable_from_reference(v, "previous") for v in variables]

        def update_step(self, gradient, variable, learning_rate):
            previous = self.previous[self._get_variable_index(variable)]
            step = lib.ops.add(lib.ops.multiply(lib.ops.sign(gradient), learning_rate),
                               lib.ops.multiply(previous, self.momentum))
            self.assign(previous, step)
            self.assign_sub(variable, step)

    return SignedSGD(**kwargs)


def _trajectory(lib, make_optimizer, values, grads):
    lib.utils.clear_session(free_memory=False)
    with lib.name_scope("dense"):
        variables = [lib.Variable(v.copy(), name=f"w{i}") for i, v in enumerate(values)]
    optimizer = make_optimizer(lib)
    steps = []
    for step_grads in grads:
        optimizer.apply_gradients([(torch.from_numpy(g), v) for g, v in zip(step_grads, variables)])
        steps.append([to_numpy(v) for v in variables])
    return steps, [v.path for v in optimizer.variables], int(to_numpy(optimizer.iterations))


def _schedule(lib):
    return lib.optimizers.schedules.PiecewiseConstantDecay([5, 12], [0.05, 0.02, 0.01])


OPTIMIZER_CASES = {
    "custom_subclass_schedule_clip_wd": lambda lib: _signed_sgd(
        lib, learning_rate=_schedule(lib), clipnorm=0.5, weight_decay=0.01),
    "custom_subclass_global_clip": lambda lib: _signed_sgd(lib, global_clipnorm=0.3, momentum=0.9),
    "ScheduleFreeAdamW": lambda lib: lib.optimizers.ScheduleFreeAdamW(learning_rate=0.01, weight_decay=0.01),
}


@pytest.mark.parametrize("case", sorted(OPTIMIZER_CASES))
def test_optimizer_trajectory_matches_keras_over_20_steps(case):
    if not case.startswith("custom") and not hasattr(kerasbridge.optimizers, case):
        pytest.skip(f"kerasbridge.optimizers has no {case} yet")
    rng = np.random.default_rng(zlib.crc32(case.encode()))
    values = [rng.normal(size=(4, 3)).astype("float32"), rng.normal(size=(3,)).astype("float32")]
    grads = [[rng.normal(size=v.shape).astype("float32") for v in values] for _ in range(20)]
    expected, expected_paths, expected_iterations = _trajectory(keras, OPTIMIZER_CASES[case], values, grads)
    actual, actual_paths, actual_iterations = _trajectory(kerasbridge, OPTIMIZER_CASES[case], values, grads)
    assert actual_paths == expected_paths
    assert actual_iterations == expected_iterations == 20
    for step, (a, e) in enumerate(zip(actual, expected)):
        assert_allclose(a, e, atol=TRAINED_WEIGHTS_ATOL, rtol=1e-4, what=f"weights after step {step + 1}")


def _regression_model(lib):
    return lib.Sequential([lib.Input((4,)), lib.layers.Dense(5, activation="tanh"), lib.layers.Dense(2)])


def test_fit_trajectory_with_schedule_matches_keras():
    """Loss, metrics and weights after 3 epochs of fit (shuffle=False) through the harness."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(12, 4)).astype("float32")
    y = rng.normal(size=(12, 2)).astype("float32")
    compile_kwargs = {
        "optimizer": lambda lib: lib.optimizers.Adam(learning_rate=lib.optimizers.schedules.ExponentialDecay(
            0.05, decay_steps=2, decay_rate=0.7), clipnorm=1.0),
        "loss": "mse",
        "metrics": ["mae"],
    }
    keras_result, bridge_result = fit_trajectories(
        _regression_model, x, y, compile_kwargs=compile_kwargs, epochs=3, batch_size=4, validation_split=0.25)
    assert sorted(keras_result["history"]) == ["loss", "mae", "val_loss", "val_mae"]
    assert_trajectories_match(keras_result, bridge_result)
