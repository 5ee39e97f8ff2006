"""`Dot`: batched dot product of two inputs."""

from __future__ import annotations

import torch

from kerasbridge.backend.config import epsilon
from kerasbridge.layers.merging.base_merge import Merge


class Dot(Merge):
    """Computes the dot product of samples of two inputs along the given axes.

    For inputs `x` of shape `(batch, n)` and `y` of shape `(batch, n)` and
    `axes=1`, the output has shape `(batch, 1)` with `out[i] = sum(x[i] * y[i])`.
    In general the two contracted axes are removed and the remaining axes of
    `x` are followed by those of `y` (without its batch axis).

    Args:
        axes: Integer or tuple of two integers, the axis (or per-input axes)
            to contract. Axis 0 (the batch) cannot be contracted.
        normalize: Whether to L2-normalize the samples along the contracted
            axes first, which makes the output the cosine similarity.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        A list of 2 tensors of rank at least 2.

    Output shape:
        The batched dot product (at least 2-D).
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(f"Invalid type for argument `axes`: it should be a list or an int. Received: axes={axes}")
            if len(axes) != 2:
                raise ValueError(
                    f"Invalid format for argument `axes`: it should contain two elements. Received: axes={axes}"
                )
            if not isinstance(axes[0], int) or not isinstance(axes[1], int):
                raise ValueError(
                    f"Invalid format for argument `axes`: list elements should be integers. Received: axes={axes}"
                )
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = True
        self._reshape_required = False

    def _resolve_axes(self, rank1: int, rank2: int) -> list:
        if isinstance(self.axes, int):
            if self.axes < 0:
                return [self.axes % rank1, self.axes % rank2]
            return [self.axes] * 2
        return [a % r if a < 0 else a for a, r in zip(self.axes, (rank1, rank2))]

    def build(self, input_shape):
        if not isinstance(input_shape[0], (tuple, list)) or len(input_shape) != 2:
            raise ValueError(f"A `Dot` layer should be called on a list of 2 inputs. Received: input_shape={input_shape}")
        shape1, shape2 = input_shape
        if shape1 is None or shape2 is None:
            return
        axes = self._resolve_axes(len(shape1), len(shape2)) if isinstance(self.axes, int) else list(self.axes)
        if shape1[axes[0]] != shape2[axes[1]]:
            raise ValueError(
                f"Incompatible input shapes: axis values {shape1[axes[0]]} (at axis {axes[0]}) != "
                f"{shape2[axes[1]]} (at axis {axes[1]}). Full input shapes: {shape1}, {shape2}"
            )

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError(f"A `Dot` layer should be called on exactly 2 inputs. Received: inputs={inputs}")
        x1, x2 = inputs
        axes = self._resolve_axes(x1.ndim, x2.ndim)
        if self.normalize:
            x1 = _l2_normalize(x1, axes[0])
            x2 = _l2_normalize(x2, axes[1])
        return batch_dot(x1, x2, axes)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 2:
            raise ValueError(f"A `Dot` layer should be called on a list of 2 inputs. Received: input_shape={input_shape}")
        shape1, shape2 = list(input_shape[0]), list(input_shape[1])
        axes = self._resolve_axes(len(shape1), len(shape2)) if isinstance(self.axes, int) else list(self.axes)
        shape1.pop(axes[0])
        shape2.pop(axes[1])
        shape2.pop(0)
        output_shape = shape1 + shape2
        if len(output_shape) == 1:
            output_shape += [1]
        return tuple(output_shape)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self) -> dict:
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def _l2_normalize(x, axis: int):
    inv_norm = torch.rsqrt(torch.sum(torch.square(x), dim=axis, keepdim=True))
    return x * torch.clamp(inv_norm, max=1.0 / epsilon())


def batch_dot(x, y, axes):
    """Dot product of each sample of `x` with the same sample of `y`, contracting `axes = [ax, ay]`.

    Rank-2 inputs give a `(batch, 1)` output; otherwise the output holds the
    remaining axes of `x` followed by the remaining non-batch axes of `y`.
    """
    x_shape, y_shape = tuple(x.shape), tuple(y.shape)
    x_ndim, y_ndim = len(x_shape), len(y_shape)
    if x_ndim < 2 or y_ndim < 2:
        raise ValueError(
            f"Cannot do batch_dot on inputs with rank < 2. Received inputs with shapes {x_shape} and {y_shape}."
        )
    if x_shape[0] != y_shape[0]:
        raise ValueError(
            f"Cannot do batch_dot on inputs with different batch sizes. Received inputs with shapes "
            f"{x_shape} and {y_shape}."
        )
    axes = [axes, axes] if isinstance(axes, int) else list(axes)
    if axes[0] < 0:
        axes[0] += x_ndim
    if axes[1] < 0:
        axes[1] += y_ndim
    if 0 in axes:
        raise ValueError(
            "Cannot perform batch_dot over axis 0. If your inputs are not batched, add a dummy batch dimension "
            "to your inputs using keras.ops.expand_dims(x, 0)"
        )
    a0, a1 = axes
    if x_shape[a0] != y_shape[a1]:
        raise ValueError(
            f"Cannot do batch_dot on inputs with shapes {x_shape} and {y_shape} with axes={axes}. "
            f"x.shape[{a0}] != y.shape[{a1}] ({x_shape[a0]} != {y_shape[a1]})."
        )
    if x_ndim == 2:
        x = x.unsqueeze(1)
        a0 += 1
    if y_ndim == 2:
        y = y.unsqueeze(2)
    # x: contracted axis last; y: contracted axis at position 1.
    x = torch.movedim(x, a0, -1)
    y = torch.movedim(y, a1, 1)
    x_mid = tuple(x.shape[1:-1])
    y_trail = tuple(y.shape[2:])
    batch = x.shape[0]
    result = torch.matmul(x.reshape(batch, -1, x.shape[-1]), y.reshape(batch, y.shape[1], -1))
    result = result.reshape(batch, *x_mid, *y_trail)
    if x_ndim == 2:
        result = result.squeeze(1)
    elif y_ndim == 2:
        result = result.squeeze(-1)
    return result


def dot(inputs, axes=-1, **kwargs):
    """Functional form of `Dot`: the batched dot product of two inputs.

    Args:
        inputs: A list of 2 tensors of rank at least 2.
        axes: Integer or tuple of two integers, the axes to contract (default `-1`).
        **kwargs: Arguments of the `Dot` layer (e.g. `normalize`).

    Returns:
        The batched dot product.
    """
    return Dot(axes=axes, **kwargs)(inputs)
