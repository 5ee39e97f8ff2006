"""`CenterCrop`: crop the central window of images."""

from __future__ import annotations

from kerasbridge.layers.preprocessing._image_layer import ImagePreprocessingLayer
from kerasbridge.ops import image as image_ops


class CenterCrop(ImagePreprocessingLayer):
    """Crops the central `(height, width)` window of each image.

    If an image is smaller than the target in either dimension, it is instead
    cropped to the target aspect ratio and resized (bilinear), as Keras does.

    Args:
        height: Output height.
        width: Output width.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`
        (channels first with `data_format="channels_first"`).

    Output shape:
        The same with the spatial sizes replaced by `(height, width)`; the
        dtype is the layer's compute dtype.
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = height
        self.width = width

    def transform_images(self, images, transformation=None, training=True):
        images = images.to(self._torch_compute_dtype)
        h_axis, w_axis = self._spatial_axes
        h_diff = images.shape[h_axis] - self.height
        w_diff = images.shape[w_axis] - self.width
        if h_diff >= 0 and w_diff >= 0:
            return images.narrow(h_axis, h_diff // 2, self.height).narrow(w_axis, w_diff // 2, self.width)
        return image_ops.resize(images, size=(self.height, self.width), interpolation="bilinear",
                                crop_to_aspect_ratio=True, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        if len(shape) not in (3, 4):
            raise ValueError(
                "`input_shape` must be a non-nested tuple or list of rank-1 with size 3 (unbatched) or 4 "
                f"(batched). Received: input_shape={input_shape}"
            )
        first = len(shape) - 3 if self.data_format == "channels_last" else len(shape) - 2
        shape[first], shape[first + 1] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}
