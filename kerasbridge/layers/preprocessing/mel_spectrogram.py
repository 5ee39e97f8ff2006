"""`MelSpectrogram`: power spectrogram of audio on the mel scale, optionally in decibels."""

from __future__ import annotations

import torch

from kerasbridge.backend.dtypes import to_torch_dtype
from kerasbridge.layers.layer import Layer
from kerasbridge.ops.math import stft

# The HTK mel scale: mel = 1127 * ln(1 + hertz / 700).
_MEL_BREAK_FREQUENCY_HERTZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


def hertz_to_mel(frequencies_hertz):
    """Converts frequencies in hertz to the (HTK) mel scale."""
    return _MEL_HIGH_FREQUENCY_Q * torch.log(1.0 + frequencies_hertz / _MEL_BREAK_FREQUENCY_HERTZ)


def _linspace(start: torch.Tensor, stop: torch.Tensor, num: int) -> torch.Tensor:
    """`num` evenly spaced values from `start` to `stop` (both included), as `start + i / (num - 1) * span`."""
    steps = torch.arange(num, dtype=start.dtype, device=start.device) / (num - 1)
    return start[None] + steps * (stop - start)[None]


def linear_to_mel_weight_matrix(
    num_mel_bins=20,
    num_spectrogram_bins=129,
    sampling_rate=8000,
    lower_edge_hertz=125.0,
    upper_edge_hertz=3800.0,
    dtype="float32",
    device=None,
) -> torch.Tensor:
    """A `(num_spectrogram_bins, num_mel_bins)` matrix of triangular mel filters.

    Each mel band is a triangle, linear in mel, rising from its lower edge to its
    centre and falling to its upper edge; the band edges split
    `[lower_edge_hertz, upper_edge_hertz]` into `num_mel_bins + 2` equal mel steps.
    The DC bin (row 0) is all zeros, as in HTK.
    """
    dtype = to_torch_dtype(dtype)
    nyquist_hertz = torch.tensor(float(sampling_rate), dtype=dtype, device=device) / 2.0
    zero = torch.zeros((), dtype=dtype, device=device)
    linear_frequencies = _linspace(zero, nyquist_hertz, num_spectrogram_bins)
    spectrogram_bins_mel = hertz_to_mel(linear_frequencies[1:]).unsqueeze(1)
    lower = hertz_to_mel(torch.tensor(lower_edge_hertz, dtype=dtype, device=device))
    upper = hertz_to_mel(torch.tensor(upper_edge_hertz, dtype=dtype, device=device))
    band_edges_mel = _linspace(lower, upper, num_mel_bins + 2)
    lower_edge_mel = band_edges_mel[:-2].reshape(1, num_mel_bins)
    center_mel = band_edges_mel[1:-1].reshape(1, num_mel_bins)
    upper_edge_mel = band_edges_mel[2:].reshape(1, num_mel_bins)
    lower_slopes = (spectrogram_bins_mel - lower_edge_mel) / (center_mel - lower_edge_mel)
    upper_slopes = (upper_edge_mel - spectrogram_bins_mel) / (upper_edge_mel - center_mel)
    weights = torch.maximum(zero, torch.minimum(lower_slopes, upper_slopes))
    return torch.nn.functional.pad(weights, (0, 0, 1, 0))


