"""KerasFileEditor: reading, printing (with and without rich), editing, saving and unsafe files."""

import numpy as np
import pytest

import kerasbridge as keras
from kerasbridge.saving import KerasFileEditor


@pytest.fixture(autouse=True)
def fresh_session():
    keras.utils.clear_session(free_memory=False)
    yield


def _saved_model(tmp_path, name="model.keras"):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    path = str(tmp_path / name)
    if name.endswith(".keras"):
        model.save(path)
    else:
        model.save_weights(path)
    return model, path


def test_reads_the_weights_of_a_keras_archive(tmp_path, capsys):
    model, path = _saved_model(tmp_path)
    editor = KerasFileEditor(path)
    out = capsys.readouterr().out
    assert out.startswith("Keras model file") and f"'{path}'" in out  # rich may wrap the long line
    assert list(editor.weights_dict["layers"]) == ["dense", "dense_1"]
    np.testing.assert_array_equal(editor.weights_dict["layers"]["dense"]["0"], model.layers[0].get_weights()[0])
    assert editor.config["class_name"] == "Sequential" and "keras_version" in editor.metadata


def test_bare_names_edit_a_model_file_without_optimizer(tmp_path):
    _, path = _saved_model(tmp_path, "model.weights.h5")
    editor = KerasFileEditor(path)
    editor.rename_object("dense_1", "head")
    editor.delete_weight("head", "1")
    editor.add_weights("head", {"1": np.zeros(1, "float32")})
    assert list(editor.weights_dict["layers"]) == ["dense", "head"]
    editor.delete_object("dense")
    assert list(editor.weights_dict["layers"]) == ["head"]


def test_saved_edits_load_into_a_model(tmp_path):
    _, path = _saved_model(tmp_path)
    editor = KerasFileEditor(path)
    editor.add_weights("layers/dense_1", {"1": np.array([7.0], "float32")})
    target = tmp_path / "edited.weights.h5"
    editor.save(target)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    model.load_weights(str(target))
    assert model.layers[1].get_weights()[1].tolist() == [7.0]


def test_compare_reports_missing_weights(tmp_path, capsys):
    _, path = _saved_model(tmp_path)
    editor = KerasFileEditor(path)
    editor.delete_weight("layers/dense", "1")
    reference = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    result = editor.compare(reference)
    assert result["status"] == "error" and result["error_count"] >= 1  # Keras counts nested errors cumulatively
    assert "Weight /layers/dense/1 present in reference model, missing from saved file" in capsys.readouterr().out


def test_refuses_files_with_soft_links(tmp_path):
    import h5py

    path = str(tmp_path / "linked.weights.h5")
    with h5py.File(path, "w") as handle:
        handle.create_group("layers/dense/vars").create_dataset("0", data=np.ones(2))
        handle["layers/alias"] = h5py.SoftLink("/layers/dense")
    with pytest.raises(ValueError, match="SoftLink"):
        KerasFileEditor(path)


def test_rejects_unknown_extensions(tmp_path):
    with pytest.raises(ValueError, match="expected a `.keras` `.weights.h5` extension"):
        KerasFileEditor(str(tmp_path / "model.h5"))
