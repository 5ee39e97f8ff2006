"""The base of the image preprocessing and augmentation layers."""

from __future__ import annotations

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.backend.tensor import convert_to_tensor
from kerasbridge.layers.layer import Layer


class ImagePreprocessingLayer(Layer):
    """Applies a (possibly random) transformation to a batch `(B, H, W, C)` or one image `(H, W, C)`.

    Subclasses implement `get_random_transformation(images, training, seed)` (a dict
    of tensors, or `None`) and `transform_images(images, transformation, training)` on
    batched images. Inputs may also be a dict with an `"images"` entry (and `"labels"`,
    passed through unchanged).

    Args:
        factor: For layers that take one, a number or a `(lower, upper)` pair within
            the class's `_FACTOR_BOUNDS`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).
    """

    _USE_BASE_FACTOR = True
    _FACTOR_BOUNDS = (-1, 1)

    def __init__(self, factor=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        if self._USE_BASE_FACTOR:
            self._set_factor(factor or 0.0)
        elif factor is not None:
            raise ValueError(
                f"Layer {type(self).__name__} does not take a `factor` argument. Received: factor={factor}"
            )
        self._allow_non_tensor_positional_args = True

    def _set_factor(self, factor):
        low, high = self._FACTOR_BOUNDS
        message = (
            "The `factor` argument should be a number (or a list of two numbers) in the range "
            f"[{low}, {high}]. Received: factor={factor}"
        )
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or factor[0] > high or factor[1] < low:
                raise ValueError(message)
            lower, upper = sorted(factor)
        elif isinstance(factor, (int, float)):
            if factor < low or factor > high:
                raise ValueError(message)
            factor = abs(factor)
            lower, upper = max(-factor, low), factor
        else:
            raise ValueError(message)
        self.factor = lower, upper

    @property
    def _spatial_axes(self):
        """(height, width) axes of a batch of images."""
        return (1, 2) if self.data_format == "channels_last" else (2, 3)

    def get_random_transformation(self, images, training=True, seed=None):
        return None

    def transform_images(self, images, transformation, training=True):
        raise TypeError(f"{type(self).__name__} must implement `transform_images`.")

    def call(self, data, training=True):
        if isinstance(data, dict):
            unsupported = set(data) - {"images", "labels"}
            if unsupported:
                raise ValueError(
                    f"{type(self).__name__} in kerasbridge transforms only 'images' (and passes 'labels' "
                    f"through); it does not support the entries {sorted(unsupported)}."
                )
            outputs = dict(data)
            outputs["images"] = self._process_images(data["images"], training)
            return outputs
        return self._process_images(data, training)

    def _process_images(self, images, training):
        images = convert_to_tensor(images)
        if images.ndim not in (3, 4):
            raise ValueError(
                "Expected image tensor to have rank 3 (single image) or 4 (batch of images). "
                f"Received: data.shape={tuple(images.shape)}"
            )
        transformation = self.get_random_transformation(images, training=training)
        if images.ndim == 4:
            return self.transform_images(images, transformation, training=training)
        outputs = self.transform_images(images.unsqueeze(0), transformation, training=training)
        return outputs.squeeze(0)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
