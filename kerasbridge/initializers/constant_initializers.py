"""Deterministic initializers: constants, the identity matrix and STFT kernels."""

from __future__ import annotations

import torch

from kerasbridge.backend.device import get_device
from kerasbridge.backend.dtypes import standardize_dtype, to_torch_dtype
from kerasbridge.backend.tensor import convert_to_tensor
from kerasbridge.initializers.initializer import Initializer, deserialize_value, serialize_value


class Constant(Initializer):
    """Initializer that fills tensors with a constant value.

    Args:
        value: A Python scalar (or a value broadcastable to the requested shape).

    Example:

    >>> init = Constant(3.0)
    >>> values = init(shape=(2, 2))
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        dtype = to_torch_dtype(standardize_dtype(dtype))
        ones = torch.ones(tuple(shape), dtype=dtype, device=get_device())
        return convert_to_tensor(self.value, dtype=dtype) * ones

    def get_config(self) -> dict:
        return {"value": serialize_value(self.value)}

    @classmethod
    def from_config(cls, config: dict):
        return cls(deserialize_value(config["value"]))


class Zeros(Initializer):
    """Initializer that fills tensors with 0.

    Example:

    >>> values = Zeros()(shape=(2, 2))
    """

    def __call__(self, shape, dtype=None):
        """Return a tensor of zeros.

        Args:
            shape: Shape of the tensor.
            dtype: Optional numeric or boolean dtype; `None` means `floatx()`.
        """
        return torch.zeros(tuple(shape), dtype=to_torch_dtype(standardize_dtype(dtype)), device=get_device())


class Ones(Initializer):
    """Initializer that fills tensors with 1.

    Example:

    >>> values = Ones()(shape=(2, 2))
    """

    def __call__(self, shape, dtype=None):
        """Return a tensor of ones.

        Args:
            shape: Shape of the tensor.
            dtype: Optional numeric or boolean dtype; `None` means `floatx()`.
        """
        return torch.ones(tuple(shape), dtype=to_torch_dtype(standardize_dtype(dtype)), device=get_device())


class Identity(Initializer):
    """Initializer that produces a (scaled) identity matrix; 2D shapes only.

    Args:
        gain: Multiplicative factor applied to the identity matrix.

    Example:

    >>> values = Identity(gain=2.0)(shape=(3, 3))
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D matrices. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        dtype = to_torch_dtype(standardize_dtype(dtype))
        return self.gain * torch.eye(*shape, dtype=dtype, device=get_device())

    def get_config(self) -> dict:
        return {"gain": self.gain}


def _torch_window(name: str, length: int, periodic: bool) -> torch.Tensor:
    builders = {
        "hann": torch.hann_window,
        "hanning": torch.hann_window,
        "hamming": torch.hamming_window,
        "blackman": torch.blackman_window,
        "bartlett": torch.bartlett_window,
        "boxcar": lambda n, periodic, dtype: torch.ones(n, dtype=dtype),
        "rectangular": lambda n, periodic, dtype: torch.ones(n, dtype=dtype),
    }
    if name not in builders:
        raise ValueError(
            f"Unknown window '{name}'. Without scipy, supported windows are {sorted(builders)}."
        )
    return builders[name](length, periodic=periodic, dtype=torch.float64)


def _get_window(name: str, length: int, periodic: bool):
    """A window as `scipy.signal.get_window` computes it (scipy if installed, else torch)."""
    try:
        import scipy.signal
    except ImportError:
        return _torch_window(name, length, periodic)
    return scipy.signal.get_window(name, length, periodic)


class STFT(Initializer):
    """Initializer of Conv kernels computing a short-time Fourier transform.

    Kernels have shape `(frame_length, 1, fft_length // 2 + 1)` and hold either
    the real (cosine) or the imaginary (sine) part of the DFT basis, optionally
    multiplied by a window.

    Args:
        side: `"real"` or `"imag"`: which part of the transform to compute.
        window: Name of a window (as in `scipy.signal.windows`, e.g. `"hann"`,
            `"hamming"`), an array of window values, or `None`.
        scaling: `"density"` (L2 normalization of the window), `"spectrum"`
            (L1 normalization) or `None`.
        periodic: Whether the named window is periodic. Defaults to `False`.
    """

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in ["real", "imag"]:
            raise ValueError(f"side should be 'real' or 'imag', not {side}")
        if isinstance(window, str):
            _get_window(window, 1, periodic)
        if scaling is not None and scaling not in ["density", "spectrum"]:
            raise ValueError(
                f"Scaling is invalid, it must be `None`, 'density' or 'spectrum'. Received scaling={scaling}"
            )
        self.side = side
        self.window = window
        self.scaling = scaling
        self.periodic = periodic

    def __call__(self, shape, dtype=None):
        """Return the STFT kernel.

        Args:
            shape: `(frame_length, input_channels, fft_length // 2 + 1)`.
            dtype: Optional dtype; `None` means `floatx()`.
        """
        dtype = to_torch_dtype(standardize_dtype(dtype))
        device = get_device()
        frame_length, _, fft_length = shape
        win = None
        scaling = 1
        if self.window is not None:
            win = self.window
            if isinstance(win, str):
                win = _get_window(win, frame_length, self.periodic)
            win = convert_to_tensor(win, dtype=dtype)
            if len(win.shape) != 1 or win.shape[-1] != frame_length:
                raise ValueError(
                    f"The shape of `window` must be equal to [frame_length].Received: window shape={win.shape}"
                )
            win = win.reshape(frame_length, 1, 1)
            if self.scaling == "density":
                scaling = torch.sqrt(torch.sum(torch.square(win)))
            elif self.scaling == "spectrum":
                scaling = torch.sum(torch.abs(win))
        freq = torch.arange(fft_length, dtype=dtype, device=device).reshape(1, 1, fft_length)
        freq = torch.divide(freq, (fft_length - 1) * 2)
        time = torch.arange(frame_length, dtype=dtype, device=device).reshape(frame_length, 1, 1)
        pi = torch.arccos(torch.tensor(-1, dtype=dtype, device=device))
        args = (-2 * time) * freq * pi
        kernel = torch.cos(args) if self.side == "real" else torch.sin(args)
        kernel = kernel.to(dtype)
        if win is not None:
            kernel = torch.divide(kernel * win, scaling)
        return kernel

    def get_config(self) -> dict:
        return {
            "side": self.side,
            "window": self.window,
            "periodic": self.periodic,
            "scaling": self.scaling,
        }

