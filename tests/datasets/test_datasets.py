"""Unit tests of kerasbridge.datasets on small fake files in a temporary `$KERAS_HOME` (offline)."""

import io
import os
import pickle
import tarfile

import fake_dataset_files as fakes
import numpy as np
import pytest

import kerasbridge
from kerasbridge import datasets


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    return str(tmp_path)


@pytest.fixture
def rng():
    return np.random.default_rng(3)


def _trust(monkeypatch, module, path, attribute="_FILE_HASH"):
    monkeypatch.setattr(module, attribute, fakes.sha256(path))


def test_mnist_returns_the_stored_arrays(home, rng, monkeypatch):
    path, arrays = fakes.write_mnist(home, rng)
    _trust(monkeypatch, datasets.mnist, path)
    (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()
    for name, value in zip(("x_train", "y_train", "x_test", "y_test"), (x_train, y_train, x_test, y_test)):
        assert value.dtype == np.uint8
        np.testing.assert_array_equal(value, arrays[name])


def test_fashion_mnist_reads_the_idx_files(home, rng):
    _, arrays = fakes.write_fashion_mnist(home, rng)
    (x_train, y_train), (x_test, y_test) = datasets.fashion_mnist.load_data()
    assert x_train.shape == (6, 28, 28) and x_test.shape == (4, 28, 28)
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])


def test_cifar10_concatenates_batches_channels_last(home, rng, monkeypatch):
    path, batches = fakes.write_cifar10(home, rng, per_batch=2, n_test=3)
    _trust(monkeypatch, datasets.cifar10, path)
    (x_train, y_train), (x_test, y_test) = datasets.cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and x_test.shape == (3, 32, 32, 3)
    assert y_train.shape == (10, 1) and y_test.shape == (3, 1)
    assert x_train.dtype == x_test.dtype == y_train.dtype == y_test.dtype == np.uint8
    first = batches[0][b"data"][1].reshape(3, 32, 32).transpose(1, 2, 0)
    np.testing.assert_array_equal(x_train[1], first)
    assert y_train[:, 0].tolist() == sum((b[b"labels"] for b in batches[:5]), [])
    assert y_test[:, 0].tolist() == batches[5][b"labels"]


def test_cifar10_channels_first(home, rng, monkeypatch):
    path, batches = fakes.write_cifar10(home, rng, per_batch=1, n_test=2)
    _trust(monkeypatch, datasets.cifar10, path)
    before = kerasbridge.backend.image_data_format()
    kerasbridge.backend.set_image_data_format("channels_first")
    try:
        (x_train, _), (x_test, _) = datasets.cifar10.load_data()
    finally:
        kerasbridge.backend.set_image_data_format(before)
    assert x_train.shape == (5, 3, 32, 32) and x_test.shape == (2, 3, 32, 32)
    np.testing.assert_array_equal(x_test[0], batches[5][b"data"][0].reshape(3, 32, 32))


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100_label_mode_picks_labels(home, rng, monkeypatch, label_mode):
    path, parts = fakes.write_cifar100(home, rng)
    _trust(monkeypatch, datasets.cifar100, path)
    (x_train, y_train), (_, y_test) = datasets.cifar100.load_data(label_mode=label_mode)
    assert x_train.shape == (5, 32, 32, 3)
    assert y_train[:, 0].tolist() == parts["train"][f"{label_mode}_labels".encode()]
    assert y_test.shape == (3, 1)


def test_cifar100_rejects_unknown_label_mode():
    with pytest.raises(ValueError, match="label_mode"):
        datasets.cifar100.load_data(label_mode="medium")


def test_cifar_batch_with_foreign_globals_is_refused(home, monkeypatch):
    path = os.path.join(home, "datasets", "cifar-100-python-target_archive")
    os.makedirs(os.path.dirname(path))
    with tarfile.open(path, "w:gz") as tar:
        for name in ("train", "test"):
            blob = pickle.dumps({b"data": os.getcwd, b"fine_labels": []}, protocol=3)
            info = tarfile.TarInfo(f"cifar-100-python/{name}")
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    _trust(monkeypatch, datasets.cifar100, path)
    with pytest.raises(pickle.UnpicklingError, match="getcwd"):
        datasets.cifar100.load_data()


def test_imdb_default_shifts_indices_and_shuffles(home, rng, monkeypatch):
    path, arrays = fakes.write_imdb(home, rng)
    _trust(monkeypatch, datasets.imdb, path, "_DATA_HASH")
    (x_train, y_train), (x_test, y_test) = datasets.imdb.load_data()
    order = np.arange(12)
    np.random.RandomState(113).shuffle(order)
    largest = max(max(s) for s in list(arrays["x_train"]) + list(arrays["x_test"])) + 3
    for i, source in enumerate(order):
        expected = [1] + [w + 3 if w + 3 < largest else 2 for w in arrays["x_train"][source]]
        assert x_train[i] == expected
    np.testing.assert_array_equal(y_train, arrays["y_train"][order])
    assert x_train.dtype == object and len(x_test) == 10 and len(y_test) == 10


