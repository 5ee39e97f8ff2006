"""`SpatialDropout1D/2D/3D`: drop whole feature maps during training."""

from __future__ import annotations

from kerasbridge import backend, random
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.regularization.dropout import Dropout


class BaseSpatialDropout(Dropout):
    """Dropout whose mask is shared over the spatial axes (one draw per sample and channel)."""

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)

    def _get_noise_shape(self, inputs):
        raise NotImplementedError

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            return random.dropout(inputs, self.rate, noise_shape=self._get_noise_shape(inputs),
                                  seed=self.seed_generator)
        return inputs

    def get_config(self) -> dict:
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}


class SpatialDropout1D(BaseSpatialDropout):
    """Spatial dropout for `(batch, timesteps, channels)` inputs: drops whole channels.

    Args:
        rate: Float in `[0, 1]`, the fraction of channels to drop.
        seed: Optional integer seed.
        name: Layer name.
        dtype: Layer dtype.
    """

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.input_spec = InputSpec(ndim=3)

    def _get_noise_shape(self, inputs):
        return (inputs.shape[0], 1, inputs.shape[2])


class SpatialDropout2D(BaseSpatialDropout):
    """Spatial dropout for 4D inputs: drops whole 2D feature maps.

    Args:
        rate: Float in `[0, 1]`, the fraction of channels to drop.
        data_format: `"channels_last"` (default from config) or `"channels_first"`.
        seed: Optional integer seed.
        name: Layer name.
        dtype: Layer dtype.
    """

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=4)

    def _get_noise_shape(self, inputs):
        shape = inputs.shape
        if self.data_format == "channels_first":
            return (shape[0], shape[1], 1, 1)
        return (shape[0], 1, 1, shape[3])

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}


class SpatialDropout3D(BaseSpatialDropout):
    """Spatial dropout for 5D inputs: drops whole 3D feature maps.

    Args:
        rate: Float in `[0, 1]`, the fraction of channels to drop.
        data_format: `"channels_last"` (default from config) or `"channels_first"`.
        seed: Optional integer seed.
        name: Layer name.
        dtype: Layer dtype.
    """

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=5)

    def _get_noise_shape(self, inputs):
        shape = inputs.shape
        if self.data_format == "channels_first":
            return (shape[0], shape[1], 1, 1, 1)
        return (shape[0], 1, 1, 1, shape[4])

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}
