"""`image/text/audio_dataset_from_directory` against Keras 3 (torch backend).

Keras returns tf.data (or grain) datasets, and neither TensorFlow nor grain is installed, so the parts
that decide what a dataset holds are compared one by one with Keras's own functions: the file list,
labels and class names of `keras.src.utils.dataset_utils.index_directory` (orders exactly equal, for
inferred/explicit/absent labels, seeds, class subsets, nested folders, hidden folders, upper-case
extensions), the training/validation split, the image decoding of Keras's TensorFlow-free loader
(`_load_image_grain`: color modes, crop/pad to aspect ratio, interpolations, data formats; float32
pixels within 1e-4 on a 0-255 scale) and the text loader. WAV decoding is checked against TensorFlow's
documented `decode_wav` scaling (16-bit PCM / 32768).
"""

import os
import wave

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from keras.src.utils import dataset_utils, image_dataset_utils, text_dataset_utils  # noqa: E402

import kerasbridge  # noqa: E402
from kerasbridge.utils import dataset_from_directory_index as bridge_index  # noqa: E402

PIL = pytest.importorskip("PIL.Image")


def _write_image(path, size, mode, seed):
    rng = np.random.default_rng(seed)
    channels = {"L": 1, "RGB": 3, "RGBA": 4}[mode]
    pixels = rng.integers(0, 256, size=(size[1], size[0], channels), dtype=np.uint8)
    PIL.fromarray(pixels[..., 0] if channels == 1 else pixels, mode).save(path)


@pytest.fixture(scope="module")
def image_tree(tmp_path_factory):
    """class_a (4 files, one nested), class_b (3), class_c (2 and a link to class_b), a hidden folder, a text file."""
    root = tmp_path_factory.mktemp("images")
    layout = {
        "class_a": ["a2.png", "a1.PNG", "sub/a0.jpg", "a3.bmp"],
        "class_b": ["b1.png", "b0.gif", "b2.jpeg"],
        "class_c": ["c0.png", "c1.png"],
        ".hidden": ["h0.png"],
    }
    modes = ["RGB", "L", "RGBA"]
    for index, (folder, names) in enumerate(layout.items()):
        for offset, name in enumerate(names):
            path = root / folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            mode = "RGB" if name.endswith(".jpg") else modes[(index + offset) % 3]
            _write_image(path, (7 + offset, 5 + index), mode, seed=index * 10 + offset)
    (root / "class_a" / "notes.txt").write_text("not an image")
    (root / "class_c" / "linked").symlink_to(root / "class_b", target_is_directory=True)  # walked with follow_links
    return str(root)


INDEX_CASES = [
    dict(labels="inferred", shuffle=False, seed=None),
    dict(labels="inferred", shuffle=True, seed=1337),
    dict(labels="inferred", shuffle=True, seed=7, class_names=["class_c", "class_a"]),
    dict(labels=None, shuffle=True, seed=3),
    dict(labels=[0, 1, 0, 1, 1, 0, 1, 0, 2, 2], shuffle=True, seed=11),  # the walk from the root sees .hidden too
    dict(labels="inferred", shuffle=True, seed=5, follow_links=True),
]


@pytest.mark.parametrize("case", INDEX_CASES, ids=range(len(INDEX_CASES)))
def test_index_directory_matches_keras(image_tree, case):
    formats = image_dataset_utils.ALLOWLIST_FORMATS
    expected = dataset_utils.index_directory(image_tree, formats=formats, verbose=False, **_copy_labels(case))
    actual = bridge_index.index_directory(image_tree, formats=formats, verbose=False, **_copy_labels(case))
    assert actual[0] == expected[0]
    assert actual[2] == expected[2]
    if expected[1] is None:
        assert actual[1] is None
    else:
        np.testing.assert_array_equal(np.asarray(actual[1]), np.asarray(expected[1]))


def _copy_labels(case):
    case = dict(case)
    if isinstance(case["labels"], list):
        case["labels"] = list(case["labels"])  # Keras shuffles a labels list in place
    return case


@pytest.mark.parametrize("subset", ["training", "validation"])
@pytest.mark.parametrize("split", [0.2, 0.34, 0.5])
def test_training_validation_split_matches_keras(subset, split):
    samples, labels = [f"f{i}" for i in range(9)], np.arange(9)
    expected = dataset_utils.get_training_or_validation_split(samples, labels, split, subset)
    actual = bridge_index.training_or_validation_split(samples, labels, split, subset)
    assert actual[0] == expected[0]
    np.testing.assert_array_equal(actual[1], expected[1])


@pytest.mark.parametrize("args", [(1.5, "training", True, 1), (0.2, None, True, 1), (0.2, "train", True, 1),
                                  (0.2, "training", True, None)])
