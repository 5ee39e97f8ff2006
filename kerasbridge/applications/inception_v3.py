"""Inception V3 (Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", CVPR 2016).

Inputs are preprocessed with `preprocess_input` ("tf" mode: pixels scaled to `[-1, 1]`).
"""

from kerasbridge import layers
from kerasbridge.applications import _zoo, imagenet_utils

_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
_FILE_TOP = ("inception_v3_weights_tf_dim_ordering_tf_kernels.h5", "9a0d58056eeedaa3f26cb7ebd46da564")
_FILE_NO_TOP = ("inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5", "bcbd6486424b2319ff4ef7d526e38f63")

_DOWNSAMPLE = ((2, 2), "valid")


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """Conv2D without bias, BatchNormalization without scale, then ReLU.

    Args:
        x: Input tensor.
        filters: Number of convolution filters.
        num_row: Kernel height.
        num_col: Kernel width.
        padding: `"same"` or `"valid"`.
        strides: Strides of the convolution.
        name: When given, the layers are named `<name>_conv`, `<name>_bn` and `<name>`.

    Returns:
        The output tensor.
    """
    x = layers.Conv2D(filters, (num_row, num_col), strides=strides, padding=padding, use_bias=False,
                      name=None if name is None else f"{name}_conv")(x)
    x = layers.BatchNormalization(axis=_zoo.channel_axis(), scale=False, name=None if name is None else f"{name}_bn")(x)
    return layers.Activation("relu", name=name)(x)


def _chain(x, convs):
    """Apply `conv2d_bn` for each `(filters, rows, cols)` or `(filters, rows, cols, (strides, padding))`."""
    for spec in convs:
        filters, rows, cols = spec[:3]
        strides, padding = spec[3] if len(spec) == 4 else ((1, 1), "same")
        x = conv2d_bn(x, filters, rows, cols, padding=padding, strides=strides)
    return x


def _avg_pool_branch(x, filters):
    pooled = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(pooled, filters, 1, 1)


def _block_35(x, pool_filters, name):
    """The 35x35 module: 1x1, 5x5, double 3x3 and pooled branches."""
    branches = [
        _chain(x, [(64, 1, 1)]),
        _chain(x, [(48, 1, 1), (64, 5, 5)]),
        _chain(x, [(64, 1, 1), (96, 3, 3), (96, 3, 3)]),
        _avg_pool_branch(x, pool_filters),
    ]
    return layers.concatenate(branches, axis=_zoo.channel_axis(), name=name)


def _block_17(x, width, name):
    """The 17x17 module: 1x1, factorized 7x7, double factorized 7x7 and pooled branches."""
    branches = [
        _chain(x, [(192, 1, 1)]),
        _chain(x, [(width, 1, 1), (width, 1, 7), (192, 7, 1)]),
        _chain(x, [(width, 1, 1), (width, 7, 1), (width, 1, 7), (width, 7, 1), (192, 1, 7)]),
        _avg_pool_branch(x, 192),
    ]
    return layers.concatenate(branches, axis=_zoo.channel_axis(), name=name)


def _block_8(x, index):
    """The 8x8 module whose 3x3 branches split into parallel 1x3 and 3x1 convs."""
    axis = _zoo.channel_axis()
    branch1x1 = conv2d_bn(x, 320, 1, 1)
    branch3x3 = conv2d_bn(x, 384, 1, 1)
    branch3x3 = layers.concatenate([conv2d_bn(branch3x3, 384, 1, 3), conv2d_bn(branch3x3, 384, 3, 1)],
                                   axis=axis, name=f"mixed9_{index}")
    double = _chain(x, [(448, 1, 1), (384, 3, 3)])
    double = layers.concatenate([conv2d_bn(double, 384, 1, 3), conv2d_bn(double, 384, 3, 1)], axis=axis)
    pooled = _avg_pool_branch(x, 192)
    return layers.concatenate([branch1x1, branch3x3, double, pooled], axis=axis, name=f"mixed{9 + index}")


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="inception_v3"):
    _zoo.check_weights_argument(weights, include_top, classes, classifier_activation)
    input_shape = _zoo.resolve_input_shape(input_shape, 299, 75, include_top, weights)
    img_input = _zoo.image_input(input_tensor, input_shape)
    axis = _zoo.channel_axis()

    x = _chain(img_input, [(32, 3, 3, _DOWNSAMPLE), (32, 3, 3, ((1, 1), "valid")), (64, 3, 3)])
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _chain(x, [(80, 1, 1, ((1, 1), "valid")), (192, 3, 3, ((1, 1), "valid"))])
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)

    x = _block_35(x, 32, "mixed0")
    x = _block_35(x, 64, "mixed1")
    x = _block_35(x, 64, "mixed2")

    reduction = [
        _chain(x, [(384, 3, 3, _DOWNSAMPLE)]),
        _chain(x, [(64, 1, 1), (96, 3, 3), (96, 3, 3, _DOWNSAMPLE)]),
        layers.MaxPooling2D((3, 3), strides=(2, 2))(x),
    ]
    x = layers.concatenate(reduction, axis=axis, name="mixed3")

    x = _block_17(x, 128, "mixed4")
    x = _block_17(x, 160, "mixed5")
    x = _block_17(x, 160, "mixed6")
    x = _block_17(x, 192, "mixed7")

    reduction = [
        _chain(x, [(192, 1, 1), (320, 3, 3, _DOWNSAMPLE)]),
        _chain(x, [(192, 1, 1), (192, 1, 7), (192, 7, 1), (192, 3, 3, _DOWNSAMPLE)]),
        layers.MaxPooling2D((3, 3), strides=(2, 2))(x),
    ]
    x = layers.concatenate(reduction, axis=axis, name="mixed8")

    x = _block_8(x, 0)
    x = _block_8(x, 1)

    x = _zoo.classifier_head(x, include_top=include_top, pooling=pooling, classes=classes,
                             classifier_activation=classifier_activation, weights=weights)

    file_name, file_hash = _FILE_TOP if include_top else _FILE_NO_TOP
    return _zoo.assemble_model(input_tensor, img_input, x, name, weights,
                               (file_name, _WEIGHTS_URL + file_name, file_hash))


InceptionV3.__doc__ = """Instantiates the Inception V3 architecture.

    Reference: [Rethinking the Inception Architecture for Computer Vision](
    https://arxiv.org/abs/1512.00567). Expects inputs prepared by
    `keras.applications.inception_v3.preprocess_input` (pixels scaled to `[-1, 1]`). The default input
    size is 299x299; images must be at least 75x75.
""" + _zoo.COMMON_ARGS_DOC
preprocess_input, decode_predictions = imagenet_utils.preprocessing_functions("tf", __name__, "InceptionV3")
