"""Shared helpers of the convolution and pooling ops: spatial rank, layout moves, Keras's "same" padding."""

from __future__ import annotations


def _spatial_rank(x, what: str) -> int:
    rank = x.ndim - 2
    if rank not in (1, 2, 3):
        raise ValueError(
            f"Inputs to {what} must have ndim=3, 4 or 5, corresponding to 1D, 2D and 3D inputs. "
            f"Received input shape: {tuple(x.shape)}."
        )
    return rank


def _to_channels_first(x):
    return x.movedim(-1, 1)


def _to_channels_last(x):
    return x.movedim(1, -1)


def _same_padding(sizes, kernel, strides, dilation):
    """Keras 'same' padding per spatial dim: `(before, after)`, the odd pixel after."""
    pads = []
    for n, k, s, d in zip(sizes, kernel, strides, dilation):
        effective = (k - 1) * d + 1
        out = -(-n // s)
        total = max((out - 1) * s + effective - n, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def _flat_pad(pads):
    flat = []
    for before, after in reversed(pads):
        flat += [before, after]
    return flat
