"""VGG19, mirroring `keras.applications.vgg19` (same layer names, weight order and ImageNet files)."""

from __future__ import annotations

from kerasbridge.applications import imagenet_utils
from kerasbridge.applications._vgg import PREPROCESS_DOC, VGG_DOC, build_vgg

CONVS_PER_BLOCK = (2, 2, 4, 4, 4)
# md5 digests of Keras's published weight files (with top, without top).
WEIGHTS_HASHES = ("cbe5617147190e668d6c5d5026f83318", "253f8cb515780f3b799900260a226db6")


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
          classifier_activation="softmax", name="vgg19"):
    return build_vgg(CONVS_PER_BLOCK, "vgg19", WEIGHTS_HASHES, include_top, weights, input_tensor, input_shape,
                     pooling, classes, classifier_activation, name)


def preprocess_input(x, data_format=None):
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)


VGG19.__doc__ = VGG_DOC.format(name="VGG19", module="vgg19")
preprocess_input.__doc__ = PREPROCESS_DOC
decode_predictions.__doc__ = imagenet_utils.decode_predictions.__doc__
