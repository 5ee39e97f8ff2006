"""`keras.ops.math`: segment reductions, top-k, logsumexp, special functions and FFTs.

Complex results of the FFT ops are returned Keras-style, as `(real, imag)` pairs.
"""

from __future__ import annotations

import torch

from kerasbridge.ops._utils import get_device, tensor
from kerasbridge.ops.operation import symbolic_op

_SEGMENT_FILL = {"sum": 0.0, "amax": float("-inf"), "amin": float("inf"), "prod": 1.0}


def _check_segments(data, segment_ids):
    if len(segment_ids.shape) > 1:
        raise ValueError(
            "Argument `segment_ids` should be an 1-D vector, got shape: "
            f"{len(segment_ids.shape)}. Consider either flatten input with segment_ids.reshape((-1)) and "
            "data.reshape((-1, ) + data.shape[len(segment_ids.shape):]) or vectorize with vmap."
        )
    if segment_ids.shape[0] is not None and data.shape[0] is not None and segment_ids.shape[0] != data.shape[0]:
        raise ValueError(
            "Argument `segment_ids` and `data` should have same leading dimension. "
            f"Got {tuple(segment_ids.shape)} v.s. {tuple(data.shape)}."
        )


def _segment_reduce(data, segment_ids, reduction, num_segments):
    data, segment_ids = tensor(data), tensor(segment_ids)
    _check_segments(data, segment_ids)
    ids = segment_ids.to(device=data.device, dtype=torch.int64)
    if num_segments is None:
        num_segments = int(ids.max()) + 1 if ids.numel() else 0
    # Out-of-range ids (e.g. -1) go to an extra row that is dropped at the end.
    ids = torch.where((ids >= 0) & (ids < num_segments), ids, num_segments)
    index = ids.reshape((-1,) + (1,) * (data.ndim - 1)).expand(data.shape)
    result = torch.full((num_segments + 1,) + tuple(data.shape[1:]), _SEGMENT_FILL[reduction],
                        dtype=torch.float32, device=data.device)
    result = result.scatter_reduce(0, index, data.float(), reduction)
    return result[:-1].to(data.dtype)


@symbolic_op
def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """Sum of the rows of `data` sharing each segment id.

    Args:
        data: Input tensor.
        segment_ids: 1-D integer tensor with one id per row of `data`.
        num_segments: Number of segments (default: the largest id + 1).
        sorted: Whether `segment_ids` is sorted (accepted for API compatibility).

    Returns:
        A tensor of shape `(num_segments,) + data.shape[1:]`.
    """
    return _segment_reduce(data, segment_ids, "sum", num_segments)


@symbolic_op
def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """Maximum of the rows of `data` sharing each segment id (`-inf` for empty segments)."""
    return _segment_reduce(data, segment_ids, "amax", num_segments)


@symbolic_op
def segment_min(data, segment_ids, num_segments=None, sorted=False):
    """Minimum of the rows of `data` sharing each segment id (`inf` for empty segments)."""
    return _segment_reduce(data, segment_ids, "amin", num_segments)


@symbolic_op
def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """Product of the rows of `data` sharing each segment id."""
    return _segment_reduce(data, segment_ids, "prod", num_segments)


@symbolic_op
def top_k(x, k, sorted=True):
    """The `k` largest values along the last axis and their indices.

    Args:
        x: Input tensor.
        k: Number of top elements to find.
        sorted: Whether to return them in descending order.

    Returns:
        A named tuple `(values, indices)`.
    """
    return torch.topk(tensor(x), k, sorted=sorted)


@symbolic_op
def in_top_k(targets, predictions, k):
    """Whether each target is among the `k` top predictions (ties count as in).

    Args:
        targets: 1-D integer tensor of target classes.
        predictions: 2-D tensor of scores, `(batch, num_classes)`.
        k: Number of top elements to consider.

    Returns:
        A 1-D boolean tensor.
    """
    targets = tensor(targets).to(torch.int64)[:, None]
    predictions = tensor(predictions)
    kth = torch.topk(predictions, k).values
    target_values = torch.take_along_dim(predictions, targets.to(predictions.device), dim=-1)
    return torch.any(target_values >= kth, dim=-1)


@symbolic_op
def logsumexp(x, axis=None, keepdims=False):
    """Compute `log(sum(exp(x)))` along `axis`, stably.

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce (all by default).
        keepdims: Whether to keep the reduced axes with size 1.

    Returns:
        The log of the sum of exponentials.
    """
    x = tensor(x)
    axis = tuple(range(x.ndim)) if axis is None else axis
    return torch.logsumexp(x, dim=axis, keepdim=keepdims)