def test_validation_split_argument_errors_match_keras(args):
    with pytest.raises(ValueError) as expected:
        dataset_utils.check_validation_split_arg(*args)
    with pytest.raises(ValueError) as actual:
        bridge_index.check_validation_split_arg(*args)
    assert str(actual.value) == str(expected.value)


@pytest.mark.parametrize("subset", ["training", "validation", "both"])
@pytest.mark.parametrize("label_mode", ["int", "categorical", None])
def test_dataset_files_and_labels_follow_keras_order(image_tree, subset, label_mode):
    seed, split = 42, 0.3
    paths, labels, class_names = dataset_utils.index_directory(  # label_mode=None lists files without labels
        image_tree, "inferred" if label_mode else None, formats=image_dataset_utils.ALLOWLIST_FORMATS, shuffle=True, seed=seed, verbose=False)
    datasets = kerasbridge.utils.image_dataset_from_directory(
        image_tree, label_mode=label_mode, image_size=(4, 4), batch_size=3, seed=seed, validation_split=split,
        subset=subset, verbose=False)
    datasets = datasets if subset == "both" else [datasets]
    names = ["training", "validation"] if subset == "both" else [subset]
    for dataset, name in zip(datasets, names):
        expected_paths, expected_labels = dataset_utils.get_training_or_validation_split(paths, labels, split, name)
        assert dataset.file_paths == expected_paths
        assert dataset.class_names == class_names
        batches = list(dataset)
        if label_mode is None:
            assert sum(len(batch) for batch in batches) == len(expected_paths)
            continue
        got = np.concatenate([np.asarray(batch[1]) for batch in batches])
        if label_mode == "categorical":
            got = got.argmax(-1)
        np.testing.assert_array_equal(got, expected_labels)


LOAD_CASES = [
    dict(image_size=(4, 6), num_channels=3, interpolation="bilinear"),
    dict(image_size=(9, 5), num_channels=1, interpolation="nearest"),
    dict(image_size=(6, 6), num_channels=4, interpolation="bicubic", crop_to_aspect_ratio=True),
    dict(image_size=(3, 8), num_channels=3, interpolation="bilinear", pad_to_aspect_ratio=True),
    dict(image_size=(5, 4), num_channels=3, interpolation="bilinear", data_format="channels_first"),
]


@pytest.mark.parametrize("case", LOAD_CASES, ids=range(len(LOAD_CASES)))
def test_image_decoding_matches_keras_loader(image_tree, case):
    from kerasbridge.utils.dataset_from_directory_image import load_image

    case = {"data_format": "channels_last", **case}
    paths, _, _ = dataset_utils.index_directory(image_tree, "inferred", image_dataset_utils.ALLOWLIST_FORMATS,
                                                shuffle=False, verbose=False)
    for path in paths:
        expected = np.asarray(image_dataset_utils._load_image_grain(path, **case))
        actual = np.asarray(load_image(path, **case))
        assert actual.dtype == np.float32
        np.testing.assert_allclose(actual, expected, atol=1e-4, rtol=1e-6)


def test_text_loading_matches_keras_loader(tmp_path):
    for folder, texts in {"neg": ["bad", "worse still"], "pos": ["good", "great ünïcode text"]}.items():
        (tmp_path / folder).mkdir()
        for index, text in enumerate(texts):
            (tmp_path / folder / f"{index}.txt").write_text(text, encoding="utf-8")
    paths, labels, class_names = dataset_utils.index_directory(str(tmp_path), "inferred", (".txt",), shuffle=True,
                                                               seed=9, verbose=False)
    dataset = kerasbridge.utils.text_dataset_from_directory(str(tmp_path), max_length=5, seed=9, batch_size=None,
                                                            verbose=False)
    assert dataset.class_names == class_names == ["neg", "pos"]
    for (text, label), path, expected_label in zip(dataset, paths, labels):
        assert text == text_dataset_utils._path_to_string_content_grain(path, 5)
        assert int(label) == expected_label


def test_wav_decoding_follows_tensorflow_scaling(tmp_path):
    samples = np.array([[0, -32768], [16384, 32767], [-1, 5]], dtype="<i2")
    path = tmp_path / "clip.wav"
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(2)
        handle.setsampwidth(2)
        handle.setframerate(8000)
        handle.writeframes(samples.tobytes())
    from kerasbridge.utils.dataset_from_directory_audio import read_wav

    audio, rate = read_wav(path)
    assert rate == 8000
    np.testing.assert_array_equal(audio, samples.astype("float32") / 32768.0)


def test_keras_and_kerasbridge_expose_the_same_signatures():
    import inspect

    for name in ("image_dataset_from_directory", "text_dataset_from_directory", "audio_dataset_from_directory"):
        keras_params = list(inspect.signature(getattr(keras.utils, name)).parameters.items())
        bridge_params = list(inspect.signature(getattr(kerasbridge.utils, name)).parameters.items())
        assert [(k, p.default) for k, p in bridge_params] == [(k, p.default) for k, p in keras_params]
