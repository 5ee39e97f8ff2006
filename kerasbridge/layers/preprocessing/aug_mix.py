"""`AugMix`: mix images with chains of random augmentations of themselves (Hendrycks et al., 2019)."""

from __future__ import annotations

import random as py_random

import torch

from kerasbridge import random
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer
from kerasbridge.layers.preprocessing._shape_preserving import ShapePreservingSpecMixin
from kerasbridge.layers.preprocessing.auto_contrast import AutoContrast
from kerasbridge.layers.preprocessing.equalization import Equalization
from kerasbridge.layers.preprocessing.random_brightness import RandomBrightness
from kerasbridge.layers.preprocessing.random_color_degeneration import RandomColorDegeneration
from kerasbridge.layers.preprocessing.random_contrast import RandomContrast
from kerasbridge.layers.preprocessing.random_posterization import RandomPosterization
from kerasbridge.layers.preprocessing.random_rotation import RandomRotation
from kerasbridge.layers.preprocessing.random_sharpness import RandomSharpness
from kerasbridge.layers.preprocessing.random_shear import RandomShear
from kerasbridge.layers.preprocessing.random_translation import RandomTranslation
from kerasbridge.layers.preprocessing.solarization import Solarization

_BASIC_OPS = (
    "random_shear",
    "random_translation",
    "random_rotation",
    "random_posterization",
    "solarization",
    "auto_contrast",
    "equalization",
)
_COLOUR_OPS = ("random_brightness", "random_color_degeneration", "random_contrast", "random_sharpness")


class AugMix(ShapePreservingSpecMixin, RandomImageLayer):
    """Blends each batch with a weighted sum of `num_chains` chains of random augmentations of it.

    Per call: chain weights from a Dirichlet(`alpha`) (normalised Gamma draws), a blend
    weight `m ~ Beta(alpha, alpha)`, then per chain and per step an operation chosen
    uniformly among the candidates and "none". The output is
    `m * x + (1 - m) * sum_k w_k chain_k(x)`, clipped to `value_range`. The weights and the
    operations' parameters come from `SeedGenerator(seed)`; as in Keras, the choice of the
    operations uses Python's global `random` module (`random.seed` makes it reproducible).

    Args:
        value_range: `(low, high)` range of the image values. Defaults to `(0, 255)`.
        num_chains: Number of augmentation chains. Defaults to `3`.
        chain_depth: Maximum number of operations per chain. Defaults to `3`.
        factor: Strength of the operations: a number `f` in `[0, 1]` means `(0, f)`,
            or a `(lower, upper)` pair. Defaults to `0.3`.
        alpha: Concentration of the Dirichlet and Beta distributions. Defaults to `1.0`.
        all_ops: Whether brightness, color degeneration, contrast and sharpness are
            candidates too (besides shear, translation, rotation, posterization,
            solarization, auto-contrast and equalization). Defaults to `True`.
        interpolation: `"bilinear"` (default) or `"nearest"`, for the geometric operations.
        seed: Integer seed.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: Base layer arguments (`name`, `dtype`, ...), also given to the inner layers.

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`
        (channels first with `data_format="channels_first"`).

    Output shape:
        Same as the input.
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3, alpha=1.0, all_ops=True,
                 interpolation="bilinear", seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.num_chains = num_chains
        self.chain_depth = chain_depth
        self._set_factor(factor)
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = interpolation
        self._init_seed(seed)
        self._augment_layers = list(_BASIC_OPS + _COLOUR_OPS if all_ops else _BASIC_OPS)
        shared = dict(seed=seed, data_format=data_format, **kwargs)
        colour = dict(value_range=value_range, **shared)
        self.random_shear = RandomShear(x_factor=self.factor, y_factor=self.factor, interpolation=interpolation,
                                        **shared)
        self.random_translation = RandomTranslation(height_factor=self.factor, width_factor=self.factor,
                                                    interpolation=interpolation, **shared)
        self.random_rotation = RandomRotation(factor=self.factor, interpolation=interpolation, **shared)
        self.solarization = Solarization(addition_factor=self.factor, threshold_factor=self.factor, **colour)
        self.random_posterization = RandomPosterization(factor=max(1, int(8 * self.factor[1])), **colour)
        self.auto_contrast = AutoContrast(value_range=value_range, data_format=data_format, **kwargs)
        self.equalization = Equalization(value_range=value_range, data_format=data_format, **kwargs)
        if all_ops:
            self.random_brightness = RandomBrightness(factor=self.factor, **colour)
            self.random_color_degeneration = RandomColorDegeneration(factor=self.factor, **colour)
            self.random_contrast = RandomContrast(factor=self.factor, **colour)
            self.random_sharpness = RandomSharpness(factor=self.factor, **colour)

    def build(self, input_shape):
        for layer_name in self._augment_layers:
            getattr(self, layer_name).build(input_shape)

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        seed = self.generator if seed is None else seed
        gamma = random.gamma((self.num_chains,), alpha=self.alpha, seed=seed)
        chain_weights = gamma / torch.sum(gamma, dim=-1, keepdim=True)
        blend_weight = random.beta((), alpha=self.alpha, beta=self.alpha, seed=seed)
        chains = []
        for _ in range(self.num_chains):
            steps = []
            for _ in range(self.chain_depth):
                layer_name = py_random.choice(self._augment_layers + [None])
                if layer_name is None:
                    continue
                layer = getattr(self, layer_name)
                steps.append({
                    "layer_name": layer_name,
                    "transformation": layer.get_random_transformation(images, seed=self.generator),
                })
            chains.append(steps)
        return {"chain_mixing_weights": chain_weights, "weight_sample": blend_weight, "chain_transforms": chains}

    def transform_images(self, images, transformation, training=True):
        images = images.to(self._torch_compute_dtype)
        if not training or transformation is None:
            return images
        chain_weights = transformation["chain_mixing_weights"].to(images.dtype).to(images.device)
        blend_weight = transformation["weight_sample"].to(images.dtype).to(images.device)
        mixed = torch.zeros_like(images)
        for index, steps in enumerate(transformation["chain_transforms"]):
            chain_images = images.clone()
            for step in steps:
                chain_images = getattr(self, step["layer_name"]).transform_images(chain_images,
                                                                                  step["transformation"])
            mixed = mixed + chain_images * chain_weights[index]
        images = blend_weight * images + (1 - blend_weight) * mixed
        return torch.clip(images, self.value_range[0], self.value_range[1]).to(self._torch_compute_dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "num_chains": self.num_chains,
            "chain_depth": self.chain_depth,
            "factor": self.factor,
            "alpha": self.alpha,
            "all_ops": self.all_ops,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }
