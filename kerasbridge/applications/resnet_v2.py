"""ResNet50V2, ResNet101V2 and ResNet152V2 (He et al., "Identity Mappings in Deep Residual Networks", 2016).

Mirrors `keras.applications.resnet_v2`: same layer names, weight order and ImageNet weight files.
"""

from __future__ import annotations

from kerasbridge.applications import _zoo, imagenet_utils
from kerasbridge.applications._resnet_blocks import stack_residual_blocks_v2
from kerasbridge.applications.resnet import ResNet


def _resnet_v2(blocks_per_stack, weights_name, include_top, weights, input_tensor, input_shape, pooling, classes,
               classifier_activation, name):
    def stack_fn(x):
        for index, (filters, blocks) in enumerate(zip((64, 128, 256, 512), blocks_per_stack)):
            x = stack_residual_blocks_v2(x, filters, blocks, stride1=1 if index == 3 else 2, name=f"conv{index + 2}")
        return x

    return ResNet(stack_fn, preact=True, use_bias=True, weights_name=weights_name, name=name,
                  include_top=include_top, weights=weights, input_tensor=input_tensor, input_shape=input_shape,
                  pooling=pooling, classes=classes, classifier_activation=classifier_activation)


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
               classifier_activation="softmax", name="resnet50v2"):
    return _resnet_v2((3, 4, 6, 3), "resnet50v2", include_top, weights, input_tensor, input_shape, pooling, classes,
                      classifier_activation, name)


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet101v2"):
    return _resnet_v2((3, 4, 23, 3), "resnet101v2", include_top, weights, input_tensor, input_shape, pooling,
                      classes, classifier_activation, name)


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet152v2"):
    return _resnet_v2((3, 8, 36, 3), "resnet152v2", include_top, weights, input_tensor, input_shape, pooling,
                      classes, classifier_activation, name)


_DOC = """Instantiates the {depth}-layer ResNetV2 (pre-activation) architecture.

    Reference: [Identity Mappings in Deep Residual Networks](https://arxiv.org/abs/1603.05027).
    Expects inputs prepared by `keras.applications.resnet_v2.preprocess_input` (pixels scaled to
    `[-1, 1]`). Input images must be at least 32x32.
""" + _zoo.COMMON_ARGS_DOC

ResNet50V2.__doc__ = _DOC.format(depth=50)
ResNet101V2.__doc__ = _DOC.format(depth=101)
ResNet152V2.__doc__ = _DOC.format(depth=152)


preprocess_input, decode_predictions = imagenet_utils.preprocessing_functions("tf", __name__, "ResNetV2")
