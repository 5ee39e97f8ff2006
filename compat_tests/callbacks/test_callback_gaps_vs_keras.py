"""Differential tests for `LambdaCallback`, `BackupAndRestore`, `RemoteMonitor` and `TensorBoard`.

Both libraries train the same small model (same weights, `shuffle=False`) with the callback read
from `keras.callbacks` and from `kerasbridge.callbacks`; what the callback sees or does must
agree: hook calls and their logs, resumed training after an interruption, the posted payloads.
Keras's `TensorBoard` needs TensorFlow to write events (not installed), so only its argument
handling is compared.
"""

import json
import os
import sys
import types
import urllib.parse

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kerasbridge  # noqa: E402

LIBS = {"keras": keras, "kerasbridge": kerasbridge}
rng = np.random.default_rng(3)
X = rng.standard_normal((16, 3)).astype("float32")
Y = (X @ np.array([[0.5], [-1.0], [2.0]], dtype="float32") + 0.1).astype("float32")
INITIAL_WEIGHTS = [rng.standard_normal((3, 1)).astype("float32"), np.zeros((1,), dtype="float32")]


def build(lib):
    if lib is kerasbridge:
        lib.utils.clear_session(free_memory=False)
    else:
        lib.utils.clear_session()
    model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(1)])
    model.set_weights(INITIAL_WEIGHTS)
    model.compile(optimizer=lib.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    return model


def close(a, b):
    np.testing.assert_allclose(np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64"), rtol=1e-5, atol=1e-5)


def test_lambda_callback_sees_what_keras_sees():
    records = {}
    for side, lib in LIBS.items():
        calls = []

        def hook(name, calls=calls):
            def record(*args, **kwargs):
                index = args[0] if args and not isinstance(args[0], dict) else None
                logs = kwargs.get("logs", args[-1] if args and isinstance(args[-1], dict) else None)
                calls.append((name, index, dict(logs) if logs is not None else None))

            return record

        callback = lib.callbacks.LambdaCallback(
            on_epoch_begin=hook("epoch_begin"), on_epoch_end=hook("epoch_end"), on_train_begin=hook("train_begin"),
            on_train_end=hook("train_end"), on_train_batch_end=hook("batch_end"),
        )
        build(lib).fit(X, Y, batch_size=8, epochs=2, shuffle=False, verbose=0, callbacks=[callback])
        records[side] = calls
    want, got = records["keras"], records["kerasbridge"]
    assert [(name, index) for name, index, _ in got] == [(name, index) for name, index, _ in want]
    for (_, _, want_logs), (_, _, got_logs) in zip(want, got):
        if want_logs is None:
            continue
        assert sorted(got_logs) == sorted(want_logs)
        for key in want_logs:
            close(want_logs[key], got_logs[key])


class StopAtEpoch(Exception):
    pass


def test_backup_and_restore_resumes_like_keras(tmp_path):
    results = {}
    for side, lib in LIBS.items():
        backup_dir = str(tmp_path / side)

        class Interrupt(lib.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                if epoch == 1:
                    raise StopAtEpoch()

        model = build(lib)
        with pytest.raises(StopAtEpoch):
            model.fit(X, Y, batch_size=8, epochs=4, shuffle=False, verbose=0,
                      callbacks=[lib.callbacks.BackupAndRestore(backup_dir), Interrupt()])
        resumed = build(lib)
        history = resumed.fit(X, Y, batch_size=8, epochs=4, shuffle=False, verbose=0,
                              callbacks=[lib.callbacks.BackupAndRestore(backup_dir)])
        results[side] = (history.epoch, history.history, resumed.get_weights(), os.path.exists(backup_dir))
    want, got = results["keras"], results["kerasbridge"]
    # kerasbridge also restores the `History` of the epochs before the interruption (its backup
    # holds the callbacks' state); the epochs run after resuming must be Keras's.
    resumed_epochs = len(want[0])
    assert want[0] == [2, 3]
    assert got[0][-resumed_epochs:] == want[0]
    assert sorted(got[1]) == sorted(want[1])
    for key in want[1]:
        close(want[1][key], got[1][key][-resumed_epochs:])
    for w, g in zip(want[2], got[2]):
        np.testing.assert_allclose(g, w, atol=2e-4)
    assert got[3] == want[3]


class FakeRequests(types.ModuleType):
    """Stands in for the `requests` package and records every POST as (url, fields, headers)."""

    class exceptions:  # noqa: N801 - mirrors `requests.exceptions`
        RequestException = OSError

    def __init__(self):
        super().__init__("requests")
        self.posts = []

    def post(self, url, data=None, json=None, headers=None):
        if json is not None:
            fields = json
        elif isinstance(data, dict):
            fields = dict(data)
        else:
            text = data.decode() if isinstance(data, bytes) else data
            try:
                fields = __import__("json").loads(text)
            except ValueError:
                fields = {k: v[0] for k, v in urllib.parse.parse_qs(text).items()}
        self.posts.append((url, fields, headers))


@pytest.mark.parametrize("send_as_json", [False, True])
def test_remote_monitor_posts_what_keras_posts(monkeypatch, send_as_json):
    from keras.src.callbacks import remote_monitor as keras_remote_monitor

    posts = {}
    for side, lib in LIBS.items():
        fake = FakeRequests()
        monkeypatch.setitem(sys.modules, "requests", fake)
        monkeypatch.setattr(keras_remote_monitor, "requests", fake)
        monitor = lib.callbacks.RemoteMonitor(root="http://monitor.local:9000", path="/epochs/", field="payload",
                                              headers={"X-Run": "7"}, send_as_json=send_as_json)
        build(lib).fit(X, Y, batch_size=8, epochs=2, shuffle=False, verbose=0, callbacks=[monitor])
        posts[side] = fake.posts
    want, got = posts["keras"], posts["kerasbridge"]
    assert len(got) == len(want) == 2
    for (want_url, want_fields, want_headers), (got_url, got_fields, got_headers) in zip(want, got):
        assert got_url == want_url
        assert set((got_headers or {}).items()) >= set((want_headers or {}).items())
        if not send_as_json:
            want_fields = json.loads(want_fields["payload"])
            got_fields = json.loads(got_fields["payload"])
        assert sorted(got_fields) == sorted(want_fields)
        for key in want_fields:
            close(want_fields[key], got_fields[key])


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"histogram_freq": 2, "update_freq": 5, "write_steps_per_second": True, "embeddings_freq": 1},
     {"update_freq": "batch", "write_graph": False, "write_images": True}],
)
def test_tensorboard_arguments_match_keras(tmp_path, kwargs):
    public = ("log_dir", "histogram_freq", "update_freq", "write_graph", "write_images", "write_steps_per_second",
              "embeddings_freq", "embeddings_metadata")
    made = [lib.callbacks.TensorBoard(str(tmp_path), **kwargs) for lib in LIBS.values()]
    assert [getattr(made[1], name) for name in public] == [getattr(made[0], name) for name in public]
    errors = []
    for lib in LIBS.values():
        with pytest.raises(ValueError) as error:
            lib.callbacks.TensorBoard(str(tmp_path), profile_batch=(2, 4))
        errors.append(str(error.value))
    assert errors[1] == errors[0]
