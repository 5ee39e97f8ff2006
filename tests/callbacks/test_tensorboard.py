"""TensorBoard: real event files, read back with TensorBoard's own event reader."""

import numpy as np
import pytest

pytest.importorskip("tensorboard")

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402

import kerasbridge  # noqa: E402
from kerasbridge.callbacks import TensorBoard  # noqa: E402


def _read(folder):
    events = EventAccumulator(str(folder), size_guidance={"histograms": 0, "scalars": 0, "images": 0, "tensors": 0})
    events.Reload()
    return events


def _scalars(events, tag):
    return [(event.step, event.value) for event in events.Scalars(tag)]


@pytest.fixture
def run(tmp_path):
    def fit(epochs=3, validation=True, **kwargs):
        kerasbridge.utils.clear_session(free_memory=False)
        kerasbridge.utils.set_random_seed(0)
        model = kerasbridge.Sequential([kerasbridge.Input((3,)), kerasbridge.layers.Dense(2, name="dense")])
        model.compile(kerasbridge.optimizers.SGD(0.05), "mse", metrics=["mae"])
        rng = np.random.default_rng(0)
        x = rng.normal(size=(20, 3)).astype("float32")
        y = rng.normal(size=(20, 2)).astype("float32")
        history = model.fit(x, y, batch_size=5, epochs=epochs, verbose=0, shuffle=False,
                            validation_split=0.2 if validation else 0.0,
                            callbacks=[TensorBoard(log_dir=str(tmp_path), **kwargs)])
        return history.history, tmp_path

    return fit


def test_epoch_scalars_in_train_and_validation_folders(run):
    history, log_dir = run()
    train, validation = _read(log_dir / "train"), _read(log_dir / "validation")
    assert {"epoch_loss", "epoch_mae", "epoch_learning_rate"} <= set(train.Tags()["scalars"])
    assert {"epoch_loss", "epoch_mae"} <= set(validation.Tags()["scalars"])
    assert [step for step, _ in _scalars(train, "epoch_loss")] == [0, 1, 2]
    np.testing.assert_allclose([v for _, v in _scalars(train, "epoch_loss")], history["loss"], rtol=1e-6)
    np.testing.assert_allclose([v for _, v in _scalars(validation, "epoch_loss")], history["val_loss"], rtol=1e-6)
    np.testing.assert_allclose([v for _, v in _scalars(train, "epoch_learning_rate")], [0.05] * 3, rtol=1e-6)


def test_evaluation_scalars_are_stepped_by_iterations(run):
    _, log_dir = run(epochs=2)
    steps = [step for step, _ in _scalars(_read(log_dir / "validation"), "evaluation_loss_vs_iterations")]
    assert steps == [4, 8]  # 16 training samples in batches of 5 -> 4 steps per epoch


def test_update_freq_writes_batch_scalars(run):
    _, log_dir = run(epochs=2, update_freq=3, validation=False)
    train = _read(log_dir / "train")
    assert [step for step, _ in _scalars(train, "batch_loss")] == [3, 6]  # 4 batches per epoch, 8 in all


def test_batch_update_freq_and_steps_per_second(run):
    _, log_dir = run(epochs=1, update_freq="batch", validation=False, write_steps_per_second=True)
    train = _read(log_dir / "train")
    assert [step for step, _ in _scalars(train, "batch_loss")] == [1, 2, 3, 4]
    assert len(_scalars(train, "batch_steps_per_second")) == 4
    assert _scalars(train, "epoch_steps_per_second")[0][1] > 0


def test_epoch_update_freq_writes_no_batch_scalars(run):
    _, log_dir = run(epochs=1)
    assert not any(tag.startswith("batch_") for tag in _read(log_dir / "train").Tags()["scalars"])


def test_histograms_and_images_of_weights(run):
    _, log_dir = run(epochs=3, histogram_freq=2, write_images=True)
    train = _read(log_dir / "train")
    tags = train.Tags()
    assert "sequential/dense/kernel/histogram" in tags["histograms"]
    assert [event.step for event in train.Histograms("sequential/dense/kernel/histogram")] == [0, 2]
    assert "sequential/dense/kernel/image" in tags["images"]


def test_profiling_is_rejected_like_keras_torch_backend():
    with pytest.raises(ValueError, match="Profiling is not yet available with the torch backend"):
        TensorBoard(profile_batch=2)


def test_model_graph_is_written_for_the_graph_dashboard(run):
    import json

    _, log_dir = run(epochs=1)
    train = _read(log_dir / "train")
    assert "keras" in train.Tags()["tensors"]
    (event,) = train.Tensors("keras")
    config = json.loads(event.tensor_proto.string_val[0])
    assert config["class_name"] == "Sequential"
    assert train.summary_metadata["keras"].plugin_data.plugin_name == "graph_keras_model"