@symbolic_op
def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of `sequence_length` samples every `sequence_stride` along the last axis.

    Returns:
        A tensor of shape `x.shape[:-1] + (num_sequences, sequence_length)`.
    """
    return tensor(x).unfold(-1, sequence_length, sequence_stride).contiguous()


def _unary(torch_fn, name, doc):
    def fn(x):
        return torch_fn(tensor(x))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"{doc}\n\n    Args:\n        x: Input tensor.\n\n    Returns:\n        Output tensor.\n    "
    return symbolic_op(fn)


rsqrt = _unary(torch.rsqrt, "rsqrt", "Reciprocal of the square root, element-wise.")
erf = _unary(torch.erf, "erf", "The error function, element-wise.")
erfc = _unary(torch.erfc, "erfc", "The complementary error function `1 - erf(x)`, element-wise.")
erfinv = _unary(torch.erfinv, "erfinv", "The inverse error function, element-wise.")
logdet = _unary(torch.logdet, "logdet", "Log-determinant of (batches of) square matrices.")


@symbolic_op
def cdist(x, y):
    """Pairwise Euclidean distances between the rows of `x` and `y` (batch dims broadcast)."""
    x, y = tensor(x), tensor(y)
    if x.ndim < 2 or y.ndim < 2:
        raise ValueError("`cdist` inputs must have rank >= 2")
    if x.shape[-1] != y.shape[-1]:
        raise ValueError("Last dimension of inputs to `cdist` must match")
    diff = x.unsqueeze(-2) - y.unsqueeze(-3)
    return torch.sqrt(torch.sum(diff * diff, dim=-1))


def _complex(x):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"Input `x` should be a tuple of two tensors - real and imaginary.Received: x={x}")
    real, imag = tensor(x[0]), tensor(x[1])
    if real.shape != imag.shape:
        raise ValueError(
            "Input `x` should be a tuple of two tensors - real and imaginary.Both the real and imaginary "
            f"parts should have the same shape. Received: x[0].shape = {tuple(real.shape)}, "
            f"x[1].shape = {tuple(imag.shape)}"
        )
    if not real.is_floating_point() or not imag.is_floating_point():
        raise ValueError(f"At least one tensor in input `x` is not of type float.Received: x={x}.")
    return torch.complex(real, imag)


@symbolic_op
def fft(x):
    """Fast Fourier transform along the last axis of a `(real, imag)` pair; returns a pair."""
    out = torch.fft.fft(_complex(x))
    return out.real, out.imag


@symbolic_op
def fft2(x):
    """2-D fast Fourier transform over the last two axes of a `(real, imag)` pair."""
    out = torch.fft.fft2(_complex(x))
    return out.real, out.imag


@symbolic_op
def ifft2(x):
    """2-D inverse fast Fourier transform over the last two axes of a `(real, imag)` pair."""
    out = torch.fft.ifft2(_complex(x))
    return out.real, out.imag


@symbolic_op
def rfft(x, fft_length=None):
    """Real-input fast Fourier transform along the last axis; returns `(real, imag)`."""
    out = torch.fft.rfft(tensor(x), n=fft_length, dim=-1, norm="backward")
    return out.real, out.imag


@symbolic_op
def irfft(x, fft_length=None):
    """Inverse of `rfft`: a real signal from a `(real, imag)` half spectrum."""
    return torch.fft.irfft(_complex(x), n=fft_length, dim=-1, norm="backward")


def _window(window, length, dtype):
    if window is None:
        return torch.ones((length,), dtype=dtype, device=get_device())
    if isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError(
                f'If a string is passed to `window`, it must be one of `"hann"`, `"hamming"`. Received: window={window}'
            )
        make = torch.hann_window if window == "hann" else torch.hamming_window
        return make(length, periodic=True, dtype=dtype, device=get_device())
    win = tensor(window, dtype)
    if win.ndim != 1 or win.shape[-1] != length:
        raise ValueError(f"The shape of `window` must be equal to [sequence_length].Received: window shape={tuple(win.shape)}")
    return win


@symbolic_op
def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform along the last axis; returns `(real, imag)`.

    Args:
        x: Real float32/float64 signal, shape `(..., samples)`.
        sequence_length: Length of each frame.
        sequence_stride: Hop between frames.
        fft_length: FFT size (>= `sequence_length`).
        window: `"hann"`, `"hamming"`, a 1-D tensor, or None.
        center: Whether to pad the signal so frames are centered.

    Returns:
        Real and imaginary parts, each `(..., num_frames, fft_length // 2 + 1)`.
    """
    if not isinstance(sequence_stride, int) or sequence_stride <= 0:
        raise ValueError(f"`sequence_stride` must be a positive integer. Received: sequence_stride={sequence_stride}")
    x = tensor(x)
    if x.dtype not in (torch.float32, torch.float64):
        raise TypeError(f"Invalid input type. Expected `float32` or `float64`. Received: input type={x.dtype}")
    if fft_length < sequence_length:
        raise ValueError(
            "`fft_length` must equal or larger than `sequence_length`. "
            f"Received: sequence_length={sequence_length}, fft_length={fft_length}"
        )
    win = _window(window, sequence_length, x.dtype)
    batch_shape = x.shape[:-1]
    out = torch.stft(x.reshape(-1, x.shape[-1]), n_fft=fft_length, hop_length=sequence_stride,
                     win_length=sequence_length, window=win, center=center, return_complex=True)
    out = out.reshape(*batch_shape, *out.shape[-2:]).swapaxes(-2, -1)
    return out.real, out.imag


