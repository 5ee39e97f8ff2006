"""`GaussianDropout`: multiply by mean-1 Gaussian noise during training."""

from __future__ import annotations

import math

from kerasbridge import random
from kerasbridge.layers.layer import Layer


class GaussianDropout(Layer):
    """Multiplies inputs by Gaussian noise of mean 1 and stddev `sqrt(rate / (1 - rate))` in training.

    Identity when not training.

    Args:
        rate: Float in `[0, 1]`, the drop probability of the equivalent dropout.
        seed: Optional integer seed.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(
                "Invalid value received for argument `rate`. Expected a float value between 0 and 1. "
                f"Received: rate={rate}"
            )
        self.rate = rate
        self.seed = seed
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            stddev = math.sqrt(self.rate / (1.0 - self.rate))
            noise = random.normal(tuple(inputs.shape), mean=1.0, stddev=stddev, dtype=self.compute_dtype,
                                  seed=self.seed_generator)
            return inputs * noise.to(inputs.device)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
