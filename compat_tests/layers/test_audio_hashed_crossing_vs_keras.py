"""STFTSpectrogram, MelSpectrogram and HashedCrossing against Keras 3 (torch backend).

STFTSpectrogram: the kernels kerasbridge initialises itself (no weight copying) and the outputs of
every mode, data format, padding and `expand_dims` are compared with Keras's (atol 1e-5 plus 1e-5
relative for the log/angle modes). Keras needs scipy for named windows; without scipy the named
window is compared through the equivalent explicit window array. MelSpectrogram: outputs of several
configurations, 1-D and batched inputs (atol 1e-4 on dB values of magnitude ~100, i.e. ~1e-6 relative).
HashedCrossing: Keras's layer needs TensorFlow, so its bins are checked against the values Keras's own
test suite expects, and against Keras directly when TensorFlow is installed.
"""

import importlib.util
import itertools
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge as kb  # noqa: E402

HAS_SCIPY = importlib.util.find_spec("scipy") is not None
HAS_TF = importlib.util.find_spec("tensorflow") is not None


@pytest.fixture(autouse=True)
def _fresh_sessions():
    keras.utils.clear_session(free_memory=False)
    kb.utils.clear_session(free_memory=False)


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _signal(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def _symmetric_hann(length):
    return (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(length) / (length - 1))).tolist()


STFT_CASES = [
    dict(mode=mode, padding=padding, data_format=data_format, expand_dims=expand_dims)
    for mode, padding, data_format, expand_dims in itertools.product(
        ("log", "magnitude", "psd", "real", "imag", "angle", "stft"),
        ("valid", "same"), ("channels_last", "channels_first"), (False, True),
    )
]