def test_imdb_vocabulary_limits(home, rng, monkeypatch):
    path, _ = fakes.write_imdb(home, rng)
    _trust(monkeypatch, datasets.imdb, path, "_DATA_HASH")
    (x_train, _), (x_test, _) = datasets.imdb.load_data(num_words=12, skip_top=5, oov_char=0, start_char=None)
    words = [w for s in list(x_train) + list(x_test) for w in s]
    assert all(w == 0 or 5 <= w < 12 for w in words)
    (x_train, _), _ = datasets.imdb.load_data(num_words=12, skip_top=5, oov_char=None, start_char=None)
    assert all(5 <= w < 12 for s in x_train for w in s)


def test_imdb_maxlen_keeps_shorter_sequences(home, rng, monkeypatch):
    path, _ = fakes.write_imdb(home, rng)
    _trust(monkeypatch, datasets.imdb, path, "_DATA_HASH")
    (x_train, y_train), (x_test, y_test) = datasets.imdb.load_data(maxlen=6)
    assert all(len(s) < 6 for s in list(x_train) + list(x_test))
    assert len(x_train) == len(y_train) and len(x_test) == len(y_test)
    with pytest.raises(ValueError, match="maxlen=1"):
        datasets.imdb.load_data(maxlen=1)


def test_reuters_test_split(home, rng, monkeypatch):
    path, arrays = fakes.write_reuters(home, rng)
    _trust(monkeypatch, datasets.reuters, path, "_DATA_HASH")
    (x_train, y_train), (x_test, y_test) = datasets.reuters.load_data(test_split=0.4)
    assert len(x_train) == len(y_train) == 15 and len(x_test) == len(y_test) == 10
    order = np.arange(25)
    np.random.RandomState(113).shuffle(order)
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), arrays["y"][order])


def test_word_index_and_label_names(home, monkeypatch):
    path, index = fakes.write_word_index(home, "reuters_word_index.json")
    monkeypatch.setattr(datasets.reuters, "_WORD_INDEX_HASH", fakes.sha256(path))
    assert datasets.reuters.get_word_index() == index
    names = datasets.reuters.get_label_names()
    assert len(names) == 46 and names[3] == "earn"


def test_boston_housing_split(home, rng, monkeypatch):
    path, arrays = fakes.write_regression(home, rng, "boston_housing.npz", 20, 13, "float64")
    _trust(monkeypatch, datasets.boston_housing, path)
    (x_train, y_train), (x_test, y_test) = datasets.boston_housing.load_data(test_split=0.25, seed=5)
    order = np.arange(20)
    np.random.RandomState(5).shuffle(order)
    np.testing.assert_array_equal(np.concatenate([x_train, x_test]), arrays["x"][order])
    assert x_train.shape == (15, 13) and y_test.shape == (5,)


@pytest.mark.parametrize("test_split", [1.0, -0.5])
def test_bad_test_split_raises_before_fetching(home, test_split):
    with pytest.raises(ValueError, match="test_split"):
        datasets.boston_housing.load_data(test_split=test_split)
    with pytest.raises(ValueError, match="test_split"):
        datasets.california_housing.load_data(test_split=test_split)
    assert not os.path.exists(os.path.join(home, "datasets"))


def test_california_housing_versions(home, rng, monkeypatch):
    path, _ = fakes.write_regression(home, rng, "california_housing.npz", 640, 8, "float32")
    _trust(monkeypatch, datasets.california_housing, path)
    (x_train, _), (x_test, _) = datasets.california_housing.load_data(version="small")
    assert len(x_train) + len(x_test) == 600 and x_train.dtype == np.float32
    (x_train, _), (x_test, _) = datasets.california_housing.load_data()
    assert len(x_train) + len(x_test) == 640
    with pytest.raises(ValueError, match="version"):
        datasets.california_housing.load_data(version="medium")


def test_missing_file_error_names_url_and_cache_path(home, tmp_path, monkeypatch):
    origin = (tmp_path / "nowhere" / "mnist.npz").as_uri()
    monkeypatch.setattr(datasets.mnist, "_ORIGIN", origin)
    with pytest.raises(Exception) as error:
        datasets.mnist.load_data()
    assert origin in str(error.value)
    assert os.path.join(home, "datasets", "mnist.npz") in str(error.value)


def test_object_npz_with_foreign_globals_is_refused(home, monkeypatch):
    payload = np.empty(1, dtype=object)
    payload[0] = os.getcwd
    path = os.path.join(home, "datasets", "reuters.npz")
    os.makedirs(os.path.dirname(path))
    np.savez(path, x=payload, y=np.zeros(1, dtype=int))
    _trust(monkeypatch, datasets.reuters, path, "_DATA_HASH")
    with pytest.raises(pickle.UnpicklingError, match="Refusing"):
        datasets.reuters.load_data()
