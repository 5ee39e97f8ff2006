"""image/text/audio_dataset_from_directory: batches, labels, splits, errors and training with `fit`."""

import wave

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge.utils import (
    audio_dataset_from_directory,
    image_dataset_from_directory,
    text_dataset_from_directory,
)

PIL = pytest.importorskip("PIL.Image")


@pytest.fixture(autouse=True)
def fresh_session():
    keras.utils.clear_session(free_memory=False)
    yield


def _image_tree(root, per_class=3, classes=("cats", "dogs")):
    rng = np.random.default_rng(0)
    for name in classes:
        (root / name).mkdir()
        for index in range(per_class):
            pixels = rng.integers(0, 256, size=(6 + index, 8, 3), dtype=np.uint8)
            PIL.fromarray(pixels).save(root / name / f"{index}.png")
    return str(root)


def _write_wav(path, samples, rate=8000, width=2):
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(samples.shape[1])
        handle.setsampwidth(width)
        handle.setframerate(rate)
        handle.writeframes(samples.astype(f"<i{width}").tobytes())


def test_image_batches_have_keras_shapes_and_dtypes(tmp_path):
    dataset = image_dataset_from_directory(_image_tree(tmp_path), image_size=(5, 4), batch_size=4, seed=1,
                                           verbose=False)
    images, labels = dataset[0]
    assert tuple(images.shape) == (4, 5, 4, 3) and images.dtype == torch.float32
    assert labels.dtype == np.int32 and labels.shape == (4,)
    assert len(dataset) == 2 and dataset.class_names == ["cats", "dogs"]
    assert [tuple(batch[0].shape)[0] for batch in dataset] == [4, 2]


@pytest.mark.parametrize("label_mode, shape, dtype", [("binary", (6, 1), np.float32),
                                                      ("categorical", (6, 2), np.float32)])
def test_label_modes(tmp_path, label_mode, shape, dtype):
    dataset = image_dataset_from_directory(_image_tree(tmp_path), image_size=4, label_mode=label_mode,
                                           batch_size=None, shuffle=False, verbose=False)
    labels = np.stack([label for _, label in dataset])
    assert labels.shape == shape and labels.dtype == dtype
    first_class = labels[:3].argmax(-1) if label_mode == "categorical" else labels[:3, 0]
    assert first_class.tolist() == [0, 0, 0]  # unshuffled: the three "cats" files come first


