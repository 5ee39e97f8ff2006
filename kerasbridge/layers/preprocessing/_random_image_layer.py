"""The base of the random augmentation layers: a seed generator and Keras's factor/fill checks."""

from __future__ import annotations

from kerasbridge import random
from kerasbridge.layers.preprocessing._affine import FILL_MODES, INTERPOLATIONS
from kerasbridge.layers.preprocessing._image_layer import ImagePreprocessingLayer


class RandomImageLayer(ImagePreprocessingLayer):
    """An image layer drawing its randomness from `SeedGenerator(seed)` (Keras's random streams).

    Identity when `training=False`; like Keras, `training` defaults to `True` when the
    layer is called directly (`fit` passes `True`, `predict`/`evaluate` pass `False`).
    """

    def _init_seed(self, seed):
        self.seed = seed
        self.generator = random.SeedGenerator(seed)

    @staticmethod
    def _check_fill(fill_mode, interpolation):
        if fill_mode not in FILL_MODES:
            raise ValueError(f"Unknown `fill_mode` {fill_mode}. Expected of one {FILL_MODES}.")
        if interpolation not in INTERPOLATIONS:
            raise ValueError(f"Unknown `interpolation` {interpolation}. Expected of one {INTERPOLATIONS}.")

    def _image_size(self, images):
        h_axis, w_axis = self._spatial_axes if images.ndim == 4 else (x - 1 for x in self._spatial_axes)
        return images.shape[h_axis], images.shape[w_axis]

    @staticmethod
    def _factor_pair(factor, name, error, lower_exclusive=False):
        """`(lower, upper)` of a `height_factor`/`width_factor`: a number `f` means `(-|f|, |f|)`."""

        def check(value):
            if value > 1.0 or value < -1.0 or (lower_exclusive and value == -1.0):
                raise ValueError(error + f"Received: input_number={value}")

        if isinstance(factor, (tuple, list)):
            if len(factor) != 2:
                raise ValueError(error + f"Received: {name}={factor}")
            check(factor[0])
            check(factor[1])
            return tuple(sorted(factor))
        if isinstance(factor, (int, float)):
            check(factor)
            return -abs(factor), abs(factor)
        raise ValueError(error + f"Received: {name}={factor}")