@symbolic_op
def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """Inverse short-time Fourier transform of a `(real, imag)` pair.

    Args:
        x: Real and imaginary parts, each `(..., num_frames, fft_length // 2 + 1)`.
        sequence_length: Length of each frame.
        sequence_stride: Hop between frames.
        fft_length: FFT size used by the forward transform.
        length: Length of the output signal (inferred by default).
        window: `"hann"`, `"hamming"`, a 1-D tensor, or None.
        center: Whether the forward transform centered its frames.

    Returns:
        The reconstructed real signal, shape `(..., samples)`.
    """
    if not isinstance(sequence_stride, int) or sequence_stride <= 0:
        raise ValueError(f"`sequence_stride` must be a positive integer. Received: sequence_stride={sequence_stride}")
    spectrum = _complex(x)
    dtype = spectrum.real.dtype
    win = None if window is None else _window(window, sequence_length, dtype)
    if sequence_length == fft_length and center and win is not None:
        batch_shape = spectrum.shape[:-2]
        flat = spectrum.reshape(-1, *spectrum.shape[-2:]).swapaxes(-2, -1)
        out = torch.istft(flat, n_fft=fft_length, hop_length=sequence_stride, win_length=sequence_length,
                          window=win, center=True, length=length, return_complex=False)
        return out.reshape(*batch_shape, out.shape[-1])
    frames = torch.fft.irfft(spectrum, n=fft_length, dim=-1)
    num_frames = frames.shape[-2]
    if win is not None:
        left = (fft_length - sequence_length) // 2
        win = torch.nn.functional.pad(win, (left, fft_length - sequence_length - left))
        periods = -(-fft_length // sequence_stride)
        squared = torch.nn.functional.pad(win**2, (0, periods * sequence_stride - fft_length))
        envelope = squared.reshape(periods, sequence_stride).sum(0).repeat(periods)[:fft_length]
        frames = frames * (win / envelope)
    positions = (torch.arange(num_frames, device=frames.device)[:, None] * sequence_stride
                 + torch.arange(fft_length, device=frames.device)[None, :]).reshape(-1)
    total = sequence_stride * (num_frames - 1) + fft_length
    signal = torch.zeros((*frames.shape[:-2], total), dtype=frames.dtype, device=frames.device)
    signal = signal.index_add(-1, positions, frames.reshape(*frames.shape[:-2], -1))
    start = fft_length // 2 if center else 0
    if length is not None:
        end = start + length
    else:
        end = total - fft_length // 2 if center else total
    return signal[..., start:end]


@symbolic_op
def view_as_complex(x):
    """A complex64 tensor from a real tensor whose last axis (size 2) holds (real, imag)."""
    x = tensor(x)
    if x.ndim < 1 or x.shape[-1] != 2:
        raise ValueError(f"Last dimension of input must be size 2 (real and imaginary). Received shape: {tuple(x.shape)}")
    return torch.complex(x[..., 0].to(torch.float32), x[..., 1].to(torch.float32))


@symbolic_op
def view_as_real(x):
    """A real tensor with a trailing axis of size 2 holding the real and imaginary parts."""
    x = tensor(x)
    return torch.stack((torch.real(x), torch.imag(x)), dim=-1)


@symbolic_op
def polar(abs_, angle):
    """A complex tensor from magnitudes `abs_` and angles `angle` (radians)."""
    abs_, angle = tensor(abs_), tensor(angle)
    return torch.complex(abs_ * torch.cos(angle), abs_ * torch.sin(angle))


__all__ = [
    "cdist", "erf", "erfc", "erfinv", "extract_sequences", "fft", "fft2", "ifft2", "in_top_k", "irfft",
    "istft", "logdet", "logsumexp", "polar", "rfft", "rsqrt", "segment_max", "segment_min", "segment_prod",
    "segment_sum", "stft", "top_k", "view_as_complex", "view_as_real",
]
