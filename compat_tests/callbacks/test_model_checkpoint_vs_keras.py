"""ModelCheckpoint on the same real run as Keras 3: the same files, saved at the same moments,
holding the same weights."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kerasbridge  # noqa: E402

SIDES = (keras, kerasbridge)


def _data():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(40, 4)).astype("float32")
    y = (x[:, :1] - 2.0 * x[:, 1:2]) ** 2
    return x, y


def _run(tmp_path, checkpoint_kwargs, epochs=6):
    x, y = _data()
    folders, models = {}, {}
    for k in SIDES:
        k.utils.clear_session(free_memory=False)
        k.utils.set_random_seed(5)
        model = k.Sequential([k.Input((4,)), k.layers.Dense(6, activation="relu"), k.layers.Dense(1)])
        model.compile(k.optimizers.SGD(0.2), "mse")
        if k is kerasbridge:
            model.set_weights(models["keras"].get_weights())
        models[k.__name__] = model
    for k in SIDES:
        folder = tmp_path / k.__name__
        folder.mkdir()
        kwargs = dict(checkpoint_kwargs)
        kwargs["filepath"] = str(folder / kwargs["filepath"])
        models[k.__name__].fit(x, y, epochs=epochs, batch_size=8, shuffle=False, verbose=0, validation_split=0.25,
                               callbacks=[k.callbacks.ModelCheckpoint(**kwargs)])
        folders[k.__name__] = folder
    return folders


CASES = {
    "every_epoch": {"filepath": "w.{epoch:02d}.weights.h5", "save_weights_only": True},
    "formatted_val_loss": {"filepath": "w.{epoch:02d}-{val_loss:.2f}.weights.h5", "save_weights_only": True},
    "best_only": {"filepath": "best.{epoch:02d}.weights.h5", "save_best_only": True, "save_weights_only": True},
    "best_only_max_mode": {"filepath": "best.{epoch}.weights.h5", "save_best_only": True,
                           "save_weights_only": True, "monitor": "loss", "mode": "max"},
    "threshold": {"filepath": "t.{epoch}.weights.h5", "save_best_only": True, "save_weights_only": True,
                  "initial_value_threshold": 25.0},
    "every_3_batches": {"filepath": "b.{epoch}.{batch}.weights.h5", "save_weights_only": True, "save_freq": 3},
    "whole_model": {"filepath": "m.{epoch}.keras"},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_checkpoint_files_match_keras(tmp_path, case):
    folders = _run(tmp_path, CASES[case])
    names = {k: sorted(p.name for p in folder.iterdir()) for k, folder in folders.items()}
    assert names["keras"]
    assert names["kerasbridge"] == names["keras"]
    for name in {names["keras"][0], names["keras"][-1]}:  # the first and the last file
        loaded = {}
        for k in SIDES:
            path = str(folders[k.__name__] / name)
            target = kerasbridge.Sequential(
                [kerasbridge.Input((4,)), kerasbridge.layers.Dense(6, activation="relu"), kerasbridge.layers.Dense(1)]
            )
            if name.endswith(".keras"):
                target = kerasbridge.models.load_model(path)
            else:
                target.load_weights(path)  # Keras's file read by kerasbridge, and kerasbridge's own
            loaded[k.__name__] = target.get_weights()
        for mine, theirs in zip(loaded["kerasbridge"], loaded["keras"]):
            np.testing.assert_allclose(mine, theirs, atol=2e-4, err_msg=name)
