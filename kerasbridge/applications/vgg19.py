"""VGG19, mirroring `keras.applications.vgg19` (same layer names, weight order and ImageNet files)."""

from __future__ import annotations

from kerasbridge.applications import imagenet_utils
from kerasbridge.applications._vgg import vgg_constructor

# Convolutions per block, and the md5 digests of Keras's published weight files (with top, without top).
VGG19 = vgg_constructor(19, (2, 2, 4, 4, 4), ("cbe5617147190e668d6c5d5026f83318", "253f8cb515780f3b799900260a226db6"), __name__)
preprocess_input, decode_predictions = imagenet_utils.preprocessing_functions("caffe", __name__, "VGG")