@pytest.mark.parametrize("case", STFT_CASES, ids=lambda c: "-".join(str(v) for v in c.values()))
def test_stft_spectrogram_initial_kernels_and_outputs_match_keras(case):
    window = _symmetric_hann(12)
    kwargs = dict(frame_length=12, frame_step=5, fft_length=16, window=window, **case)
    keras_layer, bridge_layer = keras.layers.STFTSpectrogram(**kwargs), kb.layers.STFTSpectrogram(**kwargs)
    shape = (2, 50, 3) if case["data_format"] == "channels_last" else (2, 3, 50)
    x = _signal(shape)
    keras_out, bridge_out = _np(keras_layer(x)), _np(bridge_layer(x))
    assert [w.path for w in bridge_layer.weights] == [w.path for w in keras_layer.weights]
    for bridge_weight, keras_weight in zip(bridge_layer.get_weights(), keras_layer.get_weights()):
        np.testing.assert_allclose(bridge_weight, keras_weight, atol=1e-6)
    assert bridge_out.shape == keras_out.shape
    assert tuple(bridge_layer.compute_output_shape(shape)) == tuple(keras_layer.compute_output_shape(shape))
    if case["mode"] == "angle":
        # the phase of near-zero bins is ill-conditioned: compare it where the magnitude is not tiny
        keep = np.abs(_np(kb.layers.STFTSpectrogram(**{**kwargs, "mode": "magnitude"})(x))) > 1e-3
        np.testing.assert_allclose(bridge_out[keep], keras_out[keep], atol=1e-5, rtol=1e-5)
    else:
        np.testing.assert_allclose(bridge_out, keras_out, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("periodic", [False, True])
@pytest.mark.parametrize("window", ["hann", "hamming"])
def test_stft_spectrogram_named_windows_match_keras(window, periodic):
    kwargs = dict(frame_length=16, frame_step=4, mode="log", periodic=periodic, scaling="spectrum")
    bridge_layer = kb.layers.STFTSpectrogram(window=window, **kwargs)
    if HAS_SCIPY:
        keras_layer = keras.layers.STFTSpectrogram(window=window, **kwargs)
    else:  # scipy's window, written out: symmetric, or periodic (one sample longer, last dropped)
        n = 16 + int(periodic)
        a0 = 0.5 if window == "hann" else 0.54
        values = a0 - (1 - a0) * np.cos(2 * np.pi * np.arange(n) / (n - 1))
        keras_layer = keras.layers.STFTSpectrogram(window=values[:16].tolist(), **kwargs)
    x = _signal((3, 80, 1), seed=1)
    np.testing.assert_allclose(_np(bridge_layer(x)), _np(keras_layer(x)), atol=1e-5, rtol=1e-5)
    for bridge_weight, keras_weight in zip(bridge_layer.get_weights(), keras_layer.get_weights()):
        np.testing.assert_allclose(bridge_weight, keras_weight, atol=1e-6)


def test_stft_spectrogram_default_frame_step_and_fft_length_match_keras():
    kwargs = dict(frame_length=20, window=None, scaling=None)
    keras_layer, bridge_layer = keras.layers.STFTSpectrogram(**kwargs), kb.layers.STFTSpectrogram(**kwargs)
    x = _signal((1, 100, 1), seed=2)
    np.testing.assert_allclose(_np(bridge_layer(x)), _np(keras_layer(x)), atol=1e-5, rtol=1e-5)
    assert bridge_layer.get_config() == keras_layer.get_config()


MEL_CASES = [
    dict(fft_length=64, sequence_stride=16, num_mel_bins=8, sampling_rate=8000),
    dict(fft_length=64, sequence_stride=32, sequence_length=48, num_mel_bins=10, sampling_rate=16000, window="hamming"),
    dict(fft_length=32, sequence_stride=8, num_mel_bins=6, power_to_db=False, mag_exp=1.0, min_freq=100.0,
         max_freq=3000.0),
    dict(fft_length=32, sequence_stride=10, num_mel_bins=4, top_db=20.0, ref_power=0.5, window=None),
]


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("case", MEL_CASES, ids=range(len(MEL_CASES)))
def test_mel_spectrogram_matches_keras(case, batched):
    keras_layer, bridge_layer = keras.layers.MelSpectrogram(**case), kb.layers.MelSpectrogram(**case)
    shape = (3, 300) if batched else (300,)
    x = _signal(shape, seed=3)
    keras_out, bridge_out = _np(keras_layer(x)), _np(bridge_layer(x))
    assert bridge_out.shape == keras_out.shape
    assert tuple(bridge_layer.compute_output_shape(shape)) == tuple(keras_layer.compute_output_shape(shape))
    tolerance = 1e-4 if case.get("power_to_db", True) else 1e-5
    np.testing.assert_allclose(bridge_out, keras_out, atol=tolerance, rtol=1e-5)
    assert bridge_layer.get_config() == keras_layer.get_config()


def test_mel_weight_matrix_matches_keras():
    keras_layer = keras.layers.MelSpectrogram()
    expected = _np(keras_layer.linear_to_mel_weight_matrix(num_mel_bins=40, num_spectrogram_bins=257,
                                                           sampling_rate=22050, lower_edge_hertz=30.0,
                                                           upper_edge_hertz=11025))
    from kerasbridge.layers.preprocessing.mel_spectrogram import linear_to_mel_weight_matrix

    actual = _np(linear_to_mel_weight_matrix(num_mel_bins=40, num_spectrogram_bins=257, sampling_rate=22050,
                                             lower_edge_hertz=30.0, upper_edge_hertz=11025))
    np.testing.assert_allclose(actual, expected, atol=1e-6)


# (inputs, num_bins, output_mode, expected): the values Keras's own hashed_crossing_test.py asserts.
KERAS_DOCUMENTED_CROSSES = [
    ((np.array(["A", "B", "A", "B", "A"]), np.array([101, 101, 101, 102, 102])), 5, "int", [1, 4, 1, 1, 3]),
    ((np.array(["A", "B", "A", "B", "A"]), np.array([101, 101, 101, 102, 102])), 5, "one_hot",
     np.eye(5)[[1, 4, 1, 1, 3]]),
    ((np.array("A"), np.array(101)), 10, "int", 1),
]


@pytest.mark.parametrize("inputs, num_bins, output_mode, expected", KERAS_DOCUMENTED_CROSSES)
def test_hashed_crossing_matches_keras_documented_bins(inputs, num_bins, output_mode, expected):
    out = kb.layers.HashedCrossing(num_bins=num_bins, output_mode=output_mode)(inputs)
    np.testing.assert_array_equal(_np(out), np.asarray(expected))


@pytest.mark.skipif(not HAS_TF, reason="Keras's HashedCrossing needs TensorFlow, which is not installed")
@pytest.mark.parametrize("output_mode", ["int", "one_hot"])
def test_hashed_crossing_matches_keras(output_mode):
    rng = np.random.default_rng(4)
    inputs = (rng.integers(-50, 50, size=(16, 1)), np.array([f"v{i}" for i in rng.integers(0, 9, 16)])[:, None],
              rng.integers(0, 3, size=(16, 1)))
    keras_out = keras.layers.HashedCrossing(num_bins=7, output_mode=output_mode)(inputs)
    bridge_out = kb.layers.HashedCrossing(num_bins=7, output_mode=output_mode)(inputs)
    np.testing.assert_array_equal(_np(bridge_out), _np(keras_out))


def test_stft_spectrogram_model_files_move_both_ways(tmp_path):
    x = _signal((2, 64, 1), seed=5)

    def build(lib):
        return lib.Sequential([
            lib.Input((64, 1)), lib.layers.STFTSpectrogram(frame_length=16, window=_symmetric_hann(16), mode="psd"),
            lib.layers.Flatten(), lib.layers.Dense(2),
        ])

    keras_model = build(keras)
    keras_model.save(tmp_path / "keras.keras")
    bridge_model = kb.saving.load_model(tmp_path / "keras.keras")
    np.testing.assert_allclose(bridge_model.predict(x, verbose=0), keras_model.predict(x, verbose=0), atol=1e-5)
    bridge_model.save(tmp_path / "bridge.keras")
    reloaded = keras.saving.load_model(tmp_path / "bridge.keras")
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), keras_model.predict(x, verbose=0), atol=1e-5)
