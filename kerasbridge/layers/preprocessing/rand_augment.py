"""`RandAugment`: apply a few randomly chosen augmentations to images (Cubuk et al., 2019)."""

from __future__ import annotations

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


def _swapped_rotation(transformation):
    """The rotation as Keras's torch backend sees it on every second pass of the same transformation.

    Keras's `affine_transform` swaps the entries (a0, a2) and (b1, b2) of the transform it is
    given in place, so RandAugment, which reuses one rotation per call for each of its
    operations, rotates with the swapped matrix on odd passes.
    """
    return {**transformation, "rotation_matrix": transformation["rotation_matrix"][:, [4, 1, 5, 3, 0, 2, 6, 7]]}


class RandAugment(ShapePreservingSpecMixin, RandomImageLayer):
    """Applies `num_ops` augmentations, each picked at random from eleven, to the batch during training.

    The candidates, in this order: shear, translation, rotation, brightness, color
    degeneration, contrast, sharpness, posterization, solarization, auto-contrast and
    equalization, all with strength `factor`. Per call, the indices of the `num_ops`
    operations are drawn first, then every candidate's random parameters, all from this
    layer's `SeedGenerator(seed)` in Keras's order, so a seeded layer gives Keras's outputs.

    Two side effects of Keras's torch backend are reproduced so that the numbers agree:
    every pass shifts the images by the brightness delta (unclipped) even when another
    operation is picked, and the rotation uses its matrix with (a0, a2) and (b1, b2)
    swapped on every second pass.

    Args:
        value_range: `(low, high)` range of the image values. Defaults to `(0, 255)`.
        num_ops: Number of augmentations applied in sequence. Defaults to `2`.
        factor: Strength of the augmentations: a number `f` in `[0, 1]` means
            `(0, f)`, or a `(lower, upper)` pair. Defaults to `0.5`.
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
    _AUGMENT_LAYERS = (
        "random_shear",
        "random_translation",
        "random_rotation",
        "random_brightness",
        "random_color_degeneration",
        "random_contrast",
        "random_sharpness",
        "random_posterization",
        "solarization",
        "auto_contrast",
        "equalization",
    )

    def __init__(self, value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear", seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.num_ops = num_ops
        self._set_factor(factor)
        self.interpolation = interpolation
        self._init_seed(seed)
        shared = dict(seed=seed, data_format=data_format, **kwargs)
        colour = dict(value_range=value_range, **shared)
        self.random_shear = RandomShear(x_factor=self.factor, y_factor=self.factor, interpolation=interpolation,
                                        **shared)
        self.random_translation = RandomTranslation(height_factor=self.factor, width_factor=self.factor,
                                                    interpolation=interpolation, **shared)
        self.random_rotation = RandomRotation(factor=self.factor, interpolation=interpolation, **shared)
        self.random_brightness = RandomBrightness(factor=self.factor, **colour)
        self.random_color_degeneration = RandomColorDegeneration(factor=self.factor, **colour)
        self.random_contrast = RandomContrast(factor=self.factor, **colour)
        self.random_sharpness = RandomSharpness(factor=self.factor, **colour)
        self.solarization = Solarization(addition_factor=self.factor, threshold_factor=self.factor, **colour)
        self.random_posterization = RandomPosterization(factor=max(1, int(8 * self.factor[1])), **colour)
        self.auto_contrast = AutoContrast(value_range=value_range, data_format=data_format, **kwargs)
        self.equalization = Equalization(value_range=value_range, data_format=data_format, **kwargs)

    def build(self, input_shape):
        for layer_name in self._AUGMENT_LAYERS:
            getattr(self, layer_name).build(input_shape)

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        layer_indices = random.randint((self.num_ops,), 0, len(self._AUGMENT_LAYERS), seed=self.generator)
        transforms = {
            name: getattr(self, name).get_random_transformation(images, training=training, seed=self.generator)
            for name in self._AUGMENT_LAYERS
        }
        return {"transforms": transforms, "layer_idxes": layer_indices}

    def transform_images(self, images, transformation, training=True):
        images = images.to(self._torch_compute_dtype)
        if not training or transformation is None:
            return images
        layer_indices = transformation["layer_idxes"]
        for i in range(self.num_ops):
            for index, (name, layer_transformation) in enumerate(transformation["transforms"].items()):
                if name == "random_rotation" and i % 2 == 1:
                    layer_transformation = _swapped_rotation(layer_transformation)
                augmented = getattr(self, name).transform_images(images, layer_transformation)
                if name == "random_brightness":
                    # Keras's RandomBrightness adds its delta to its input in place, so in Keras the
                    # unselected branch is shifted too (without clipping); reproduced for equal numbers.
                    images = images + layer_transformation["rgb_delta"].to(images.dtype).to(images.device)
                images = torch.where(layer_indices[i] == index, augmented, images)
        return images.to(self._torch_compute_dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "num_ops": self.num_ops,
            "factor": self.factor,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }
