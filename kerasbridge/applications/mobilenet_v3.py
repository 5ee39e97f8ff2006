"""MobileNetV3Small and MobileNetV3Large (Howard et al., 2019), mirroring `keras.applications.mobilenet_v3`.

Same layer names, weight order and ImageNet weight files as Keras. The models rescale their input
themselves (`include_preprocessing=True`), so `preprocess_input` is the identity.
"""

from __future__ import annotations

import warnings

from kerasbridge.applications import _zoo, imagenet_utils
from kerasbridge.applications._mobilenet_common import check_input_tensor_matches, make_divisible
from kerasbridge.applications._mobilenet_v3_blocks import hard_swish, inverted_res_block, relu

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
# md5 digests (with top, without top) of Keras's published weight files.
WEIGHTS_HASHES = {
    "large_224_0.75_float": ("765b44a33ad4005b3ac83185abf1d0eb", "40af19a13ebea4e2ee0c676887f69a2e"),
    "large_224_1.0_float": ("59e551e166be033d707958cf9e29a6a7", "07fb09a5933dd0c8eaafa16978110389"),
    "large_minimalistic_224_1.0_float": ("675e7b876c45c57e9e63e6d90a36599c", "ec5221f64a2f6d1ef965a614bdae7973"),
    "small_224_0.75_float": ("cb65d4e5be93758266aa0a7f2c6708b7", "ebdb5cc8e0b497cd13a7c275d475c819"),
    "small_224_1.0_float": ("8768d4c2e7dee89b9d02b2d03d65d862", "d3e8ec802a04aa4fc771ee12a9a9b836"),
    "small_minimalistic_224_1.0_float": ("99cd97fb2fcdad2bf028eb838de69e37", "cde8136e733e811080d9fcd8a252f7e4"),
}

# Per block: (expansion, filters, kernel ("k": 5, or 3 when minimalistic), stride,
# squeeze-excite, activation ("relu", or "act": hard swish, relu when minimalistic)).
SMALL_BLOCKS = (
    (1, 16, 3, 2, True, "relu"), (72.0 / 16, 24, 3, 2, False, "relu"), (88.0 / 24, 24, 3, 1, False, "relu"),
    (4, 40, "k", 2, True, "act"), (6, 40, "k", 1, True, "act"), (6, 40, "k", 1, True, "act"),
    (3, 48, "k", 1, True, "act"), (3, 48, "k", 1, True, "act"), (6, 96, "k", 2, True, "act"),
    (6, 96, "k", 1, True, "act"), (6, 96, "k", 1, True, "act"),
)
LARGE_BLOCKS = (
    (1, 16, 3, 1, False, "relu"), (4, 24, 3, 2, False, "relu"), (3, 24, 3, 1, False, "relu"),
    (3, 40, "k", 2, True, "relu"), (3, 40, "k", 1, True, "relu"), (3, 40, "k", 1, True, "relu"),
    (6, 80, 3, 2, False, "act"), (2.5, 80, 3, 1, False, "act"), (2.3, 80, 3, 1, False, "act"),
    (2.3, 80, 3, 1, False, "act"), (6, 112, 3, 1, True, "act"), (6, 112, 3, 1, True, "act"),
    (6, 160, "k", 2, True, "act"), (6, 160, "k", 1, True, "act"), (6, 160, "k", 1, True, "act"),
)


def _resolve_input_shape(input_shape, input_tensor):
    from kerasbridge.utils.source_inputs import is_keras_tensor

    if input_shape is not None and input_tensor is not None:
        check_input_tensor_matches(input_tensor, input_shape, v3_wording=True)
    if input_shape is None and input_tensor is not None and is_keras_tensor(input_tensor):
        if _zoo.channels_last():
            rows, cols = input_tensor.shape[1:3]
            input_shape = (cols, rows, 3)
        else:
            rows, cols = input_tensor.shape[2:4]
            input_shape = (3, cols, rows)
    if input_shape is None:
        input_shape = (None, None, 3) if _zoo.channels_last() else (3, None, None)
    return input_shape


