"""`Resizing`: resize images to a fixed height and width."""

from __future__ import annotations

from kerasbridge.layers.preprocessing._image_layer import ImagePreprocessingLayer
from kerasbridge.ops import image as image_ops


class Resizing(ImagePreprocessingLayer):
    """Resizes a batch of images (or one image) to `(height, width)`.

    Uses the same interpolation as Keras's torch backend (`torch.nn.functional.interpolate`
    with `align_corners=False`); integer images are rounded back to their dtype.

    Args:
        height: Output height.
        width: Output width.
        interpolation: `"bilinear"` (default), `"nearest"` or `"bicubic"`.
        crop_to_aspect_ratio: Crop the largest centred window with the target
            aspect ratio before resizing, so the image is not distorted.
        pad_to_aspect_ratio: Pad the image (evenly on both sides, with
            `fill_value`) to the target aspect ratio before resizing.
        fill_mode: Padding mode of `pad_to_aspect_ratio`; only `"constant"`.
        fill_value: Padding value of `pad_to_aspect_ratio`.
        antialias: Whether to antialias when downsampling (bilinear/bicubic).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`
        (channels first with `data_format="channels_first"`).

    Output shape:
        The same with the spatial sizes replaced by `(height, width)`.
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, antialias=False, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = height
        self.width = width
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = bool(antialias)

    def transform_images(self, images, transformation=None, training=True):
        return image_ops.resize(
            images,
            size=(self.height, self.width),
            interpolation=self.interpolation,
            antialias=self.antialias,
            crop_to_aspect_ratio=self.crop_to_aspect_ratio,
            pad_to_aspect_ratio=self.pad_to_aspect_ratio,
            fill_mode=self.fill_mode,
            fill_value=self.fill_value,
            data_format=self.data_format,
        )

    def _process_images(self, images, training):
        return self.transform_images(images)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        first = len(shape) - 3 if self.data_format == "channels_last" else len(shape) - 2
        shape[first], shape[first + 1] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        return {
            **super().get_config(),
            "height": self.height,
            "width": self.width,
            "interpolation": self.interpolation,
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "antialias": self.antialias,
        }
