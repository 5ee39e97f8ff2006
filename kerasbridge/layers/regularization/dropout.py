"""`Dropout`: randomly zero inputs during training."""

from __future__ import annotations

from kerasbridge import random
from kerasbridge.layers.layer import Layer


class Dropout(Layer):
    """Sets input entries to 0 with probability `rate` during training.

    Kept entries are scaled by `1 / (1 - rate)` so the expected sum is unchanged.
    Dropout is active only when the layer is called with `training=True` (as
    `fit()` does); otherwise the inputs pass through unchanged.

    Args:
        rate: Float in `[0, 1]`, the fraction of entries to drop.
        noise_shape: Optional shape of the binary keep/drop mask, broadcast to
            the inputs; `None` entries take the input's size. E.g. for inputs
            `(batch, timesteps, features)`, `noise_shape=(batch, 1, features)`
            drops the same features at every timestep.
        seed: Optional integer seed, for repeatable dropout masks.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Call arguments:
        inputs: Input tensor (any rank).
        training: Whether to apply dropout (default `False`).

    Input shape:
        Arbitrary.

    Output shape:
        Same as the input.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(
                "Invalid value received for argument `rate`. Expected a float value between 0 and 1. "
                f"Received: rate={rate}"
            )
        self.rate = rate
        self.seed = seed
        self.noise_shape = _validate_noise_shape(noise_shape)
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            return random.dropout(inputs, self.rate, noise_shape=self.noise_shape, seed=self.seed_generator)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}


def _validate_noise_shape(noise_shape):
    if noise_shape is None:
        return None
    prefix = "Invalid value received for argument `noise_shape`. "
    if isinstance(noise_shape, str):
        raise ValueError(f"{prefix}Expected a tuple or list of integers. Received: noise_shape={noise_shape}")
    if not isinstance(noise_shape, tuple):
        try:
            noise_shape = tuple(noise_shape)
        except TypeError:
            raise ValueError(
                f"{prefix}Expected an iterable of integers (e.g., a tuple or list). "
                f"Received: noise_shape={noise_shape}"
            ) from None
    for index, dim in enumerate(noise_shape):
        if dim is None:
            continue
        if not isinstance(dim, int):
            raise ValueError(
                f"{prefix}Expected all elements to be integers or None. "
                f"Received element at index {index}: {dim} (type: {type(dim).__name__})"
            )
        if dim <= 0:
            raise ValueError(
                f"{prefix}Expected all dimensions to be positive integers or None. "
                f"Received negative or zero value at index {index}: {dim}"
            )
    return noise_shape
