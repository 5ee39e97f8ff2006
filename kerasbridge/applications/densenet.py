"""DenseNet 121, 169 and 201 (Huang et al., "Densely Connected Convolutional Networks", CVPR 2017).

Inputs are preprocessed with `preprocess_input` ("torch" mode: scaled to `[0, 1]`, then normalized
with the ImageNet mean and standard deviation per channel).
"""

from kerasbridge import layers
from kerasbridge.applications import _zoo, imagenet_utils

_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"

# depth: (conv blocks per dense block, file hash with top, file hash without top)
_VARIANTS = {
    121: ((6, 12, 24, 16), "9d60b8095a5708f2dcce2bca79d332c7", "30ee3e1110167f948a6b9946edeeb738"),
    169: ((6, 12, 32, 32), "d699b8f76981ab1b30698df4c175e90b", "b8c4d4c20dd625c148057b9ff1c1176b"),
    201: ((6, 12, 48, 32), "1ceb130c1ea1b78c3bf6114dbdfd8807", "c13680b51ded0fb44dff2d8f86ac8bb1"),
}

_GROWTH_RATE = 32
_BN_EPSILON = 1.001e-5


def _batch_norm(name):
    return layers.BatchNormalization(axis=_zoo.channel_axis(), epsilon=_BN_EPSILON, name=name)


def _conv_block(x, name):
    """BN-ReLU-1x1 conv (4 * growth) then BN-ReLU-3x3 conv (growth), concatenated onto the input."""
    y = _batch_norm(f"{name}_0_bn")(x)
    y = layers.Activation("relu", name=f"{name}_0_relu")(y)
    y = layers.Conv2D(4 * _GROWTH_RATE, 1, use_bias=False, name=f"{name}_1_conv")(y)
    y = _batch_norm(f"{name}_1_bn")(y)
    y = layers.Activation("relu", name=f"{name}_1_relu")(y)
    y = layers.Conv2D(_GROWTH_RATE, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(y)
    return layers.Concatenate(axis=_zoo.channel_axis(), name=f"{name}_concat")([x, y])


def _dense_block(x, num_blocks, name):
    for index in range(num_blocks):
        x = _conv_block(x, name=f"{name}_block{index + 1}")
    return x


def _transition_block(x, compression, name):
    """BN-ReLU-1x1 conv that shrinks the channels by `compression`, then 2x2 average pooling."""
    axis = _zoo.channel_axis()
    x = _batch_norm(f"{name}_bn")(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    x = layers.Conv2D(int(x.shape[axis] * compression), 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def _densenet(depth, *, include_top, weights, input_tensor, input_shape, pooling, classes,
              classifier_activation, name):
    blocks, hash_top, hash_no_top = _VARIANTS[depth]
    _zoo.require_channels_last("DenseNet")
    _zoo.check_weights_argument(weights, include_top, classes, classifier_activation)
    input_shape = _zoo.resolve_input_shape(input_shape, 224, 32, include_top, weights)
    img_input = _zoo.image_input(input_tensor, input_shape)

    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _batch_norm("conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)

    for stage, num_blocks in enumerate(blocks):
        x = _dense_block(x, num_blocks, name=f"conv{stage + 2}")
        if stage < len(blocks) - 1:
            x = _transition_block(x, 0.5, name=f"pool{stage + 2}")

    x = _batch_norm("bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    x = _zoo.classifier_head(x, include_top=include_top, pooling=pooling, classes=classes,
                             classifier_activation=classifier_activation, weights=weights, named_pooling=True)

    file_name = f"densenet{depth}_weights_tf_dim_ordering_tf_kernels" + (".h5" if include_top else "_notop.h5")
    file_hash = hash_top if include_top else hash_no_top
    return _zoo.assemble_model(input_tensor, img_input, x, name, weights,
                               (file_name, _WEIGHTS_URL + file_name, file_hash))


_CONSTRUCTOR_DOC = """Instantiates the DenseNet{depth} architecture.

    Reference: [Densely Connected Convolutional Networks](https://arxiv.org/abs/1608.06993).
    Expects inputs prepared by `keras.applications.densenet.preprocess_input` (pixels scaled to
    `[0, 1]`, then normalized per channel). The default input size is 224x224; images must be at
    least 32x32.
""" + _zoo.COMMON_ARGS_DOC


def _make_constructor(depth):
    def constructor(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                    classes=1000, classifier_activation="softmax", name=f"densenet{depth}"):
        return _densenet(depth, include_top=include_top, weights=weights, input_tensor=input_tensor,
                         input_shape=input_shape, pooling=pooling, classes=classes,
                         classifier_activation=classifier_activation, name=name)

    constructor.__name__ = constructor.__qualname__ = f"DenseNet{depth}"
    constructor.__doc__ = _CONSTRUCTOR_DOC.format(depth=depth)
    constructor.__module__ = __name__
    return constructor


DenseNet121 = _make_constructor(121)
DenseNet169 = _make_constructor(169)
DenseNet201 = _make_constructor(201)


preprocess_input, decode_predictions = imagenet_utils.preprocessing_functions("torch", __name__, "DenseNet")
