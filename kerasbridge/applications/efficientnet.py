"""EfficientNet B0 to B7 (Tan & Le, "EfficientNet: Rethinking Model Scaling for CNNs", ICML 2019).

The models include their own input preprocessing (`Rescaling` + `Normalization`), so they take float
pixels in `[0, 255]` and `preprocess_input` is the identity.
"""

import math

from kerasbridge import initializers, layers
from kerasbridge.applications import _zoo, imagenet_utils

_WEIGHTS_URL = "https://storage.googleapis.com/keras-applications/"

# variant: (file hash with top, file hash without top)
_WEIGHT_HASHES = {
    "b0": ("902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"),
    "b1": ("1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"),
    "b2": ("b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"),
    "b3": ("ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"),
    "b4": ("18c95ad55216b8f92d7e70b3a046e2fc", "ebc24e6d6c33eaebbd558eafbeedf1ba"),
    "b5": ("ace28f2a6363774853a83a0b21b9421a", "38879255a25d3c92d5e44e04ae6cec6f"),
    "b6": ("165f6e37dce68623721b423839de8be5", "9ecce42647a20130c1f39a5d4cb75743"),
    "b7": ("8c03f828fec3ef71311cd463b6759d99", "cbcfe4450ddf6f3ad90b1b398090fe4a"),
}

# variant: (width coefficient, depth coefficient, default image size, top dropout rate)
_SCALING = {
    "b0": (1.0, 1.0, 224, 0.2),
    "b1": (1.0, 1.1, 240, 0.2),
    "b2": (1.1, 1.2, 260, 0.3),
    "b3": (1.2, 1.4, 300, 0.3),
    "b4": (1.4, 1.8, 380, 0.4),
    "b5": (1.6, 2.2, 456, 0.4),
    "b6": (1.8, 2.6, 528, 0.5),
    "b7": (2.0, 3.1, 600, 0.5),
}

# One row per stage of the B0 baseline:
# (kernel size, repeats, input filters, output filters, expansion ratio, stride, squeeze-excite ratio)
_BASELINE_STAGES = (
    (3, 1, 32, 16, 1, 1, 0.25),
    (3, 2, 16, 24, 6, 2, 0.25),
    (5, 2, 24, 40, 6, 2, 0.25),
    (3, 3, 40, 80, 6, 2, 0.25),
    (5, 3, 80, 112, 6, 1, 0.25),
    (5, 4, 112, 192, 6, 2, 0.25),
    (3, 1, 192, 320, 6, 1, 0.25),
)

_IMAGENET_STDDEV_RGB = (0.229, 0.224, 0.225)


def _conv_initializer():
    return initializers.VarianceScaling(scale=2.0, mode="fan_out", distribution="truncated_normal")


def _dense_initializer():
    return initializers.VarianceScaling(scale=1.0 / 3.0, mode="fan_out", distribution="uniform")


