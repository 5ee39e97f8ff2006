"""`AlphaDropout`: dropout that keeps SELU's self-normalising mean and variance."""

from __future__ import annotations

from kerasbridge import random
from kerasbridge.layers.layer import Layer

_ALPHA = 1.6732632423543772848170429916717
_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    """Dropout for SELU networks: dropped entries are set to SELU's negative saturation value,
    then an affine correction restores the input's mean and variance.

    Identity when not training.

    Args:
        rate: Float in `[0, 1]`, the fraction of entries to drop.
        noise_shape: Optional shape of the keep/drop mask (`None` entries take
            the input's size).
        seed: Optional integer seed.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).
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
        self.noise_shape = noise_shape
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            if self.noise_shape is None:
                noise_shape = tuple(inputs.shape)
            else:
                noise_shape = tuple(inputs.shape[i] if v is None else v for i, v in enumerate(self.noise_shape))
            alpha_p = -_ALPHA * _SCALE
            kept = (random.uniform(noise_shape, seed=self.seed_generator).to(inputs.device) >= self.rate)
            kept = kept.to(inputs.dtype)
            a = ((1 - self.rate) * (1 + self.rate * alpha_p**2)) ** -0.5
            b = -a * alpha_p * self.rate
            x = inputs * kept + alpha_p * (1 - kept)
            return a * x + b
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}
