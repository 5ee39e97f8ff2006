"""Inception-ResNet V2 (Szegedy et al., "Inception-v4, Inception-ResNet and the Impact of Residual
Connections on Learning", AAAI 2017).

Inputs are preprocessed with `preprocess_input` ("tf" mode: pixels scaled to `[-1, 1]`).
"""

from kerasbridge import layers
from kerasbridge.applications import _zoo, imagenet_utils
from kerasbridge.applications.inception_resnet_scale import CustomScaleLayer

_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/inception_resnet_v2/"
_FILE_TOP = ("inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5", "e693bd0210a403b3192acc6073ad2e96")
_FILE_NO_TOP = ("inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
                "d19885ff4a710c122648d3b5c3b684e4")

# Residual-branch convs per block type: one tuple of (filters, kernel size) chains per branch.
_BLOCK_BRANCHES = {
    "block35": (((32, 1),), ((32, 1), (32, 3)), ((32, 1), (48, 3), (64, 3))),
    "block17": (((192, 1),), ((128, 1), (160, (1, 7)), (192, (7, 1)))),
    "block8": (((192, 1),), ((192, 1), (224, (1, 3)), (256, (3, 1)))),
}


def conv2d_bn(x, filters, kernel_size, strides=1, padding="same", activation="relu", use_bias=False, name=None):
    """Conv2D, then (without bias) BatchNormalization without scale, then the activation.

    Args:
        x: Input tensor.
        filters: Number of convolution filters.
        kernel_size: Kernel size of the convolution.
        strides: Strides of the convolution.
        padding: `"same"` or `"valid"`.
        activation: Activation applied last, or `None`.
        use_bias: Whether the convolution has a bias (and then no BatchNormalization follows).
        name: When given, the layers are named `<name>`, `<name>_bn` and `<name>_ac`.

    Returns:
        The output tensor.
    """
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias, name=name)(x)
    if not use_bias:
        x = layers.BatchNormalization(axis=_zoo.channel_axis(), scale=False, name=None if name is None else f"{name}_bn")(x)
    if activation is not None:
        x = layers.Activation(activation, name=None if name is None else f"{name}_ac")(x)
    return x


def _chain(x, convs, strides_last=1, padding_last="same"):
    for position, (filters, kernel_size) in enumerate(convs):
        last = position == len(convs) - 1
        x = conv2d_bn(x, filters, kernel_size, strides=strides_last if last else 1,
                      padding=padding_last if last else "same")
    return x


def inception_resnet_block(x, scale, block_type, block_idx, activation="relu"):
    """An Inception-ResNet block: `activation(x + scale * conv1x1(concat(branches(x))))`.

    Args:
        x: Input tensor.
        scale: Factor applied to the residual branch.
        block_type: `"block35"`, `"block17"` or `"block8"`.
        block_idx: Index of the block, used in the layer names (`<block_type>_<block_idx>_...`).
        activation: Activation after the sum, or `None`.

    Returns:
        The output tensor.
    """
    if block_type not in _BLOCK_BRANCHES:
        raise ValueError(
            f'Unknown Inception-ResNet block type. Expects "block35", "block17" or "block8", but got: {block_type}'
        )
    axis = _zoo.channel_axis()
    block_name = f"{block_type}_{block_idx}"
    branches = [_chain(x, convs) for convs in _BLOCK_BRANCHES[block_type]]
    mixed = layers.Concatenate(axis=axis, name=f"{block_name}_mixed")(branches)
    up = conv2d_bn(mixed, x.shape[axis], 1, activation=None, use_bias=True, name=f"{block_name}_conv")
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=f"{block_name}_ac")(x)
    return x


def InceptionResNetV2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                      classes=1000, classifier_activation="softmax", name="inception_resnet_v2"):
    _zoo.check_weights_argument(weights, include_top, classes, classifier_activation)
    input_shape = _zoo.resolve_input_shape(input_shape, 299, 75, include_top, weights)
    img_input = _zoo.image_input(input_tensor, input_shape)
    axis = _zoo.channel_axis()

    x = conv2d_bn(img_input, 32, 3, strides=2, padding="valid")
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2)(x)

    branches = [_chain(x, [(96, 1)]), _chain(x, [(48, 1), (64, 5)]), _chain(x, [(64, 1), (96, 3), (96, 3)])]
    pooled = layers.AveragePooling2D(3, strides=1, padding="same")(x)
    branches.append(conv2d_bn(pooled, 64, 1))
    x = layers.Concatenate(axis=axis, name="mixed_5b")(branches)
    for block_idx in range(1, 11):
        x = inception_resnet_block(x, scale=0.17, block_type="block35", block_idx=block_idx)

    branches = [
        _chain(x, [(384, 3)], strides_last=2, padding_last="valid"),
        _chain(x, [(256, 1), (256, 3), (384, 3)], strides_last=2, padding_last="valid"),
        layers.MaxPooling2D(3, strides=2, padding="valid")(x),
    ]
    x = layers.Concatenate(axis=axis, name="mixed_6a")(branches)
    for block_idx in range(1, 21):
        x = inception_resnet_block(x, scale=0.1, block_type="block17", block_idx=block_idx)

    branches = [
        _chain(x, [(256, 1), (384, 3)], strides_last=2, padding_last="valid"),
        _chain(x, [(256, 1), (288, 3)], strides_last=2, padding_last="valid"),
        _chain(x, [(256, 1), (288, 3), (320, 3)], strides_last=2, padding_last="valid"),
        layers.MaxPooling2D(3, strides=2, padding="valid")(x),
    ]
    x = layers.Concatenate(axis=axis, name="mixed_7a")(branches)
    for block_idx in range(1, 10):
        x = inception_resnet_block(x, scale=0.2, block_type="block8", block_idx=block_idx)
    x = inception_resnet_block(x, scale=1.0, activation=None, block_type="block8", block_idx=10)
    x = conv2d_bn(x, 1536, 1, name="conv_7b")

    x = _zoo.classifier_head(x, include_top=include_top, pooling=pooling, classes=classes,
                             classifier_activation=classifier_activation, weights=weights)

    file_name, file_hash = _FILE_TOP if include_top else _FILE_NO_TOP
    return _zoo.assemble_model(input_tensor, img_input, x, name, weights,
                               (file_name, _WEIGHTS_URL + file_name, file_hash))


InceptionResNetV2.__doc__ = """Instantiates the Inception-ResNet V2 architecture.

    Reference: [Inception-v4, Inception-ResNet and the Impact of Residual Connections on Learning](
    https://arxiv.org/abs/1602.07261). Expects inputs prepared by
    `keras.applications.inception_resnet_v2.preprocess_input` (pixels scaled to `[-1, 1]`). The default input
    size is 299x299; images must be at least 75x75.
""" + _zoo.COMMON_ARGS_DOC
preprocess_input, decode_predictions = imagenet_utils.preprocessing_functions("tf", __name__, "InceptionResNetV2")
