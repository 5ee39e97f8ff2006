"""`STFTSpectrogram`: a short-time Fourier transform computed with (trainable) convolution kernels."""

from __future__ import annotations

import math
import warnings

import torch

from kerasbridge import ops
from kerasbridge.backend.config import epsilon, standardize_data_format
from kerasbridge.initializers import STFT
from kerasbridge.initializers.constant_initializers import _get_window
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer

_MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")


def _conv_length(length, frame_length: int, frame_step: int, padding: str):
    if length is None:
        return None
    if padding == "same":
        return -(-length // frame_step)
    return (length - frame_length) // frame_step + 1


class STFTSpectrogram(Layer):
    """Spectrogram of a 1-D signal by a short-time Fourier transform, computed as a strided convolution.

    The real and imaginary parts of the windowed DFT basis are stored as Conv1D
    kernels (`real_kernel`, `imag_kernel`, each `(frame_length, 1, fft_length // 2 + 1)`,
    initialised by `keras.initializers.STFT`), so the transform runs as a convolution
    and can be fine-tuned. Every input channel is transformed independently.

    Args:
        mode: Output type: `"log"` (log magnitude, default), `"magnitude"`, `"psd"`
            (power spectral density), `"real"`, `"imag"`, `"angle"` or `"stft"`
            (real and imaginary parts concatenated along the frequency axis).
        frame_length: Length of each frame (window) in samples. Defaults to 256.
        frame_step: Hop between frames. Defaults to `frame_length // 2`.
        fft_length: Size of the FFT (at least `frame_length`). Defaults to the
            smallest power of two not less than `frame_length`.
        window: `"hann"` (default), `"hamming"` or another scipy window name, or
            an array of `frame_length` window values, or `None`.
        periodic: Whether a named window is periodic. Defaults to `False`.
        scaling: `"density"` (default), `"spectrum"` or `None`: normalisation of the window.
        padding: `"valid"` (default) or `"same"`.
        expand_dims: Whether to give the output a separate channel axis (image-like output).
        data_format: `"channels_last"` or `"channels_first"` (defaults to the global image data format).
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        `(batch_size, time_length, channels)` for `"channels_last"`, else
        `(batch_size, channels, time_length)`.

    Output shape:
        `"channels_last"`: `(batch_size, frames, channels * freq_bins)`, or
        `(batch_size, frames, freq_bins, channels)` with `expand_dims`.
        `"channels_first"`: `(batch_size, channels * freq_bins, frames)`, or
        `(batch_size, channels, frames, freq_bins)` with `expand_dims`.
        `freq_bins` is `fft_length // 2 + 1` (twice that for `mode="stft"`).
    """

    def __init__(
        self,
        mode="log",
        frame_length=256,
        frame_step=None,
        fft_length=None,
        window="hann",
        periodic=False,
        scaling="density",
        padding="valid",
        expand_dims=False,
        data_format=None,
        **kwargs,
    ):
        if frame_step is not None and (frame_step > frame_length or frame_step < 1):
            raise ValueError(
                "`frame_step` should be a positive integer not greater than `frame_length`. "
                f"Received frame_step={frame_step}, frame_length={frame_length}"
            )
        if fft_length is not None and fft_length < frame_length:
            raise ValueError(
                "`fft_length` should be not less than `frame_length`. "
                f"Received fft_length={fft_length}, frame_length={frame_length}"
            )
        if fft_length is not None and (fft_length & -fft_length) != fft_length:
            warnings.warn(
                f"`fft_length` is recommended to be a power of two. Received fft_length={fft_length}", stacklevel=2
            )
        if mode not in _MODES:
            raise ValueError(f"Output mode is invalid, it must be one of {', '.join(_MODES)}. Received: mode={mode}")
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError(
                f"Scaling is invalid, it must be `None`, 'density' or 'spectrum'. Received scaling={scaling}"
            )
        if padding not in ("valid", "same"):
            raise ValueError(f"Padding is invalid, it should be 'valid', 'same'. Received: padding={padding}")
        if isinstance(window, str):
            _get_window(window, 1, periodic)
        super().__init__(**kwargs)
        self.mode = mode
        self.frame_length = frame_length
        self.frame_step = frame_step
        self._frame_step = frame_step or frame_length // 2
        self.fft_length = fft_length
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.window = window
        self.periodic = periodic
        self.scaling = scaling
        self.padding = padding
        self.expand_dims = expand_dims
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape):
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        if self.mode != "imag":
            self.real_kernel = self.add_weight(
                name="real_kernel", shape=shape,
                initializer=STFT("real", self.window, self.scaling, self.periodic),
            )
        if self.mode != "real":
            self.imag_kernel = self.add_weight(
                name="imag_kernel", shape=shape,
                initializer=STFT("imag", self.window, self.scaling, self.periodic),
            )

    def _convolve(self, inputs: torch.Tensor, kernel) -> torch.Tensor:
        """Transform every channel: returns `(batch, channels, freq_bins, frames)`."""
        if self.data_format == "channels_last":
            batch, time_length, channels = inputs.shape
            signals = inputs.transpose(1, 2).reshape(-1, time_length, 1)
        else:
            batch, channels, time_length = inputs.shape
            signals = inputs.reshape(-1, 1, time_length)
        kernel = ops.cast(kernel, inputs.dtype)
        outputs = ops.conv(signals, kernel, strides=self._frame_step, padding=self.padding,
                           data_format=self.data_format)
        if self.data_format == "channels_last":
            outputs = outputs.transpose(1, 2)
        return outputs.reshape(batch, channels, outputs.shape[1], outputs.shape[2])

    def _arrange(self, outputs: torch.Tensor) -> torch.Tensor:
        """`(batch, channels, freq_bins, frames)` to the layer's output layout."""
        batch, channels, freq_bins, frames = outputs.shape
        if self.expand_dims:
            return outputs.permute(0, 3, 2, 1) if self.data_format == "channels_last" else outputs.transpose(2, 3)
        outputs = outputs.reshape(batch, channels * freq_bins, frames)
        return outputs.transpose(1, 2) if self.data_format == "channels_last" else outputs

    def call(self, inputs):
        inputs = ops.convert_to_tensor(inputs)
        if inputs.dtype not in (torch.float16, torch.float32, torch.float64):
            raise TypeError(
                f"Invalid input type. Expected `float16`, `float32` or `float64`. Received: input type={inputs.dtype}"
            )
        real = self._convolve(inputs, self.real_kernel) if self.mode != "imag" else None
        imag = self._convolve(inputs, self.imag_kernel) if self.mode != "real" else None
        if self.mode == "real":
            return self._arrange(real)
        if self.mode == "imag":
            return self._arrange(imag)
        if self.mode == "angle":
            return self._arrange(torch.atan2(imag, real))
        if self.mode == "stft":
            return self._arrange(torch.cat([real, imag], dim=2))
        power = torch.square(real) + torch.square(imag)
        if self.mode == "psd":
            # one-sided spectrum: every bin but the first and the last counts twice
            doubled = torch.nn.functional.pad(power[:, :, 1:-1, :], (0, 0, 1, 1))
            return self._arrange(power + doubled)
        eps = epsilon()
        magnitude = self._arrange(torch.sqrt(torch.clamp(power, min=eps)))
        if self.mode == "magnitude":
            return magnitude
        return torch.log(torch.clamp(magnitude, min=eps))

    def compute_output_shape(self, input_shape):
        if self.data_format == "channels_last":
            batch, time_length, channels = input_shape
        else:
            batch, channels, time_length = input_shape
        freq_bins = self._fft_length // 2 + 1
        if self.mode == "stft":
            freq_bins *= 2
        frames = _conv_length(time_length, self.frame_length, self._frame_step, self.padding)
        if self.expand_dims:
            if self.data_format == "channels_last":
                return (batch, frames, freq_bins, channels)
            return (batch, channels, frames, freq_bins)
        features = None if channels is None else freq_bins * channels
        if self.data_format == "channels_last":
            return (batch, frames, features)
        return (batch, features, frames)

    def get_config(self):
        return {
            **super().get_config(),
            "mode": self.mode,
            "frame_length": self.frame_length,
            "frame_step": self.frame_step,
            "fft_length": self.fft_length,
            "window": self.window,
            "periodic": self.periodic,
            "scaling": self.scaling,
            "padding": self.padding,
            "data_format": self.data_format,
            "expand_dims": self.expand_dims,
        }
