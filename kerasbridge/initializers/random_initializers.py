"""Random initializers, drawing exactly the values Keras 3 (torch backend) draws.

Seeding follows Keras: `seed=None` picks an integer seed from Python's `random`
when the initializer is constructed, so (as with an integer seed) every call
returns the same values; a `SeedGenerator` seed gives new values on each call.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from kerasbridge.backend.random import SeedGenerator, make_default_seed
from kerasbridge.initializers.initializer import Initializer, deserialize_value, serialize_value
from kerasbridge.random import random_ops


class RandomInitializer(Initializer):
    """Base of seeded initializers.

    Args:
        seed: `None`, an integer or a `SeedGenerator` (or its serialized dict).
    """

    def __init__(self, seed=None):
        self._init_seed = seed
        if seed is None:
            seed = make_default_seed()
        elif isinstance(seed, dict):
            seed = deserialize_value(seed)
        elif isinstance(seed, np.integer):
            seed = int(seed)
        elif not isinstance(seed, (int, SeedGenerator)):
            raise ValueError(
                "`seed` argument should be an instance of `keras.random.SeedGenerator()` or an integer. "
                f"Received: seed={seed}"
            )
        self.seed = seed

    def get_config(self) -> dict:
        return {"seed": serialize_value(self._init_seed)}


class RandomNormal(RandomInitializer):
    """Initializer drawing from a normal distribution.

    Args:
        mean: Mean of the values. Defaults to `0.0`.
        stddev: Standard deviation of the values. Defaults to `0.05`.
        seed: `None`, an integer or a `SeedGenerator`. With `None` or an
            integer, every call returns the same values; a `SeedGenerator`
            gives different values on each call.

    Example:

    >>> init = RandomNormal(mean=0.0, stddev=1.0, seed=1)
    >>> values = init(shape=(2, 2))
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random_ops.normal(shape, mean=self.mean, stddev=self.stddev, dtype=dtype, seed=self.seed)

    def get_config(self) -> dict:
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomInitializer):
    """Initializer drawing from a normal distribution truncated to two standard deviations.

    Args:
        mean: Mean of the values. Defaults to `0.0`.
        stddev: Standard deviation before truncation. Defaults to `0.05`.
        seed: `None`, an integer or a `SeedGenerator`.
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random_ops.truncated_normal(
            shape, mean=self.mean, stddev=self.stddev, dtype=dtype, seed=self.seed
        )

    def get_config(self) -> dict:
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Initializer drawing from a uniform distribution on `[minval, maxval)`.

    Args:
        minval: Lower bound (inclusive). Defaults to `-0.05`.
        maxval: Upper bound (exclusive). Defaults to `0.05`.
        seed: `None`, an integer or a `SeedGenerator`.
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random_ops.uniform(shape, minval=self.minval, maxval=self.maxval, dtype=dtype, seed=self.seed)

    def get_config(self) -> dict:
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


def compute_fans(shape, input_axes=None, output_axes=None):
    """Return `(fan_in, fan_out)` for a weight shape.

    Convolution kernels `(..., input_depth, depth)` multiply both fans by the
    receptive field size.

    Args:
        shape: Integer shape tuple.
        input_axes: Optional axes whose sizes multiply to the fan-in.
        output_axes: Optional axes whose sizes multiply to the fan-out.
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        fan_in = math.prod(shape[axis] for axis in input_axes)
        fan_out = math.prod(shape[axis] for axis in output_axes)
    elif len(shape) < 1:
        fan_in = fan_out = 1
    elif len(shape) == 1:
        fan_in = fan_out = shape[0]
    elif len(shape) == 2:
        fan_in, fan_out = shape
    else:
        receptive_field = math.prod(shape[:-2])
        fan_in = shape[-2] * receptive_field
        fan_out = shape[-1] * receptive_field
    return int(fan_in), int(fan_out)


