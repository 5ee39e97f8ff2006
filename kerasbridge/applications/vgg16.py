"""VGG16, mirroring `keras.applications.vgg16` (same layer names, weight order and ImageNet files)."""

from __future__ import annotations

from kerasbridge.applications import imagenet_utils
from kerasbridge.applications._vgg import PREPROCESS_DOC, VGG_DOC, build_vgg

CONVS_PER_BLOCK = (2, 2, 3, 3, 3)
# md5 digests of Keras's published weight files (with top, without top).
WEIGHTS_HASHES = ("64373286793e3c8b2b4e3219cbf3544b", "6d6bbae143d832006294945121d1f1fc")


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
          classifier_activation="softmax", name="vgg16"):
    return build_vgg(CONVS_PER_BLOCK, "vgg16", WEIGHTS_HASHES, include_top, weights, input_tensor, input_shape,
                     pooling, classes, classifier_activation, name)


def preprocess_input(x, data_format=None):
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)


VGG16.__doc__ = VGG_DOC.format(name="VGG16", module="vgg16")
preprocess_input.__doc__ = PREPROCESS_DOC
decode_predictions.__doc__ = imagenet_utils.decode_predictions.__doc__
