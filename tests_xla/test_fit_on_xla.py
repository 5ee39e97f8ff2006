"""fit/evaluate/predict on the XLA device (PJRT CPU) through Lightning, against the CPU run."""

import numpy as np
import pytest
import torch_xla.debug.metrics as xla_metrics

import kerasbridge as keras
from kerasbridge import distribution as dist

SAMPLES, BATCH = 64, 16  # 4 full batches: one graph shape per step


@pytest.fixture(autouse=True)
def _clean():
    keras.utils.clear_session(free_memory=False)
    yield
    dist.set_distribution(None)


def _data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(SAMPLES, 6)).astype("float32"), rng.integers(0, 3, size=(SAMPLES,))


def _model(steps_per_execution=1):
    keras.utils.set_random_seed(7)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3)])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], steps_per_execution=steps_per_execution)
    return model


def _fit(on_xla, epochs=2, steps_per_execution=1):
    x, y = _data()
    model = _model(steps_per_execution)
    with dist.DataParallel(devices=["tpu:0"]).scope() if on_xla else _nothing():
        history = model.fit(x, y, batch_size=BATCH, epochs=epochs, shuffle=False, verbose=0)
        evaluated = model.evaluate(x, y, batch_size=BATCH, verbose=0)
        predicted = model.predict(x, batch_size=BATCH, verbose=0)
    return model, history.history, evaluated, predicted


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def test_list_devices_sees_the_xla_device():
    assert dist.list_devices("tpu")[:1] == ["tpu:0"]


def test_fit_evaluate_predict_on_xla_equal_the_cpu_run():
    cpu_model, cpu_history, cpu_eval, cpu_pred = _fit(on_xla=False)
    xla_model, xla_history, xla_eval, xla_pred = _fit(on_xla=True)
    for key in cpu_history:
        np.testing.assert_allclose(xla_history[key], cpu_history[key], atol=1e-4)
    for a, b in zip(xla_model.get_weights(), cpu_model.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-4)
    np.testing.assert_allclose(xla_eval, cpu_eval, atol=1e-4)
    np.testing.assert_allclose(xla_pred, cpu_pred, atol=1e-4)
    assert int(xla_model.optimizer.iterations.numpy()) == 2 * SAMPLES // BATCH


def test_a_second_fit_on_xla_equals_a_second_fit_on_cpu():
    x, y = _data()
    results = []
    for on_xla in (False, True):
        model = _model(1)
        with dist.DataParallel(devices=["tpu:0"]).scope() if on_xla else _nothing():
            model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
            history = model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0).history
        results.append((model.get_weights(), history["loss"]))
    (cpu_weights, cpu_loss), (xla_weights, xla_loss) = results
    np.testing.assert_allclose(xla_loss, cpu_loss, atol=1e-4)
    for a, b in zip(xla_weights, cpu_weights):
        np.testing.assert_allclose(a, b, atol=1e-4)


def _counter(name):
    data = xla_metrics.metric_data(name)
    return 0 if data is None else int(data[0])


def _warm_fit_counts(steps_per_execution, warm_up_fits=1, epochs=2):
    """Graph compilations and executions of one 2-epoch fit after `warm_up_fits` identical fits.

    The first fit compiles every graph (first step, steady step, epoch end); later fits compile
    nothing. (Before the layers invalidated their cached parameter lists on `.to()`, the second
    fit compiled two more graphs: Lightning's move to XLA had replaced the parameters, the cached
    list no longer named them, and their gradients accumulated across steps.)
    """
    x, y = _data()
    model = _model(steps_per_execution)
    with dist.DataParallel(devices=["tpu:0"]).scope():
        for _ in range(warm_up_fits):
            model.fit(x, y, batch_size=BATCH, epochs=epochs, shuffle=False, verbose=0)
        compiles, executions = _counter("CompileTime"), _counter("ExecuteTime")
        model.fit(x, y, batch_size=BATCH, epochs=epochs, shuffle=False, verbose=0)
    return _counter("CompileTime") - compiles, _counter("ExecuteTime") - executions


def test_no_recompilation_per_step_after_warm_up():
    compiles, executions = _warm_fit_counts(steps_per_execution=1)
    assert compiles == 0
    assert executions >= 2 * SAMPLES // BATCH  # at least one graph per step ran


def test_steps_per_execution_runs_one_graph_per_execution():
    steps = 2 * SAMPLES // BATCH  # 8 training steps in the 2-epoch fit
    compiles_1, executions_1 = _warm_fit_counts(steps_per_execution=1)
    compiles_4, executions_4 = _warm_fit_counts(steps_per_execution=4)
    assert compiles_1 == compiles_4 == 0
    # The same per-epoch graphs (metric reads) in both; the steps cost 8 executions vs 2.
    assert executions_1 - executions_4 == steps - steps // 4
