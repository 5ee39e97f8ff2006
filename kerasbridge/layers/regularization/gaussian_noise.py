"""`GaussianNoise`: add zero-mean Gaussian noise during training."""

from __future__ import annotations

from kerasbridge import random
from kerasbridge.layers.layer import Layer


class GaussianNoise(Layer):
    """Adds zero-mean Gaussian noise with standard deviation `stddev` during training.

    Identity when not training.

    Args:
        stddev: Float in `[0, 1]`, standard deviation of the noise.
        seed: Optional integer seed.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= stddev <= 1:
            raise ValueError(
                "Invalid value received for argument `stddev`. Expected a float value between 0 and 1. "
                f"Received: stddev={stddev}"
            )
        self.stddev = stddev
        self.seed = seed
        if stddev > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if training and self.stddev > 0:
            noise = random.normal(tuple(inputs.shape), mean=0.0, stddev=self.stddev, dtype=self.compute_dtype,
                                  seed=self.seed_generator)
            return inputs + noise.to(inputs.device)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
