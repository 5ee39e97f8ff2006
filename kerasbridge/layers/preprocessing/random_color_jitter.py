"""`RandomColorJitter`: random brightness, contrast, saturation and hue, in that order."""

from __future__ import annotations

from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer
from kerasbridge.layers.preprocessing.random_brightness import RandomBrightness
from kerasbridge.layers.preprocessing.random_contrast import RandomContrast
from kerasbridge.layers.preprocessing.random_hue import RandomHue
from kerasbridge.layers.preprocessing.random_saturation import RandomSaturation


class RandomColorJitter(RandomImageLayer):
    """Applies `RandomBrightness`, `RandomContrast`, `RandomSaturation` and `RandomHue` in turn during training.

    Only the adjustments whose factor is given are applied. Every adjustment draws its
    random numbers from this layer's `SeedGenerator(seed)`, one after the other, as in
    Keras. Identity at inference.

    Args:
        value_range: `(min, max)` range of the pixel values. Defaults to `(0, 255)`.
        brightness_factor: `factor` of `RandomBrightness`, or `None` to skip it.
        contrast_factor: `factor` of `RandomContrast`, or `None` to skip it.
        saturation_factor: `factor` of `RandomSaturation`, or `None` to skip it.
        hue_factor: `factor` of `RandomHue`, or `None` to skip it.
        seed: Integer seed.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, 3)` or `(height, width, 3)`.

    Output shape:
        Same as the input.
    """

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None, saturation_factor=None,
                 hue_factor=None, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        self._init_seed(seed)
        self.random_brightness = None
        self.random_contrast = None
        self.random_saturation = None
        self.random_hue = None
        if brightness_factor is not None:
            self.random_brightness = RandomBrightness(factor=brightness_factor, value_range=value_range, seed=seed)
        if contrast_factor is not None:
            self.random_contrast = RandomContrast(factor=contrast_factor, value_range=value_range, seed=seed)
        if saturation_factor is not None:
            self.random_saturation = RandomSaturation(factor=saturation_factor, value_range=value_range, seed=seed)
        if hue_factor is not None:
            self.random_hue = RandomHue(factor=hue_factor, value_range=value_range, seed=seed)

    def _adjustments(self):
        layers = (self.random_brightness, self.random_contrast, self.random_saturation, self.random_hue)
        return [layer for layer in layers if layer is not None]

    def build(self, input_shape=None):
        for layer in self._adjustments():
            layer.build(input_shape)
        self.built = True

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        images = images.to(self._torch_compute_dtype)
        for layer in self._adjustments():
            transformation = layer.get_random_transformation(images, seed=self.generator)
            if layer is self.random_contrast:
                transformation["contrast_factor"] = transformation["contrast_factor"].to(self._torch_compute_dtype)
            images = layer.transform_images(images, transformation)
        return images.to(self._torch_compute_dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "brightness_factor": self.brightness_factor,
            "contrast_factor": self.contrast_factor,
            "saturation_factor": self.saturation_factor,
            "hue_factor": self.hue_factor,
            "seed": self.seed,
        }
