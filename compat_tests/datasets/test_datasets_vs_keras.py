"""Differential tests: keras.datasets loaders and keras.preprocessing, offline, on fake dataset files.

The fake files (tests/datasets/fake_dataset_files.py) have the real layouts but not the real hashes, so
Keras's loaders get a `get_file` that skips the hash check and reads from the temporary cache, while
kerasbridge's loaders run unpatched against `$KERAS_HOME`, with their expected hashes set to the fakes'.
"""

import os
import sys
import tempfile

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from keras.src.datasets import boston_housing as keras_boston  # noqa: E402
from keras.src.datasets import california_housing as keras_california  # noqa: E402
from keras.src.datasets import cifar10 as keras_cifar10  # noqa: E402
from keras.src.datasets import cifar100 as keras_cifar100  # noqa: E402
from keras.src.datasets import fashion_mnist as keras_fashion  # noqa: E402
from keras.src.datasets import imdb as keras_imdb  # noqa: E402
from keras.src.datasets import mnist as keras_mnist  # noqa: E402
from keras.src.datasets import reuters as keras_reuters  # noqa: E402
from keras.src.utils import file_utils as keras_file_utils  # noqa: E402

import kerasbridge  # noqa: E402
from kerasbridge import datasets as kb_datasets  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "tests", "datasets"))
import fake_dataset_files as fakes  # noqa: E402

KERAS_LOADER_MODULES = (keras_boston, keras_california, keras_cifar10, keras_cifar100, keras_fashion, keras_imdb,
                        keras_mnist, keras_reuters)