class VarianceScaling(RandomInitializer):
    """Initializer whose scale adapts to the shape of the weight.

    With `n` the fan-in, the fan-out or their average (per `mode`), normal
    distributions use `stddev = sqrt(scale / n)` (after truncation for
    `"truncated_normal"`) and `"uniform"` uses `[-limit, limit]` with
    `limit = sqrt(3 * scale / n)`.

    Args:
        scale: Positive scaling factor.
        mode: One of `"fan_in"`, `"fan_out"`, `"fan_avg"`.
        distribution: One of `"truncated_normal"` (or `"normal"`),
            `"untruncated_normal"`, `"uniform"`.
        seed: `None`, an integer or a `SeedGenerator`.
        input_axes: Optional axes of the weight counted in the fan-in.
        output_axes: Optional axes of the weight counted in the fan-out.
    """

    def __init__(
        self,
        scale=1.0,
        mode="fan_in",
        distribution="truncated_normal",
        seed=None,
        input_axes=None,
        output_axes=None,
    ):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        allowed_modes = {"fan_in", "fan_out", "fan_avg"}
        if mode not in allowed_modes:
            raise ValueError(f"Invalid `mode` argument: {mode}. Please use one of {allowed_modes}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        allowed_distributions = {"uniform", "truncated_normal", "untruncated_normal"}
        if distribution not in allowed_distributions:
            raise ValueError(
                f"Invalid `distribution` argument: {distribution}.Please use one of {allowed_distributions}"
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        scale = self.scale
        fan_in, fan_out = compute_fans(shape, input_axes=self.input_axes, output_axes=self.output_axes)
        if self.mode == "fan_in":
            scale /= max(1.0, fan_in)
        elif self.mode == "fan_out":
            scale /= max(1.0, fan_out)
        else:
            scale /= max(1.0, (fan_in + fan_out) / 2.0)
        if self.distribution == "truncated_normal":
            # 0.879... is the stddev of a unit normal truncated to (-2, 2).
            stddev = math.sqrt(scale) / 0.87962566103423978
            return random_ops.truncated_normal(shape, mean=0.0, stddev=stddev, dtype=dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random_ops.normal(shape, mean=0.0, stddev=math.sqrt(scale), dtype=dtype, seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return random_ops.uniform(shape, minval=-limit, maxval=limit, dtype=dtype, seed=self.seed)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _FixedVarianceScaling(VarianceScaling):
    """A `VarianceScaling` preset whose config only holds the seed and the axes."""

    _scale = 1.0
    _mode = "fan_in"
    _distribution = "truncated_normal"

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(
            scale=self._scale,
            mode=self._mode,
            distribution=self._distribution,
            seed=seed,
            input_axes=input_axes,
            output_axes=output_axes,
        )

    def get_config(self) -> dict:
        return {
            "seed": serialize_value(self._init_seed),
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class GlorotUniform(_FixedVarianceScaling):
    """Glorot (Xavier) uniform initializer: `U(-limit, limit)`, `limit = sqrt(6 / (fan_in + fan_out))`.

    Args:
        seed: `None`, an integer or a `SeedGenerator`.
        input_axes: Optional axes of the weight counted in the fan-in.
        output_axes: Optional axes of the weight counted in the fan-out.
    """

    _mode, _distribution = "fan_avg", "uniform"


class GlorotNormal(_FixedVarianceScaling):
    """Glorot (Xavier) normal initializer: truncated normal, `stddev = sqrt(2 / (fan_in + fan_out))`.

    Args:
        seed: `None`, an integer or a `SeedGenerator`.
        input_axes: Optional axes of the weight counted in the fan-in.
        output_axes: Optional axes of the weight counted in the fan-out.
    """

    _mode = "fan_avg"


class LecunNormal(_FixedVarianceScaling):
    """LeCun normal initializer: truncated normal, `stddev = sqrt(1 / fan_in)`.

    Args:
        seed: `None`, an integer or a `SeedGenerator`.
        input_axes: Optional axes of the weight counted in the fan-in.
        output_axes: Optional axes of the weight counted in the fan-out.
    """


class LecunUniform(_FixedVarianceScaling):
    """LeCun uniform initializer: `U(-limit, limit)`, `limit = sqrt(3 / fan_in)`.

    Args:
        seed: `None`, an integer or a `SeedGenerator`.
        input_axes: Optional axes of the weight counted in the fan-in.
        output_axes: Optional axes of the weight counted in the fan-out.
    """

    _distribution = "uniform"


class HeNormal(_FixedVarianceScaling):
    """He normal initializer: truncated normal, `stddev = sqrt(2 / fan_in)`.

    Args:
        seed: `None`, an integer or a `SeedGenerator`.
        input_axes: Optional axes of the weight counted in the fan-in.
        output_axes: Optional axes of the weight counted in the fan-out.
    """

    _scale = 2.0


class HeUniform(_FixedVarianceScaling):
    """He uniform initializer: `U(-limit, limit)`, `limit = sqrt(6 / fan_in)`.

    Args:
        seed: `None`, an integer or a `SeedGenerator`.
        input_axes: Optional axes of the weight counted in the fan-in.
        output_axes: Optional axes of the weight counted in the fan-out.
    """

    _scale, _distribution = 2.0, "uniform"


class Orthogonal(RandomInitializer):
    """Initializer producing an orthogonal matrix (from the QR decomposition of a normal sample).

    Shapes of rank > 2 are treated as a `(prod(shape[:-1]), shape[-1])` matrix
    and reshaped back. The rows are orthonormal if there are fewer rows than
    columns, the columns otherwise.

    Args:
        gain: Multiplicative factor applied to the matrix.
        seed: `None`, an integer or a `SeedGenerator`.
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError(
                "The tensor to initialize must be at least two-dimensional. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        num_rows = math.prod(shape[:-1])
        num_cols = shape[-1]
        flat_shape = (max(num_cols, num_rows), min(num_cols, num_rows))
        sample = random_ops.normal(flat_shape, seed=self.seed, dtype=dtype)
        q, r = torch.linalg.qr(sample, mode="reduced")
        q *= torch.sign(torch.diag(r))
        if num_rows < num_cols:
            q = q.T
        return self.gain * torch.reshape(q, tuple(shape))

    def get_config(self) -> dict:
        return {**super().get_config(), "gain": self.gain}