def test_fit_trains_on_an_image_dataset(tmp_path):
    train, val = image_dataset_from_directory(_image_tree(tmp_path, per_class=4), image_size=(6, 6), batch_size=3,
                                              validation_split=0.25, subset="both", seed=3, verbose=False)
    assert len(train.file_paths) == 6 and len(val.file_paths) == 2
    assert not set(train.file_paths) & set(val.file_paths)
    model = keras.Sequential([keras.Input((6, 6, 3)), keras.layers.Rescaling(1 / 255), keras.layers.Flatten(),
                              keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(train, validation_data=val, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and "val_loss" in history.history
    assert model.predict(val, verbose=0).shape == (2, 2)


def test_training_data_is_reshuffled_every_epoch_but_keeps_its_files(tmp_path):
    dataset = image_dataset_from_directory(_image_tree(tmp_path, per_class=5), image_size=2, batch_size=None,
                                           seed=8, verbose=False)
    first = [int(label) for _, label in dataset]
    dataset.on_epoch_end()
    second = [int(label) for _, label in dataset]
    assert sorted(first) == sorted(second) and first != second


def test_grayscale_and_channels_first(tmp_path):
    dataset = image_dataset_from_directory(_image_tree(tmp_path), image_size=(3, 5), color_mode="grayscale",
                                           data_format="channels_first", labels=None, batch_size=2, verbose=False)
    batch = dataset[0]
    assert tuple(batch.shape) == (2, 1, 3, 5) and dataset.class_names is None


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(labels="folders"), "`labels` argument should be"),
        (dict(label_mode="sparse"), "`label_mode`"),
        (dict(color_mode="cmyk"), "`color_mode`"),
        (dict(image_size=(1, 2, 3)), "image_size"),
        (dict(interpolation="cubic"), "interpolation"),
        (dict(validation_split=0.2, subset="training"), "seed"),
        (dict(class_names=["birds"]), "class_names"),
        (dict(label_mode="binary", class_names=["cats"]), "exactly 2"),
    ],
)
def test_image_argument_errors(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        image_dataset_from_directory(_image_tree(tmp_path), verbose=False, **kwargs)


def test_empty_directory_is_an_error(tmp_path):
    (tmp_path / "empty_class").mkdir()
    with pytest.raises(ValueError, match="No images found"):
        image_dataset_from_directory(str(tmp_path), verbose=False)


def test_missing_pillow_raises_a_clear_import_error(tmp_path, monkeypatch):
    import builtins

    from kerasbridge.utils import dataset_from_directory_image

    real_import = builtins.__import__

    def no_pil(name, *args, **kwargs):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError("No module named 'PIL'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pil)
    with pytest.raises(ImportError, match="pip install pillow"):
        dataset_from_directory_image._pil_image()


def test_text_dataset_batches_strings(tmp_path, capsys):
    for folder, texts in {"neg": ["awful", "bad film"], "pos": ["great", "loved it", "fine"]}.items():
        (tmp_path / folder).mkdir()
        for index, text in enumerate(texts):
            (tmp_path / folder / f"{index}.txt").write_text(text)
    dataset = text_dataset_from_directory(str(tmp_path), batch_size=2, shuffle=False)
    assert "Found 5 files belonging to 2 classes." in capsys.readouterr().out
    texts, labels = dataset[0]
    assert texts.tolist() == ["awful", "bad film"] and labels.tolist() == [0, 0]
    assert isinstance(dataset.take(2), list) and len(dataset.take(-1)) == 3


def test_audio_dataset_pads_batches_to_the_longest_clip(tmp_path):
    for folder, lengths in {"no": [5, 3], "yes": [4]}.items():
        (tmp_path / folder).mkdir()
        for index, length in enumerate(lengths):
            _write_wav(tmp_path / folder / f"{index}.wav", np.full((length, 1), 16384))
    clips, labels = audio_dataset_from_directory(str(tmp_path), shuffle=False, verbose=False)[0]
    assert tuple(clips.shape) == (3, 5, 1) and labels.tolist() == [0, 0, 1]
    np.testing.assert_array_equal(clips[1, :, 0].numpy(), [0.5, 0.5, 0.5, 0.0, 0.0])
    fixed = audio_dataset_from_directory(str(tmp_path), shuffle=False, output_sequence_length=4, verbose=False)
    assert tuple(fixed[0][0].shape) == (3, 4, 1)
    ragged = audio_dataset_from_directory(str(tmp_path), shuffle=False, ragged=True, verbose=False)
    assert [len(clip) for clip in ragged[0][0]] == [5, 3, 4]


def _write_raw_wav(path, frames: bytes, width: int):
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(width)
        handle.setframerate(8000)
        handle.writeframes(frames)


def test_audio_sample_widths_scale_to_unit_range(tmp_path):
    from kerasbridge.utils.dataset_from_directory_audio import read_wav

    _write_raw_wav(tmp_path / "u8.wav", bytes([0, 64, 192]), width=1)  # unsigned, centred on 128
    np.testing.assert_array_equal(read_wav(tmp_path / "u8.wav")[0][:, 0], [-1.0, -0.5, 0.5])
    _write_raw_wav(tmp_path / "s24.wav", bytes([0, 0, 0x40, 0xFF, 0xFF, 0xFF, 0, 0, 0x80]), width=3)
    np.testing.assert_array_equal(read_wav(tmp_path / "s24.wav")[0][:, 0], [0.5, -(2.0 ** -23), -1.0])


def test_audio_resampling_changes_the_length(tmp_path):
    from kerasbridge.utils.dataset_from_directory_audio import load_audio

    _write_wav(tmp_path / "y.wav", np.zeros((100, 2)), rate=16000)
    assert tuple(load_audio(tmp_path / "y.wav", sampling_rate=8000).shape) == (50, 2)


def test_audio_argument_errors(tmp_path):
    with pytest.raises(ValueError, match="ragged"):
        audio_dataset_from_directory(str(tmp_path), ragged=True, output_sequence_length=3)
    with pytest.raises(ValueError, match="sampling_rate"):
        audio_dataset_from_directory(str(tmp_path), sampling_rate=0)
