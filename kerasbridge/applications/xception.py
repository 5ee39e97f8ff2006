"""Xception (Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions", CVPR 2017).

Inputs are preprocessed with `preprocess_input` ("tf" mode: pixels scaled to `[-1, 1]`).
"""

from kerasbridge import layers
from kerasbridge.applications import _zoo, imagenet_utils

_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/xception/"
_FILE_TOP = ("xception_weights_tf_dim_ordering_tf_kernels.h5", "0a58e3b7378bc2990ea3b43d5981f1f6")
_FILE_NO_TOP = ("xception_weights_tf_dim_ordering_tf_kernels_notop.h5", "b0042744bf5b25fce3cb969f33bebb97")


def _separable(x, filters, name, activation_first):
    """(ReLU ->) 3x3 separable conv -> BN, or separable conv -> BN -> ReLU when `activation_first` is False."""
    if activation_first:
        x = layers.Activation("relu", name=f"{name}_act")(x)
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    x = layers.BatchNormalization(axis=_zoo.channel_axis(-1), name=f"{name}_bn")(x)
    if not activation_first:
        x = layers.Activation("relu", name=f"{name}_act")(x)
    return x


def _downsampling_block(x, block, filters, relu_on_entry=True):
    """Two separable convs and a stride-2 max pool, added to a strided 1x1 conv shortcut."""
    shortcut = layers.Conv2D(filters[1], (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    shortcut = layers.BatchNormalization(axis=_zoo.channel_axis(-1))(shortcut)
    if relu_on_entry:
        x = _separable(x, filters[0], f"block{block}_sepconv1", activation_first=True)
    else:
        x = layers.SeparableConv2D(filters[0], (3, 3), padding="same", use_bias=False,
                                   name=f"block{block}_sepconv1")(x)
        x = layers.BatchNormalization(axis=_zoo.channel_axis(-1), name=f"block{block}_sepconv1_bn")(x)
    x = _separable(x, filters[1], f"block{block}_sepconv2", activation_first=True)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return layers.add([x, shortcut])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="xception"):
    _zoo.check_weights_argument(weights, include_top, classes, classifier_activation)
    input_shape = _zoo.resolve_input_shape(input_shape, 299, 71, include_top, weights)
    img_input = _zoo.image_input(input_tensor, input_shape)
    axis = _zoo.channel_axis(-1)

    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = layers.BatchNormalization(axis=axis, name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=axis, name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)

    # Entry flow.
    x = _downsampling_block(x, 2, (128, 128), relu_on_entry=False)
    x = _downsampling_block(x, 3, (256, 256))
    x = _downsampling_block(x, 4, (728, 728))

    # Middle flow: eight residual blocks of three separable convs.
    for block in range(5, 13):
        shortcut = x
        for index in range(1, 4):
            x = _separable(x, 728, f"block{block}_sepconv{index}", activation_first=True)
        x = layers.add([x, shortcut])

    # Exit flow.
    x = _downsampling_block(x, 13, (728, 1024))
    x = _separable(x, 1536, "block14_sepconv1", activation_first=False)
    x = _separable(x, 2048, "block14_sepconv2", activation_first=False)

    x = _zoo.classifier_head(x, include_top=include_top, pooling=pooling, classes=classes,
                             classifier_activation=classifier_activation, weights=weights)

    file_name, file_hash = _FILE_TOP if include_top else _FILE_NO_TOP
    return _zoo.assemble_model(input_tensor, img_input, x, name, weights,
                               (file_name, _WEIGHTS_URL + file_name, file_hash))


Xception.__doc__ = """Instantiates the Xception architecture.

    Reference: [Xception: Deep Learning with Depthwise Separable Convolutions](
    https://arxiv.org/abs/1610.02357). Expects inputs prepared by
    `keras.applications.xception.preprocess_input` (pixels scaled to `[-1, 1]`). The default input
    size is 299x299; images must be at least 71x71.
""" + _zoo.COMMON_ARGS_DOC
preprocess_input, decode_predictions = imagenet_utils.preprocessing_functions("tf", __name__, "Xception")
