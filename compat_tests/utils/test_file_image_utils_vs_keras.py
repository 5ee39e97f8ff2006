"""Differential tests: get_file (offline, file:// URLs), image array/file helpers and plot_model's pydot check."""

import hashlib
import io
import os
import tarfile
import zipfile

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kerasbridge  # noqa: E402

LIBS = (keras, kerasbridge)


@pytest.fixture
def archives(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "data.txt").write_text("hello kerasbridge\n")
    with tarfile.open(source / "bundle.tar.gz", "w:gz") as tar:
        tar.add(source / "data.txt", arcname="bundle/data.txt")
    with zipfile.ZipFile(source / "bundle.zip", "w") as archive:
        archive.write(source / "data.txt", arcname="zipped/data.txt")
    return source


def _relative_tree(path):
    if os.path.isfile(path):
        return open(path, "rb").read()
    return sorted(os.path.relpath(os.path.join(root, name), path)
                  for root, _, names in os.walk(path) for name in names)


@pytest.mark.parametrize("kwargs", [
    {"fname": "data.txt", "origin_name": "data.txt"},
    {"fname": None, "origin_name": "data.txt"},
    {"fname": "bundle.tar.gz", "origin_name": "bundle.tar.gz", "extract": True},
    {"fname": "bundle", "origin_name": "bundle.tar.gz", "untar": True},
    {"fname": "bundle.zip", "origin_name": "bundle.zip", "extract": True, "archive_format": "zip"},
    {"fname": "data.txt", "origin_name": "data.txt", "hash": "sha256"},
    {"fname": "data.txt", "origin_name": "data.txt", "hash": "md5"},
], ids=["plain", "name_from_url", "extract_tar", "untar", "extract_zip", "sha256", "md5"])
def test_get_file_caches_like_keras(archives, tmp_path, kwargs):
    kwargs = dict(kwargs)
    origin = (archives / kwargs.pop("origin_name")).as_uri()
    algorithm = kwargs.pop("hash", None)
    if algorithm:
        kwargs["file_hash"] = getattr(hashlib, algorithm)((archives / "data.txt").read_bytes()).hexdigest()
    results = []
    for lib in LIBS:
        cache = tmp_path / f"cache_{lib.__name__}"
        path = lib.utils.get_file(origin=origin, cache_dir=str(cache), **kwargs)
        again = lib.utils.get_file(origin=origin, cache_dir=str(cache), **kwargs)  # served from the cache
        assert again == path
        results.append((os.path.relpath(path, cache), _relative_tree(path)))
    assert results[0] == results[1]


def test_get_file_rejects_a_wrong_hash_and_bad_arguments_like_keras(archives, tmp_path):
    origin = (archives / "data.txt").as_uri()
    for lib in LIBS:
        with pytest.raises(ValueError, match="hash"):
            lib.utils.get_file("data.txt", origin, file_hash="0" * 64, cache_dir=str(tmp_path / lib.__name__))
        with pytest.raises(ValueError, match="origin"):
            lib.utils.get_file("data.txt")
        with pytest.raises(ValueError, match="fname"):
            lib.utils.get_file(os.path.join("a", "b.txt"), origin, cache_dir=str(tmp_path / lib.__name__))
        with pytest.raises(Exception, match="URL fetch failure"):
            lib.utils.get_file("missing.txt", (archives / "missing.txt").as_uri(),
                               cache_dir=str(tmp_path / lib.__name__))


IMAGE = np.random.default_rng(3).uniform(0, 255, (6, 5, 3)).astype("float32")


@pytest.mark.parametrize("array,kwargs", [
    (IMAGE, {}), (IMAGE, {"scale": False}), (IMAGE[:, :, :1], {}), (IMAGE[:, :, :1] * 10, {"scale": False}),
    (np.concatenate([IMAGE, IMAGE[:, :, :1]], -1), {}), (IMAGE.transpose(2, 0, 1), {"data_format": "channels_first"}),
], ids=["rgb", "rgb_unscaled", "gray", "gray_int32", "rgba", "channels_first"])
def test_array_to_img_and_back_match_keras(array, kwargs):
    k_img, b_img = keras.utils.array_to_img(array, **kwargs), kerasbridge.utils.array_to_img(array, **kwargs)
    assert (b_img.mode, b_img.size) == (k_img.mode, k_img.size)
    for data_format in ("channels_last", "channels_first"):
        np.testing.assert_array_equal(kerasbridge.utils.img_to_array(b_img, data_format=data_format),
                                      keras.utils.img_to_array(k_img, data_format=data_format))


def test_array_to_img_rejects_like_keras():
    for lib in LIBS:
        with pytest.raises(ValueError, match="rank 3"):
            lib.utils.array_to_img(IMAGE[0])
        with pytest.raises(ValueError, match="channel"):
            lib.utils.array_to_img(np.ones((2, 2, 2)))


@pytest.mark.parametrize("suffix", ["png", "jpg", "bmp"])
@pytest.mark.parametrize("load_kwargs", [
    {}, {"color_mode": "grayscale"}, {"color_mode": "rgba"}, {"target_size": (3, 4)},
    {"target_size": (4, 4), "interpolation": "bilinear", "keep_aspect_ratio": True},
], ids=["rgb", "gray", "rgba", "resize", "aspect"])
def test_save_img_and_load_img_match_keras(tmp_path, suffix, load_kwargs):
    arrays = []
    for lib in LIBS:
        path = tmp_path / f"{lib.__name__}.{suffix}"
        lib.utils.save_img(path, IMAGE)
        arrays.append(lib.utils.img_to_array(lib.utils.load_img(path, **load_kwargs)))
        buffer = io.BytesIO(path.read_bytes())
        arrays.append(lib.utils.img_to_array(lib.utils.load_img(buffer, **load_kwargs)))
    np.testing.assert_array_equal(arrays[2], arrays[0])
    np.testing.assert_array_equal(arrays[3], arrays[1])


def test_plot_model_and_model_to_dot_need_pydot_like_keras(tmp_path):
    pytest.importorskip("PIL")
    try:
        import pydot  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("pydot is installed; this test checks the message Keras gives without it")
    for lib in LIBS:
        model = lib.Sequential([lib.Input((2,)), lib.layers.Dense(1)])
        with pytest.raises(ImportError, match="pydot"):
            lib.utils.plot_model(model, to_file=str(tmp_path / "m.png"))
        with pytest.raises(ImportError, match="pydot"):
            lib.utils.model_to_dot(model)