def _point_caches_at(home, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", home)
    real_get_file = keras_file_utils.get_file

    def offline_get_file(*args, **kwargs):
        return real_get_file(*args, **{**kwargs, "file_hash": None, "cache_dir": home})

    for module in KERAS_LOADER_MODULES:
        monkeypatch.setattr(module, "get_file", offline_get_file)
    return home


@pytest.fixture
def home(tmp_path, monkeypatch):
    return _point_caches_at(str(tmp_path), monkeypatch)


@pytest.fixture
def memory_home(monkeypatch):
    # The full-size CIFAR-10 archive is extracted twice: keep those 300 MB of writes off the disk when possible.
    with tempfile.TemporaryDirectory(dir="/dev/shm" if os.path.isdir("/dev/shm") else None) as folder:
        yield _point_caches_at(folder, monkeypatch)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def _same_hash(monkeypatch, module, attribute, path):
    monkeypatch.setattr(module, attribute, fakes.sha256(path))


def _element_types(nested):
    return [_element_types(item) for item in nested] if isinstance(nested, list) else type(nested)


def assert_same(expected, actual):
    if isinstance(expected, (tuple, list)) and not isinstance(expected, np.ndarray):
        assert type(actual) is type(expected) and len(actual) == len(expected)
        for e, a in zip(expected, actual):
            assert_same(e, a)
        return
    assert type(actual) is type(expected)
    if not isinstance(expected, np.ndarray):
        assert actual == expected
        return
    assert actual.dtype == expected.dtype and actual.shape == expected.shape
    if expected.dtype == object:
        assert actual.tolist() == expected.tolist()
        assert _element_types(actual.tolist()) == _element_types(expected.tolist())
    elif not np.array_equal(actual, expected):  # (assert_array_equal alone is slow on the 150 MB CIFAR arrays)
        np.testing.assert_array_equal(actual, expected)


def assert_same_error(keras_call, kb_call):
    with pytest.raises(Exception) as keras_error:
        keras_call()
    with pytest.raises(Exception) as kb_error:
        kb_call()
    assert type(kb_error.value) is type(keras_error.value)
    assert str(kb_error.value) == str(keras_error.value)


def test_mnist_matches(home, rng, monkeypatch):
    path, _ = fakes.write_mnist(home, rng)
    _same_hash(monkeypatch, kb_datasets.mnist, "_FILE_HASH", path)
    assert_same(keras_mnist.load_data(), kb_datasets.mnist.load_data())


def test_fashion_mnist_matches(home, rng):
    fakes.write_fashion_mnist(home, rng)
    assert_same(keras_fashion.load_data(), kb_datasets.fashion_mnist.load_data())


@pytest.fixture(params=["channels_last", "channels_first"])
def data_format(request):
    keras_before, kb_before = keras.config.image_data_format(), kerasbridge.backend.image_data_format()
    keras.config.set_image_data_format(request.param)
    kerasbridge.backend.set_image_data_format(request.param)
    yield request.param
    keras.config.set_image_data_format(keras_before)
    kerasbridge.backend.set_image_data_format(kb_before)


def test_cifar10_matches(memory_home, rng, monkeypatch):
    # Keras fills a preallocated (50000, 3, 32, 32) array, so the fake train batches have the real size.
    # (channels_first is compared on CIFAR-100, which shares the transposition, to keep this test short.)
    path, _ = fakes.write_cifar10(memory_home, rng, per_batch=10000, n_test=6)
    _same_hash(monkeypatch, kb_datasets.cifar10, "_FILE_HASH", path)
    assert_same(keras_cifar10.load_data(), kb_datasets.cifar10.load_data())


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100_matches(home, rng, monkeypatch, data_format, label_mode):
    path, _ = fakes.write_cifar100(home, rng)
    _same_hash(monkeypatch, kb_datasets.cifar100, "_FILE_HASH", path)
    assert_same(keras_cifar100.load_data(label_mode), kb_datasets.cifar100.load_data(label_mode=label_mode))


def test_cifar100_bad_label_mode_error_matches():
    assert_same_error(lambda: keras_cifar100.load_data("medium"), lambda: kb_datasets.cifar100.load_data("medium"))


SEQUENCE_CASES = [
    {},
    {"num_words": 20, "skip_top": 3},
    {"maxlen": 6},
    {"seed": 7, "oov_char": None, "num_words": 15},
    {"start_char": None},
    {"start_char": None, "index_from": 0},
    {"start_char": 5, "oov_char": 4, "index_from": 2, "num_words": 25, "skip_top": 6, "maxlen": 8},
]


@pytest.mark.parametrize("kwargs", SEQUENCE_CASES)
def test_imdb_matches(home, rng, monkeypatch, kwargs):
    path, _ = fakes.write_imdb(home, rng)
    _same_hash(monkeypatch, kb_datasets.imdb, "_DATA_HASH", path)
    assert_same(keras_imdb.load_data(**kwargs), kb_datasets.imdb.load_data(**kwargs))


def test_imdb_maxlen_too_small_error_matches(home, rng, monkeypatch):
    path, _ = fakes.write_imdb(home, rng)
    _same_hash(monkeypatch, kb_datasets.imdb, "_DATA_HASH", path)
    assert_same_error(lambda: keras_imdb.load_data(maxlen=1), lambda: kb_datasets.imdb.load_data(maxlen=1))


@pytest.mark.parametrize("kwargs", SEQUENCE_CASES + [{"test_split": 0.3, "maxlen": 5}, {"test_split": 0.0}])
def test_reuters_matches(home, rng, monkeypatch, kwargs):
    path, _ = fakes.write_reuters(home, rng)
    _same_hash(monkeypatch, kb_datasets.reuters, "_DATA_HASH", path)
    assert_same(keras_reuters.load_data(**kwargs), kb_datasets.reuters.load_data(**kwargs))


@pytest.mark.parametrize("module_name, fname", [("imdb", "imdb_word_index.json"),
                                                ("reuters", "reuters_word_index.json")])
def test_word_index_matches(home, monkeypatch, module_name, fname):
    path, _ = fakes.write_word_index(home, fname)
    monkeypatch.setattr(getattr(kb_datasets, module_name), "_WORD_INDEX_HASH", fakes.sha256(path))
    keras_module = {"imdb": keras_imdb, "reuters": keras_reuters}[module_name]
    assert getattr(kb_datasets, module_name).get_word_index() == keras_module.get_word_index()


def test_reuters_label_names_match():
    assert kb_datasets.reuters.get_label_names() == keras_reuters.get_label_names()


@pytest.mark.parametrize("kwargs", [{}, {"test_split": 0.25, "seed": 1}, {"test_split": 0.0}])
def test_boston_housing_matches(home, rng, monkeypatch, kwargs):
    path, _ = fakes.write_regression(home, rng, "boston_housing.npz", 41, 13, "float64")
    _same_hash(monkeypatch, kb_datasets.boston_housing, "_FILE_HASH", path)
    assert_same(keras_boston.load_data(**kwargs), kb_datasets.boston_housing.load_data(**kwargs))


@pytest.mark.parametrize("kwargs", [{}, {"version": "small"}, {"version": "small", "test_split": 0.1, "seed": 3}])
def test_california_housing_matches(home, rng, monkeypatch, kwargs):
    path, _ = fakes.write_regression(home, rng, "california_housing.npz", 650, 8, "float32")
    _same_hash(monkeypatch, kb_datasets.california_housing, "_FILE_HASH", path)
    assert_same(keras_california.load_data(**kwargs), kb_datasets.california_housing.load_data(**kwargs))


@pytest.mark.parametrize("module_name, kwargs", [
    ("boston_housing", {"test_split": 1.0}),
    ("boston_housing", {"test_split": -0.1}),
    ("california_housing", {"test_split": 1.5}),
])
def test_bad_test_split_error_matches(module_name, kwargs):
    keras_module = {"boston_housing": keras_boston, "california_housing": keras_california}[module_name]
    assert_same_error(lambda: keras_module.load_data(**kwargs),
                      lambda: getattr(kb_datasets, module_name).load_data(**kwargs))


def test_california_bad_version_error_matches(home, rng, monkeypatch):
    path, _ = fakes.write_regression(home, rng, "california_housing.npz", 30, 8, "float32")
    _same_hash(monkeypatch, kb_datasets.california_housing, "_FILE_HASH", path)
    assert_same_error(lambda: keras_california.load_data(version="medium"),
                      lambda: kb_datasets.california_housing.load_data(version="medium"))


def test_cache_layout_matches_keras(home, rng, monkeypatch):
    # Both libraries extract the CIFAR-100 archive to the same place in the cache.
    path, _ = fakes.write_cifar100(home, rng)
    _same_hash(monkeypatch, kb_datasets.cifar100, "_FILE_HASH", path)
    keras_cifar100.load_data()
    keras_files = sorted(os.path.relpath(os.path.join(r, f), home) for r, _, fs in os.walk(home) for f in fs)
    for root, _, files in os.walk(os.path.join(home, "datasets", "cifar-100-python-target")):
        for name in files:
            os.remove(os.path.join(root, name))
    kb_datasets.cifar100.load_data()
    kb_files = sorted(os.path.relpath(os.path.join(r, f), home) for r, _, fs in os.walk(home) for f in fs)
    assert kb_files == keras_files


def test_public_names_match_keras():
    for name in ("boston_housing", "california_housing", "cifar10", "cifar100", "fashion_mnist", "imdb", "mnist",
                 "reuters"):
        keras_names = {n for n in dir(getattr(keras.datasets, name)) if not n.startswith("_")}
        assert keras_names <= set(dir(getattr(kb_datasets, name))), name
    for namespace in ("", ".image", ".sequence"):
        keras_module = eval(f"keras.preprocessing{namespace}")
        kb_module = eval(f"kerasbridge.preprocessing{namespace}")
        keras_names = {n for n in dir(keras_module) if not n.startswith("_")}
        assert keras_names <= set(dir(kb_module)), namespace


SMART_RESIZE_CASES = [
    ((13, 21, 3), (8, 8), "bilinear", "channels_last", "float32"),
    ((2, 21, 13, 3), (5, 9), "bilinear", "channels_last", "float32"),
    ((3, 17, 10), (6, 4), "nearest", "channels_first", "float32"),
    ((2, 3, 9, 30), (7, 7), "bicubic", "channels_first", "float32"),
    ((16, 12, 1), (4, 6), "bilinear", "channels_last", "uint8"),
    ((10, 10, 3), (20, 15), "bilinear", "channels_last", "float64"),
]


@pytest.mark.parametrize("shape, size, interpolation, data_format, dtype", SMART_RESIZE_CASES)
def test_smart_resize_matches(shape, size, interpolation, data_format, dtype):
    image = np.random.default_rng(1).uniform(0, 255, shape).astype(dtype)
    expected = keras.preprocessing.image.smart_resize(image, size, interpolation=interpolation,
                                                      data_format=data_format)
    actual = kerasbridge.preprocessing.image.smart_resize(image, size, interpolation=interpolation,
                                                          data_format=data_format)
    assert type(actual) is type(expected) and actual.dtype == expected.dtype and actual.shape == expected.shape
    np.testing.assert_allclose(actual.astype("float64"), expected.astype("float64"), atol=1e-4, rtol=1e-5)


@pytest.mark.parametrize("call", [
    lambda m: m.smart_resize(np.zeros((4, 4, 3)), (2, 2, 2)),
    lambda m: m.smart_resize(np.zeros((4, 4)), (2, 2)),
    lambda m: m.smart_resize(np.zeros((4, 4, 3)), (2, 2), antialias=True),
])
def test_smart_resize_errors_match(call):
    assert_same_error(lambda: call(keras.preprocessing.image), lambda: call(kerasbridge.preprocessing.image))