class MelSpectrogram(Layer):
    """Converts raw audio into a mel-scaled (power or decibel) spectrogram.

    The signal is framed and transformed by a short-time Fourier transform (frames
    centred, `window` applied), the magnitude is raised to `mag_exp`, projected on
    `num_mel_bins` triangular mel filters between `min_freq` and `max_freq`, and,
    with `power_to_db`, converted to decibels relative to `ref_power` and clipped
    at `top_db` below the maximum.

    Args:
        fft_length: FFT size. Defaults to 2048.
        sequence_stride: Hop between frames. Defaults to 512.
        sequence_length: Window length (at most `fft_length`). Defaults to `fft_length`.
        window: `"hann"` (default), `"hamming"` or `None`.
        sampling_rate: Sampling rate of the audio in Hz. Defaults to 16000.
        num_mel_bins: Number of mel bands. Defaults to 128.
        min_freq: Lowest frequency of the filters in Hz. Defaults to 20.
        max_freq: Highest frequency in Hz. Defaults to `sampling_rate / 2`.
        power_to_db: Whether to convert the spectrogram to decibels. Defaults to `True`.
        top_db: Dynamic range kept below the maximum, in dB. Defaults to 80.
        mag_exp: Exponent of the magnitude (1 for energy, 2 for power). Defaults to 2.
        min_power: Floor of the power before the logarithm. Defaults to 1e-10.
        ref_power: Power that maps to 0 dB. Defaults to 1.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        `(samples,)` or `(batch, samples)`.

    Output shape:
        `(num_mel_bins, frames)` or `(batch, num_mel_bins, frames)`, with
        `frames = (samples + sequence_stride + 1) // sequence_stride`.
    """

    def __init__(
        self,
        fft_length=2048,
        sequence_stride=512,
        sequence_length=None,
        window="hann",
        sampling_rate=16000,
        num_mel_bins=128,
        min_freq=20.0,
        max_freq=None,
        power_to_db=True,
        top_db=80.0,
        mag_exp=2.0,
        min_power=1e-10,
        ref_power=1.0,
        **kwargs,
    ):
        self.fft_length = fft_length
        self.sequence_stride = sequence_stride
        self.sequence_length = sequence_length or fft_length
        if self.fft_length < self.sequence_length:
            raise ValueError(
                "`fft_length` must be greater than or equal to   `sequence_length`. "
                f"Received: `sequence_length`={self.sequence_length}, `fft_length`={self.fft_length}."
            )
        self.window = window
        self.sampling_rate = sampling_rate
        self.num_mel_bins = num_mel_bins
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db = power_to_db
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power
        super().__init__(**kwargs)
        self._allow_non_tensor_positional_args = True

    def call(self, inputs):
        dtype = self.compute_dtype if self.compute_dtype in ("float32", "float64") else "float32"
        signal = torch.as_tensor(inputs).to(to_torch_dtype(dtype))
        real, imag = stft(
            signal, sequence_length=self.sequence_length, sequence_stride=self.sequence_stride,
            fft_length=self.fft_length, window=self.window, center=True,
        )
        spectrum = torch.pow(torch.sqrt(torch.square(real) + torch.square(imag)), self.mag_exp)
        filters = linear_to_mel_weight_matrix(
            num_mel_bins=self.num_mel_bins, num_spectrogram_bins=spectrum.shape[-1],
            sampling_rate=self.sampling_rate, lower_edge_hertz=self.min_freq,
            upper_edge_hertz=self.max_freq, device=spectrum.device,
        ).to(spectrum.dtype)
        outputs = torch.tensordot(spectrum, filters, dims=1)
        if self.power_to_db:
            outputs = self._to_decibels(outputs)
        return outputs.swapaxes(-1, -2).to(to_torch_dtype(self.compute_dtype))

    def _to_decibels(self, power: torch.Tensor) -> torch.Tensor:
        min_power = torch.tensor(self.min_power, dtype=power.dtype, device=power.device)
        decibels = 10.0 * torch.log10(torch.maximum(power, min_power))
        reference = torch.abs(torch.tensor(self.ref_power, dtype=power.dtype, device=power.device))
        decibels = decibels - 10.0 * torch.log10(torch.maximum(reference, min_power))
        return torch.maximum(decibels, torch.max(decibels) - self.top_db)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        length = input_shape[-1]
        frames = None if length is None else (length + self.sequence_stride + 1) // self.sequence_stride
        return input_shape[:-1] + (self.num_mel_bins, frames)

    def get_config(self):
        return {
            **super().get_config(),
            "fft_length": self.fft_length,
            "sequence_stride": self.sequence_stride,
            "sequence_length": self.sequence_length,
            "window": self.window,
            "sampling_rate": self.sampling_rate,
            "num_mel_bins": self.num_mel_bins,
            "min_freq": self.min_freq,
            "max_freq": self.max_freq,
            "power_to_db": self.power_to_db,
            "top_db": self.top_db,
            "mag_exp": self.mag_exp,
            "min_power": self.min_power,
            "ref_power": self.ref_power,
        }
