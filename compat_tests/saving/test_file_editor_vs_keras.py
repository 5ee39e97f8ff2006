"""`keras.saving.KerasFileEditor` against Keras 3 (torch backend).

The same files (saved by Keras, and by kerasbridge) are opened with both editors: the weights trees
(keys, order, arrays: exactly equal), the object metadata, the printed header and summary (character for
character), the results and printed reports of `compare` with matching and mismatching models, the same
edits (rename, delete, add, paths) and their error messages, and the saved `.weights.h5` files, which are
reopened by the other library and loaded into models.
"""

import contextlib
import io
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kerasbridge  # noqa: E402

LIBS = (keras, kerasbridge)


@pytest.fixture(autouse=True)
def _fresh_sessions():
    keras.utils.clear_session(free_memory=False)
    kerasbridge.utils.clear_session(free_memory=False)


def _model(lib, units=2):
    model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(4), lib.layers.BatchNormalization(),
                            lib.layers.Dense(units)])
    model.compile(optimizer="adam", loss="mse")
    return model


@pytest.fixture(scope="module", params=["keras", "kerasbridge"])
def saved_files(request, tmp_path_factory):
    """A trained model saved as `.keras` and `.weights.h5` by one of the two libraries."""
    lib = keras if request.param == "keras" else kerasbridge
    model = _model(lib)
    x = np.random.default_rng(0).standard_normal((8, 3)).astype("float32")
    model.fit(x, x[:, :2], epochs=1, batch_size=4, verbose=0)
    folder = tmp_path_factory.mktemp(request.param)
    archive, weights = str(folder / "model.keras"), str(folder / "model.weights.h5")
    model.save(archive)
    model.save_weights(weights)
    return archive, weights


def _open(lib, path):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        editor = lib.saving.KerasFileEditor(path)
    return editor, out.getvalue()


def _printed(function, *args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = function(*args)
    return result, out.getvalue()


def _assert_same_tree(actual, expected, ordered=True):
    assert list(actual) == list(expected) if ordered else sorted(actual) == sorted(expected)
    for key, value in expected.items():
        if isinstance(value, dict):
            _assert_same_tree(actual[key], value, ordered)
        else:
            assert np.asarray(actual[key]).dtype == np.asarray(value).dtype
            np.testing.assert_array_equal(actual[key], value)


@pytest.mark.parametrize("which", [0, 1], ids=["keras_archive", "weights_h5"])
def test_opening_and_summary_match_keras(saved_files, which):
    path = saved_files[which]
    (keras_editor, keras_header), (bridge_editor, bridge_header) = _open(keras, path), _open(kerasbridge, path)
    assert bridge_header == keras_header
    _assert_same_tree(bridge_editor.weights_dict, keras_editor.weights_dict)
    assert bridge_editor.object_metadata.keys() == keras_editor.object_metadata.keys()
    assert bridge_editor.config == keras_editor.config and bridge_editor.metadata == keras_editor.metadata
    assert _printed(bridge_editor.summary)[1] == _printed(keras_editor.summary)[1]


@pytest.mark.parametrize("units", [2, 3], ids=["compatible", "mismatched"])
def test_compare_matches_keras(saved_files, units):
    results = []
    for lib in LIBS:
        editor, _ = _open(lib, saved_files[0])
        reference = _model(lib, units)
        reference.build((None, 3))
        results.append(_printed(editor.compare, reference))
    (keras_result, keras_text), (bridge_result, bridge_text) = results
    assert bridge_result == keras_result
    assert bridge_text == keras_text


def _edit(editor):
    # full paths: Keras's count of a bare name also counts the running total of earlier siblings, so a bare
    # layer name followed by the optimizer's group is reported as ambiguous (checked in the errors test)
    editor.rename_object("layers/dense", "renamed_dense")
    editor.delete_weight("layers/batch_normalization", "3")
    editor.add_weights("layers/dense_1", {"2": np.arange(3, dtype="float32")})
    editor.add_object("layers/extra", {"0": np.ones((2, 2), "int64")})
    editor.delete_object("optimizer")


def test_edits_and_saved_files_match_keras(saved_files, tmp_path):
    trees = {}
    for lib in LIBS:
        editor, _ = _open(lib, saved_files[0])
        _edit(editor)
        target = str(tmp_path / f"{lib.__name__}.weights.h5")
        editor.save(target)
        trees[lib.__name__] = editor.weights_dict
        reopened = [_open(reader, target)[0].weights_dict for reader in LIBS]  # each library reads both files
        _assert_same_tree(reopened[1], reopened[0])
        _assert_same_tree(reopened[0], editor.weights_dict, ordered=False)  # HDF5 lists groups by name
    _assert_same_tree(trees["kerasbridge"], trees["keras"])


def test_an_edited_file_loads_into_models_of_both_libraries(saved_files, tmp_path):
    editor, _ = _open(kerasbridge, saved_files[1])
    kernel = np.full((4, 2), 0.5, "float32")
    editor.add_weights("layers/dense_1", {"0": kernel})
    target = str(tmp_path / "edited.weights.h5")
    editor.save(target)
    for lib in LIBS:
        model = _model(lib)
        model.build((None, 3))
        model.load_weights(target)
        np.testing.assert_array_equal(model.layers[-1].get_weights()[0], kernel)


@pytest.mark.parametrize(
    "edit",
    [
        lambda e: e.rename_object("nothing", "x"),
        lambda e: e.rename_object("layers/nothing", "x"),
        lambda e: e.rename_object("dense", "a/b"),
        lambda e: e.delete_weight("dense", "7"),
        lambda e: e.add_weights("dense", [1, 2]),
        lambda e: e.add_object("missing/path", {}),
        lambda e: e.rename_object("0", "x"),
        lambda e: e.delete_object("dense"),
        lambda e: e.save("out.h5"),
    ],
    ids=["unknown", "unknown_path", "target_path", "weight", "weights_type", "object_path", "ambiguous",
         "ambiguous_by_running_count", "extension"],
)
def test_edit_errors_match_keras(saved_files, edit):
    messages = []
    for lib in LIBS:
        editor, _ = _open(lib, saved_files[0])
        with pytest.raises(ValueError) as error:
            edit(editor)
        messages.append(str(error.value))
    assert messages[1] == messages[0]


def test_bad_extension_matches_keras(tmp_path):
    path = tmp_path / "model.h5"
    path.write_bytes(b"")
    messages = []
    for lib in LIBS:
        with pytest.raises(ValueError) as error:
            lib.saving.KerasFileEditor(str(path))
        messages.append(str(error.value))
    assert messages[1] == messages[0]
