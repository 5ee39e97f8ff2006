"""`MixUp`: blend each image (and its label) with another image of the batch (Zhang et al., 2017)."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.backend.device import get_device
from kerasbridge.layers.preprocessing._label_mixing_layer import LabelMixingImageLayer


class MixUp(LabelMixingImageLayer):
    """Blends every image with a randomly chosen image of the same batch during training.

    A permutation of the batch and per-image weights `w ~ Beta(alpha, alpha)` are drawn
    from `SeedGenerator(seed)` (on every call, in inference too, as in Keras); image `i`
    becomes `w_i * x_i + (1 - w_i) * x_perm(i)`, and so do labels passed as
    `{"images": ..., "labels": ...}`. A seeded layer gives Keras's outputs.

    Args:
        alpha: Concentration of the Beta distribution of the mixing weights.
            Defaults to `0.2`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: Integer seed.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`, or a dict
        with `"images"` and `"labels"` (`(batch, num_classes)`).

    Output shape:
        Same as the input.
    """

    _USE_BASE_FACTOR = False

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.alpha = alpha
        self._init_seed(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        batch_size = images.shape[0] if images.ndim == 4 else 1
        seed = self.generator if seed is None else seed
        permutation = random.shuffle(torch.arange(0, batch_size, dtype=torch.int64, device=get_device()), seed=seed)
        mix_weight = random.beta((batch_size,), self.alpha, self.alpha, seed=seed)
        return {"mix_weight": mix_weight, "permutation_order": permutation}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        images = images.to(self._torch_compute_dtype)
        weight = transformation["mix_weight"].to(images.device).reshape(-1, 1, 1, 1).to(images.dtype)
        partners = images[transformation["permutation_order"].to(images.device)]
        return weight * images + (1.0 - weight) * partners

    def transform_labels(self, labels, transformation, training=True):
        if not training:
            return labels
        weight = transformation["mix_weight"].to(labels.device).reshape(-1, 1)
        partners = labels[transformation["permutation_order"].to(labels.device)]
        return weight * labels + (1.0 - weight) * partners

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha, "seed": self.seed}
