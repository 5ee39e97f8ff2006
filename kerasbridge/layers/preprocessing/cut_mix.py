"""`CutMix`: paste a random rectangle of another image of the batch into each image (Yun et al., 2019)."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.backend.device import get_device
from kerasbridge.layers.preprocessing._label_mixing_layer import LabelMixingImageLayer
from kerasbridge.layers.preprocessing.random_erasing import box_masks, crop_bounds


class CutMix(LabelMixingImageLayer):
    """Replaces a random rectangle of every image with the same rectangle of another image of the batch.

    Per call, a Beta concentration is drawn from `factor`; per image, a weight
    `w ~ Beta(a, a)` sets the rectangle's relative side `sqrt(1 - w)` and its position is
    uniform; a permutation of the batch picks the partner images. Labels passed as
    `{"images": ..., "labels": ...}` are mixed by the pasted area. Random values come from
    `SeedGenerator(seed)` in Keras's order, so a seeded layer gives Keras's outputs. A
    single (unbatched) image is returned unchanged.

    Args:
        factor: Range of the Beta concentration: a number `f` in `[0, 1]` means
            `(0, f)`, or a `(lower, upper)` pair. Defaults to `1.0`.
        seed: Integer seed.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`, or a dict
        with `"images"` and `"labels"` (`(batch, num_classes)`).

    Output shape:
        Same as the input.
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self._init_seed(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        if not training or images.ndim == 3:
            return None
        batch_size = images.shape[0]
        height, width = self._image_size(images)
        seed = self.generator if seed is None else seed
        dtype = self.compute_dtype
        concentration = random.uniform((), minval=self.factor[0], maxval=self.factor[1], dtype=dtype,
                                       seed=seed) + 1e-6
        weight = random.beta((batch_size,), concentration, concentration, seed=seed, dtype=dtype)
        ratio = torch.sqrt(1.0 - weight)
        x0, x1 = crop_bounds(batch_size, width, ratio, seed, dtype)
        y0, y1 = crop_bounds(batch_size, height, ratio, seed, dtype)
        masks = box_masks(tuple(images.shape), x0, x1, y0, y1, self.data_format, self._torch_compute_dtype)
        mix_weight = 1.0 - (x1 - x0) * (y1 - y0) / (width * height)
        permutation = random.shuffle(torch.arange(0, batch_size, dtype=torch.int32, device=get_device()), seed=seed)
        return {"permutation_order": permutation, "batch_masks": masks, "mix_weight": mix_weight}

    def transform_images(self, images, transformation, training=True):
        images = images.to(self._torch_compute_dtype)
        if not training or transformation is None:
            return images
        partners = images[transformation["permutation_order"].to(images.device).long()]
        return torch.where(transformation["batch_masks"].to(images.device), partners, images)

    def transform_labels(self, labels, transformation, training=True):
        if not training or transformation is None:
            return labels
        weight = transformation["mix_weight"].to(labels.device).reshape(-1, 1)
        partners = labels[transformation["permutation_order"].to(labels.device).long()]
        return weight * labels + (1.0 - weight) * partners

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "seed": self.seed}