def _scaled_filters(filters, width_coefficient, divisor=8):
    """Multiply `filters` by the width coefficient and round to a multiple of `divisor` (never 10% below)."""
    target = filters * width_coefficient
    rounded = max(divisor, int(target + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * target:
        rounded += divisor
    return int(rounded)


def _scaled_repeats(repeats, depth_coefficient):
    return int(math.ceil(depth_coefficient * repeats))


def _mobile_inverted_block(inputs, *, name, activation, drop_rate, filters_in, filters_out, kernel_size,
                           strides, expand_ratio, se_ratio):
    """Expansion 1x1 conv, depthwise conv, squeeze-excite, projection 1x1 conv and (maybe) a residual add."""
    axis = _zoo.channel_axis()
    expanded = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = layers.Conv2D(expanded, 1, padding="same", use_bias=False, kernel_initializer=_conv_initializer(),
                          name=f"{name}expand_conv")(x)
        x = layers.BatchNormalization(axis=axis, name=f"{name}expand_bn")(x)
        x = layers.Activation(activation, name=f"{name}expand_activation")(x)

    if strides == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                                 name=f"{name}dwconv_pad")(x)
        depthwise_padding = "valid"
    else:
        depthwise_padding = "same"
    x = layers.DepthwiseConv2D(kernel_size, strides=strides, padding=depthwise_padding, use_bias=False,
                               depthwise_initializer=_conv_initializer(), name=f"{name}dwconv")(x)
    x = layers.BatchNormalization(axis=axis, name=f"{name}bn")(x)
    x = layers.Activation(activation, name=f"{name}activation")(x)

    if 0 < se_ratio <= 1:
        squeezed = max(1, int(filters_in * se_ratio))
        se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
        se_shape = (1, 1, expanded) if axis == 3 else (expanded, 1, 1)
        se = layers.Reshape(se_shape, name=f"{name}se_reshape")(se)
        se = layers.Conv2D(squeezed, 1, padding="same", activation=activation,
                           kernel_initializer=_conv_initializer(), name=f"{name}se_reduce")(se)
        se = layers.Conv2D(expanded, 1, padding="same", activation="sigmoid",
                           kernel_initializer=_conv_initializer(), name=f"{name}se_expand")(se)
        x = layers.multiply([x, se], name=f"{name}se_excite")

    x = layers.Conv2D(filters_out, 1, padding="same", use_bias=False, kernel_initializer=_conv_initializer(),
                      name=f"{name}project_conv")(x)
    x = layers.BatchNormalization(axis=axis, name=f"{name}project_bn")(x)
    if strides == 1 and filters_in == filters_out:
        if drop_rate > 0:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = layers.add([x, inputs], name=f"{name}add")
    return x


def _efficientnet(variant, *, include_top, weights, input_tensor, input_shape, pooling, classes,
                  classifier_activation, name, activation="swish", drop_connect_rate=0.2):
    width, depth, default_size, dropout_rate = _SCALING[variant]
    _zoo.check_weights_argument(weights, include_top, classes, classifier_activation)
    input_shape = _zoo.resolve_input_shape(input_shape, default_size, 32, include_top, weights)
    img_input = _zoo.image_input(input_tensor, input_shape)
    axis = _zoo.channel_axis()

    x = layers.Rescaling(1.0 / 255.0)(img_input)
    x = layers.Normalization(axis=axis)(x)
    if weights == "imagenet":
        # The released weights expect (x - mean) / variance; Normalization divides by sqrt(variance) only.
        x = layers.Rescaling([1.0 / math.sqrt(stddev) for stddev in _IMAGENET_STDDEV_RGB])(x)

    x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(_scaled_filters(32, width), 3, strides=2, padding="valid", use_bias=False,
                      kernel_initializer=_conv_initializer(), name="stem_conv")(x)
    x = layers.BatchNormalization(axis=axis, name="stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)

    total_blocks = float(sum(_scaled_repeats(stage[1], depth) for stage in _BASELINE_STAGES))
    block_index = 0
    for stage_index, stage in enumerate(_BASELINE_STAGES):
        kernel_size, repeats, filters_in, filters_out, expand_ratio, strides, se_ratio = stage
        filters_in = _scaled_filters(filters_in, width)
        filters_out = _scaled_filters(filters_out, width)
        for repeat in range(_scaled_repeats(repeats, depth)):
            x = _mobile_inverted_block(
                x,
                name=f"block{stage_index + 1}{chr(ord('a') + repeat)}_",
                activation=activation,
                drop_rate=drop_connect_rate * block_index / total_blocks,
                filters_in=filters_in if repeat == 0 else filters_out,
                filters_out=filters_out,
                kernel_size=kernel_size,
                strides=strides if repeat == 0 else 1,
                expand_ratio=expand_ratio,
                se_ratio=se_ratio,
            )
            block_index += 1

    x = layers.Conv2D(_scaled_filters(1280, width), 1, padding="same", use_bias=False,
                      kernel_initializer=_conv_initializer(), name="top_conv")(x)
    x = layers.BatchNormalization(axis=axis, name="top_bn")(x)
    x = layers.Activation(activation, name="top_activation")(x)
    x = _zoo.classifier_head(x, include_top=include_top, pooling=pooling, classes=classes,
                             classifier_activation=classifier_activation, weights=weights, named_pooling=True,
                             dropout_rate=dropout_rate, kernel_initializer=_dense_initializer())

    file_name = f"efficientnet{variant}" + (".h5" if include_top else "_notop.h5")
    file_hash = _WEIGHT_HASHES[variant][0 if include_top else 1]
    return _zoo.assemble_model(input_tensor, img_input, x, name, weights,
                               (file_name, _WEIGHTS_URL + file_name, file_hash))


_CONSTRUCTOR_DOC = """Instantiates the EfficientNet{variant} architecture.

    Reference: [EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks](
    https://arxiv.org/abs/1905.11946). The model includes its preprocessing: feed float pixels in
    `[0, 255]`. Images must be at least 32x32.
""" + _zoo.COMMON_ARGS_DOC


def _make_constructor(variant):
    def constructor(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                    classes=1000, classifier_activation="softmax", name=f"efficientnet{variant}"):
        return _efficientnet(variant, include_top=include_top, weights=weights, input_tensor=input_tensor,
                             input_shape=input_shape, pooling=pooling, classes=classes,
                             classifier_activation=classifier_activation, name=name)

    constructor.__name__ = constructor.__qualname__ = f"EfficientNet{variant.upper()}"
    constructor.__doc__ = _CONSTRUCTOR_DOC.format(variant=variant.upper())
    constructor.__module__ = __name__
    return constructor


EfficientNetB0 = _make_constructor("b0")
EfficientNetB1 = _make_constructor("b1")
EfficientNetB2 = _make_constructor("b2")
EfficientNetB3 = _make_constructor("b3")
EfficientNetB4 = _make_constructor("b4")
EfficientNetB5 = _make_constructor("b5")
EfficientNetB6 = _make_constructor("b6")
EfficientNetB7 = _make_constructor("b7")


preprocess_input, decode_predictions = imagenet_utils.preprocessing_functions(None, __name__, "EfficientNet")
