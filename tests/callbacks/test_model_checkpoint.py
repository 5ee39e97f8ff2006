"""ModelCheckpoint: file names, when it saves, what it saves, and its argument checks."""

import numpy as np
import pytest

import kerasbridge
from kerasbridge.callbacks import ModelCheckpoint


@pytest.fixture
def model():
    kerasbridge.utils.clear_session(free_memory=False)
    kerasbridge.utils.set_random_seed(0)
    model = kerasbridge.Sequential([kerasbridge.Input((3,)), kerasbridge.layers.Dense(1)])
    model.compile(kerasbridge.optimizers.SGD(0.05), "mse")
    return model


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(24, 3)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def _fit(model, callback, epochs=3, **kwargs):
    x, y = _data()
    return model.fit(x, y, epochs=epochs, batch_size=8, shuffle=False, verbose=0, callbacks=[callback], **kwargs)


def test_epoch_numbers_are_one_based_and_log_keys_format(model, tmp_path):
    _fit(model, ModelCheckpoint(str(tmp_path / "w-{epoch:02d}-{loss:.1f}.weights.h5"), save_weights_only=True))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert [n[:4] for n in names] == ["w-01", "w-02", "w-03"]
    assert all(n.endswith(".weights.h5") for n in names)


def test_saved_weights_are_the_weights_at_that_epoch(model, tmp_path):
    path = tmp_path / "last.weights.h5"
    _fit(model, ModelCheckpoint(str(path), save_weights_only=True))
    reloaded = kerasbridge.Sequential([kerasbridge.Input((3,)), kerasbridge.layers.Dense(1)])
    reloaded.load_weights(str(path))
    for a, b in zip(reloaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_whole_model_in_keras_format(model, tmp_path):
    path = tmp_path / "model.keras"
    _fit(model, ModelCheckpoint(str(path)), epochs=1)
    loaded = kerasbridge.models.load_model(str(path))
    x, _ = _data()
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_save_best_only_keeps_improvements(model, tmp_path, capsys):
    callback = ModelCheckpoint(str(tmp_path / "e{epoch}.weights.h5"), monitor="loss", save_best_only=True,
                               save_weights_only=True, verbose=1)
    callback.set_model(model)
    callback.on_train_begin({})
    for epoch, loss in enumerate([1.0, 0.5, 0.7, 0.4]):
        callback.on_epoch_begin(epoch)
        callback.on_epoch_end(epoch, {"loss": loss})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e1.weights.h5", "e2.weights.h5", "e4.weights.h5"]
    out = capsys.readouterr().out
    assert "Epoch 3: loss did not improve from 0.50000" in out
    assert "Epoch 4: loss improved from 0.50000 to 0.40000, saving model to" in out


def test_initial_value_threshold_must_be_beaten(model, tmp_path):
    callback = ModelCheckpoint(str(tmp_path / "e{epoch}.weights.h5"), monitor="loss", save_best_only=True,
                               save_weights_only=True, initial_value_threshold=0.6)
    callback.set_model(model)
    for epoch, loss in enumerate([1.0, 0.5]):
        callback.on_epoch_end(epoch, {"loss": loss})
    assert [p.name for p in tmp_path.iterdir()] == ["e2.weights.h5"]


def test_max_mode(model, tmp_path):
    callback = ModelCheckpoint(str(tmp_path / "e{epoch}.weights.h5"), monitor="acc", mode="max",
                               save_best_only=True, save_weights_only=True)
    callback.set_model(model)
    for epoch, acc in enumerate([0.5, 0.4, 0.6]):
        callback.on_epoch_end(epoch, {"acc": acc})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e1.weights.h5", "e3.weights.h5"]


def test_integer_save_freq_counts_batches_across_epochs(model, tmp_path):
    # 3 batches per epoch, save every 2: after global batches 2, 4, 6 -> (epoch, batch) 1-based.
    _fit(model, ModelCheckpoint(str(tmp_path / "e{epoch}-b{batch}.weights.h5"), save_weights_only=True,
                                save_freq=2), epochs=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e1-b2.weights.h5", "e2-b1.weights.h5",
                                                          "e2-b3.weights.h5"]


def test_no_temporary_files_are_left(model, tmp_path):
    _fit(model, ModelCheckpoint(str(tmp_path / "m.weights.h5"), save_weights_only=True), epochs=2)
    assert [p.name for p in tmp_path.iterdir()] == ["m.weights.h5"]


def test_missing_format_key_raises(model, tmp_path):
    callback = ModelCheckpoint(str(tmp_path / "{nope}.keras"))
    callback.set_model(model)
    with pytest.raises(KeyError, match="Failed to format this callback filepath"):
        callback.on_epoch_end(0, {"loss": 1.0})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"filepath": "w.h5", "save_weights_only": True}, "must end in `.weights.h5`"),
        ({"filepath": "model.txt"}, "must end in `.keras`"),
        ({"filepath": "m.keras", "save_freq": "batch"}, "Unrecognized save_freq"),
    ],
)
def test_bad_arguments_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ModelCheckpoint(**kwargs)


def test_directory_target_raises(model, tmp_path):
    (tmp_path / "d.keras").mkdir()
    callback = ModelCheckpoint(str(tmp_path / "d.keras"))
    callback.set_model(model)
    with pytest.raises(OSError, match="non-directory filepath"):
        callback.on_epoch_end(0, {"loss": 1.0})


def test_epoch_mode_needs_no_batch_logs():
    assert not ModelCheckpoint("m.keras")._kerasbridge_uses_batch_logs("on_train_batch_end")
    assert ModelCheckpoint("m.keras", save_freq=3)._kerasbridge_uses_batch_logs("on_train_batch_end")
