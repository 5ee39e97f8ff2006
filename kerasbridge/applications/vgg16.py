"""VGG16, mirroring `keras.applications.vgg16` (same layer names, weight order and ImageNet files)."""

from __future__ import annotations

from kerasbridge.applications import imagenet_utils
from kerasbridge.applications._vgg import vgg_constructor

# Convolutions per block, and the md5 digests of Keras's published weight files (with top, without top).
VGG16 = vgg_constructor(16, (2, 2, 3, 3, 3), ("64373286793e3c8b2b4e3219cbf3544b", "6d6bbae143d832006294945121d1f1fc"), __name__)
preprocess_input, decode_predictions = imagenet_utils.preprocessing_functions("caffe", __name__, "VGG")
