"""STFTSpectrogram and MelSpectrogram: shapes, validation, weights, models and saving."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_session():
    keras.utils.clear_session(free_memory=False)
    yield


def _signal(*shape):
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


@pytest.mark.parametrize(
    "kwargs, input_shape, expected",
    [
        (dict(frame_length=16, frame_step=8, fft_length=32), (2, 64, 3), (2, 7, 51)),
        (dict(frame_length=16, frame_step=8, padding="same"), (2, 64, 1), (2, 8, 9)),
        (dict(frame_length=16, frame_step=8, expand_dims=True), (2, 64, 3), (2, 7, 9, 3)),
        (dict(frame_length=16, frame_step=8, data_format="channels_first"), (2, 3, 64), (2, 27, 7)),
        (dict(frame_length=16, frame_step=8, data_format="channels_first", expand_dims=True), (2, 3, 64),
         (2, 3, 7, 9)),
        (dict(frame_length=16, frame_step=8, mode="stft"), (2, 64, 1), (2, 7, 18)),
    ],
)
def test_stft_spectrogram_output_shape(kwargs, input_shape, expected):
    layer = layers.STFTSpectrogram(window=None, **kwargs)
    assert tuple(layer(_signal(*input_shape)).shape) == expected
    assert layer.compute_output_shape(input_shape) == expected


def test_stft_spectrogram_real_mode_equals_the_fft_of_each_frame():
    layer = layers.STFTSpectrogram(mode="real", frame_length=8, frame_step=8, fft_length=8, window=None,
                                   scaling=None)
    x = _signal(1, 32, 1)
    frames = x[0, :, 0].reshape(4, 8)
    np.testing.assert_allclose(layer(x).detach().numpy()[0], np.fft.rfft(frames).real, atol=1e-5)


def test_stft_spectrogram_weights_follow_the_mode():
    x = _signal(1, 32, 1)
    both = layers.STFTSpectrogram(frame_length=8)
    both(x)
    assert [w.path for w in both.weights] == ["stft_spectrogram/real_kernel", "stft_spectrogram/imag_kernel"]
    assert both.real_kernel.shape == (8, 1, 5)
    real_only = layers.STFTSpectrogram(frame_length=8, mode="real")
    real_only(x)
    assert [w.name for w in real_only.weights] == ["real_kernel"]


def test_stft_spectrogram_trains_in_a_model_and_saves(tmp_path):
    inputs = keras.Input((32, 1))
    spectrum = layers.STFTSpectrogram(frame_length=8, frame_step=4, mode="magnitude")(inputs)
    assert tuple(spectrum.shape) == (None, 7, 5)
    outputs = layers.Dense(1)(layers.Flatten()(spectrum))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    x, y = _signal(8, 32, 1), np.ones((8, 1), "float32")
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    path = tmp_path / "stft.keras"
    model.save(path)
    restored = keras.saving.load_model(path)
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(frame_length=8, frame_step=9), "frame_step"),
        (dict(frame_length=8, fft_length=4), "fft_length"),
        (dict(mode="power"), "mode"),
        (dict(scaling="energy"), "Scaling"),
        (dict(padding="causal"), "Padding"),
    ],
)
def test_stft_spectrogram_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        layers.STFTSpectrogram(**kwargs)


def test_stft_spectrogram_rejects_integer_signals():
    with pytest.raises(TypeError, match="float32"):
        layers.STFTSpectrogram(frame_length=8, window=None)(np.ones((1, 16, 1), "int32"))


def test_mel_spectrogram_output_shape_and_range():
    layer = layers.MelSpectrogram(fft_length=64, sequence_stride=16, num_mel_bins=10, sampling_rate=8000)
    out = layer(_signal(2, 256))
    assert tuple(out.shape) == (2, 10, 17) == tuple(layer.compute_output_shape((2, 256)))
    assert float(out.max() - out.min()) <= 80.0 + 1e-4
    assert layer.compute_output_shape((None,)) == (10, None)


def test_mel_spectrogram_filters_are_triangles_that_sum_to_one_inside_the_range():
    from kerasbridge.layers.preprocessing.mel_spectrogram import linear_to_mel_weight_matrix

    weights = linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=513, sampling_rate=16000,
                                          lower_edge_hertz=0.0, upper_edge_hertz=8000.0)
    assert tuple(weights.shape) == (513, 20)
    assert torch.all(weights[0] == 0)
    inner = weights[40:440].sum(dim=1)  # between the first and the last band centre (~50 Hz to ~7 kHz)
    np.testing.assert_allclose(inner.numpy(), np.ones(400), atol=1e-5)


def test_mel_spectrogram_config_round_trip():
    layer = layers.MelSpectrogram(fft_length=64, num_mel_bins=12, power_to_db=False)
    rebuilt = layers.MelSpectrogram.from_config(layer.get_config())
    assert rebuilt.get_config() == layer.get_config()
    assert layer.get_config()["max_freq"] == 8000 and layer.get_config()["sequence_length"] == 64


def test_mel_spectrogram_rejects_a_frame_longer_than_the_fft():
    with pytest.raises(ValueError, match="fft_length"):
        layers.MelSpectrogram(fft_length=32, sequence_length=64)