def MobileNetV3(blocks, last_point_ch, input_shape=None, alpha=1.0, model_type="large", minimalistic=False,
                include_top=True, weights="imagenet", input_tensor=None, classes=1000, pooling=None,
                dropout_rate=0.2, classifier_activation="softmax", include_preprocessing=True, name=None):
    """Builds a MobileNetV3 from its table of inverted residual blocks (see `MobileNetV3Small`)."""
    from kerasbridge import layers

    _zoo.check_weights_and_classes(
        weights, include_top, classes, imagenet_quote="`imagenet`", received="  Received weights={weights}",
        classes_message='If using `weights="imagenet"` with `include_top` as true, `classes` should be 1000.  '
                        "Received classes={classes}",
    )
    input_shape = _resolve_input_shape(input_shape, input_tensor)
    rows, cols = _zoo.image_size(input_shape)
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(f"Input size must be at least 32x32; Received `input_shape={input_shape}`")
    if weights == "imagenet":
        if (not minimalistic and alpha not in [0.75, 1.0]) or (minimalistic and alpha != 1.0):
            raise ValueError(
                "If imagenet weights are being loaded, alpha can be one of `0.75`, `1.0` for non minimalistic "
                "or `1.0` for minimalistic only."
            )
        if rows != cols or rows != 224:
            warnings.warn(
                "`input_shape` is undefined or non-square, or `rows` is not 224. Weights for input shape "
                "(224, 224) will be loaded as the default.",
                stacklevel=2,
            )

    img_input = _zoo.image_input(input_tensor, input_shape)
    channel_axis = _zoo.channel_axis(-1)
    kernel, activation, se_ratio = (3, relu, None) if minimalistic else (5, hard_swish, 0.25)

    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="conv")(x)
    x = layers.BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name="conv_bn")(x)
    x = activation(x)
    for block_id, (expansion, filters, block_kernel, stride, use_se, block_activation) in enumerate(blocks):
        x = inverted_res_block(
            x, expansion, make_divisible(filters * alpha), kernel if block_kernel == "k" else block_kernel, stride,
            se_ratio if use_se else None, activation if block_activation == "act" else relu, block_id,
        )

    last_conv_ch = make_divisible(x.shape[channel_axis] * 6)
    if alpha > 1.0:
        last_point_ch = make_divisible(last_point_ch * alpha)
    x = layers.Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False, name="conv_1")(x)
    x = layers.BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name="conv_1_bn")(x)
    x = activation(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True, name="conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = _zoo.pooling_head(x, pooling, named=True)

    pretrained = None
    if weights == "imagenet":
        model_name = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{alpha}_float"
        file_name = f"weights_mobilenet_v3_{model_name}{'' if include_top else '_no_top_v2'}.h5"
        pretrained = (file_name, BASE_WEIGHT_PATH + file_name, WEIGHTS_HASHES[model_name][0 if include_top else 1])
    return _zoo.assemble_model(input_tensor, img_input, x, name, weights, pretrained)


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet",
                     input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True, name="MobileNetV3Small"):
    return MobileNetV3(SMALL_BLOCKS, 1024, input_shape, alpha, "small", minimalistic, include_top, weights,
                       input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing,
                       name=name)


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet",
                     input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True, name="MobileNetV3Large"):
    return MobileNetV3(LARGE_BLOCKS, 1280, input_shape, alpha, "large", minimalistic, include_top, weights,
                       input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing,
                       name=name)


_DOC = """Instantiates the {name} architecture.

    Reference: [Searching for MobileNetV3](https://arxiv.org/abs/1905.02244). The model takes raw
    pixels in `[0, 255]` and rescales them itself (a `Rescaling` layer) unless
    `include_preprocessing=False`, in which case it expects inputs in `[-1, 1]`.

    Args:
        input_shape: Optional input shape, default `(None, None, 3)`; images must be at least 32x32.
            ImageNet weights were trained at 224x224.
        alpha: Width multiplier of the blocks (ImageNet weights exist for 0.75 and 1.0).
        minimalistic: Use 3x3 kernels, ReLU and no squeeze-excite (faster, less accurate).
        include_top: Whether to include the `conv_2` / `logits` classifier.
        weights: `None`, `"imagenet"` or the path of a weights file.
        input_tensor: Optional Keras tensor to use as image input.
        classes: Number of classes of the classifier.
        pooling: `None`, `"avg"` or `"max"` when `include_top` is `False`.
        dropout_rate: Dropout rate before the `logits` layer.
        classifier_activation: Activation of the top layer (`None` returns logits).
        include_preprocessing: Whether the model rescales `[0, 255]` inputs to `[-1, 1]`.
        name: Name of the model.

    Returns:
        A `Model` instance.
"""
MobileNetV3Small.__doc__ = _DOC.format(name="MobileNetV3Small")
MobileNetV3Large.__doc__ = _DOC.format(name="MobileNetV3Large")


preprocess_input, decode_predictions = imagenet_utils.preprocessing_functions(None, __name__, "MobileNetV3")
