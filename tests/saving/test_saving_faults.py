"""Fault and attack tests: interrupted saves, damaged or hostile files, unsafe code."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

import kerasbridge as kb
from kerasbridge.saving import safe_mode


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    yield


X = np.random.default_rng(3).random((4, 4), dtype=np.float32)


def _model():
    return kb.Sequential([kb.Input((4,)), kb.layers.Dense(3), kb.layers.Dense(2)])


def _saved(tmp_path, name="m.keras"):
    model = _model()
    path = tmp_path / name
    model.save(path)
    return model, path


def _rewrite_archive(src, dst, replace=None, extra=None):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if replace and name in replace:
                data = replace[name]
            zout.writestr(name, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)


def test_process_killed_during_save_leaves_previous_file_intact(tmp_path):
    model, path = _saved(tmp_path)
    expected = model.predict(X, verbose=0)
    script = textwrap.dedent(
        f"""
        import sys, time, zipfile
        import kerasbridge as kb
        original = zipfile.ZipFile.writestr
        def slow_writestr(self, name, data, *args, **kwargs):
            original(self, name, data, *args, **kwargs)
            if name == "config.json":
                self.fp.flush()
                print("mid-save", flush=True)
                time.sleep(60)
        zipfile.ZipFile.writestr = slow_writestr
        model = kb.Sequential([kb.Input((4,)), kb.layers.Dense(7), kb.layers.Dense(2)])
        model.save({str(path)!r})
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "mid-save"
        leftovers = [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
        assert leftovers, "the save should be writing to a temporary file"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    restored = kb.models.load_model(path)
    np.testing.assert_array_equal(restored.predict(X, verbose=0), expected)


def test_failed_save_leaves_previous_file_and_no_temp_file(tmp_path, monkeypatch):
    model, path = _saved(tmp_path)
    before = path.read_bytes()
    from kerasbridge.saving import saving_lib

    def boom(*_args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(saving_lib, "_weights_h5_bytes", boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        model.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.keras"]


def test_truncated_archive_is_refused(tmp_path):
    _, path = _saved(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"m\.keras.*(not a valid|corrupt|truncated)"):
        kb.models.load_model(path)


def test_corrupt_weights_entry_is_refused(tmp_path):
    _, path = _saved(tmp_path)
    bad = tmp_path / "bad.keras"
    _rewrite_archive(path, bad, replace={"model.weights.h5": b"\x89HDF garbage" * 10})
    with pytest.raises(ValueError, match=r"bad\.keras.*HDF5"):
        kb.models.load_model(bad)


def test_non_archive_file_is_refused(tmp_path):
    path = tmp_path / "notes.keras"
    path.write_text("just text")
    with pytest.raises(ValueError, match=r"notes\.keras.*not a valid `\.keras` archive"):
        kb.models.load_model(path)


def test_archive_without_config_is_refused(tmp_path):
    path = tmp_path / "empty.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("metadata.json", "{}")
    with pytest.raises(ValueError, match=r"empty\.keras.*missing config\.json"):
        kb.models.load_model(path)


def test_unknown_class_is_refused(tmp_path):
    _, path = _saved(tmp_path)
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    config["config"]["layers"][1]["class_name"] = "NoSuchLayer"
    bad = tmp_path / "unknown.keras"
    _rewrite_archive(path, bad, replace={"config.json": json.dumps(config)})
    with pytest.raises(ValueError, match=r"unknown\.keras.*NoSuchLayer") as info:
        kb.models.load_model(bad)
    assert isinstance(info.value, TypeError)  # Keras raises TypeError here; both handlers catch it


def test_invalid_json_config_is_refused(tmp_path):
    _, path = _saved(tmp_path)
    bad = tmp_path / "json.keras"
    _rewrite_archive(path, bad, replace={"config.json": b"{not json"})
    with pytest.raises(ValueError, match=r"json\.keras.*not valid JSON"):
        kb.models.load_model(bad)


@pytest.mark.parametrize("entry", ["../escape.txt", "/abs/escape.txt", "assets/../../escape.txt", "..\\win.txt"])
def test_entries_escaping_the_archive_are_refused(tmp_path, entry):
    _, path = _saved(tmp_path)
    bad = tmp_path / "slip.keras"
    _rewrite_archive(path, bad, extra={entry: b"pwned"})
    with pytest.raises(ValueError, match=r"slip\.keras.*escapes"):
        kb.models.load_model(bad)
    assert not (tmp_path.parent / "escape.txt").exists()


def _lambda_model_path(tmp_path):
    model = kb.Sequential([kb.Input((4,)), kb.layers.Lambda(lambda x: x * 3.0), kb.layers.Dense(2)])
    path = tmp_path / "lambda.keras"
    model.save(path)
    return model, path


def test_lambda_refused_in_safe_mode(tmp_path):
    _, path = _lambda_model_path(tmp_path)
    with pytest.raises(ValueError, match=r"lambda\.keras.*safe_mode=False"):
        kb.models.load_model(path)


def test_lambda_loads_with_safe_mode_false_or_opt_in(tmp_path):
    model, path = _lambda_model_path(tmp_path)
    loaded = kb.models.load_model(path, safe_mode=False)
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    try:
        kb.config.enable_unsafe_deserialization()
        again = kb.models.load_model(path)
    finally:
        safe_mode._global_safe_mode = None
    np.testing.assert_array_equal(again.predict(X, verbose=0), model.predict(X, verbose=0))


def test_failed_load_leaves_weights_unchanged(tmp_path):
    source = kb.Sequential([kb.Input((4,)), kb.layers.Dense(3), kb.layers.Dense(5)])
    path = tmp_path / "w.weights.h5"
    source.save_weights(path)
    target = _model()
    before = target.get_weights()
    with pytest.raises(ValueError, match="dense_1|expected"):
        target.load_weights(path)
    assert not np.array_equal(before[0], source.get_weights()[0])
    for old, now in zip(before, target.get_weights()):
        np.testing.assert_array_equal(now, old)


def test_corrupt_weights_file_is_refused(tmp_path):
    path = tmp_path / "w.weights.h5"
    path.write_bytes(b"not hdf5 at all")
    with pytest.raises(ValueError, match=r"w\.weights\.h5.*HDF5"):
        _model().load_weights(path)
    st = tmp_path / "w.safetensors"
    st.write_bytes(b"\x00\x01garbage")
    with pytest.raises(ValueError, match=r"w\.safetensors.*safetensors"):
        _model().load_weights(st)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(ValueError, match="File not found"):
        kb.models.load_model(tmp_path / "nope.keras")


@pytest.mark.parametrize("link", ["soft", "external"])
def test_weights_file_with_links_is_refused(tmp_path, link):
    import h5py

    model = _model()
    path = tmp_path / "w.weights.h5"
    model.save_weights(path)
    with h5py.File(path, "a") as f:
        del f["layers/dense/vars/0"]
        if link == "soft":
            f["layers/dense/vars/0"] = h5py.SoftLink("/layers/dense_1/vars/0")
        else:
            f["layers/dense/vars/0"] = h5py.ExternalLink("/etc/passwd", "/data")
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"w\.weights\.h5") as info:
        model.load_weights(path)
    assert ("SoftLink" if link == "soft" else "ExternalLink") in str(info.value)
    for old, now in zip(before, model.get_weights()):
        np.testing.assert_array_equal(now, old)


def test_legacy_keras2_weights_file_is_refused(tmp_path):
    import h5py

    path = tmp_path / "old.h5"
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = [b"dense"]
        f.attrs["keras_version"] = b"2.15.0"
    with pytest.raises(ValueError, match=r"old\.h5.*legacy Keras 2"):
        _model().load_weights(path)
