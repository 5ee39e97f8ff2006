"""EfficientNetV2 B0-B3, S, M and L (Tan & Le, "EfficientNetV2: Smaller Models and Faster Training", 2021).

With `include_preprocessing=True` (the default) the models rescale their inputs themselves, so they take
float pixels in `[0, 255]` and `preprocess_input` is the identity.
"""

import math

from kerasbridge import initializers, layers
from kerasbridge.applications import _zoo, imagenet_utils
from kerasbridge.applications.efficientnet import _conv_initializer, _dense_initializer

_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"

# variant: (file hash with top, file hash without top)
_WEIGHT_HASHES = {
    "b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    "s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
    "m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
    "l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
}

# variant: (width coefficient, depth coefficient, default image size)
_SCALING = {
    "b0": (1.0, 1.0, 224),
    "b1": (1.0, 1.1, 240),
    "b2": (1.1, 1.2, 260),
    "b3": (1.2, 1.4, 300),
    "s": (1.0, 1.0, 384),
    "m": (1.0, 1.0, 480),
    "l": (1.0, 1.0, 480),
}

# Stage rows: (fused, repeats, input filters, output filters, expansion ratio, stride, squeeze-excite ratio);
# every stage uses 3x3 kernels.
_BASE_STAGES = (
    (True, 1, 32, 16, 1, 1, 0.0),
    (True, 2, 16, 32, 4, 2, 0.0),
    (True, 2, 32, 48, 4, 2, 0.0),
    (False, 3, 48, 96, 4, 2, 0.25),
    (False, 5, 96, 112, 6, 1, 0.25),
    (False, 8, 112, 192, 6, 2, 0.25),
)
_STAGES = {
    "b0": _BASE_STAGES,
    "b1": _BASE_STAGES,
    "b2": _BASE_STAGES,
    "b3": _BASE_STAGES,
    "s": (
        (True, 2, 24, 24, 1, 1, 0.0),
        (True, 4, 24, 48, 4, 2, 0.0),
        (True, 4, 48, 64, 4, 2, 0.0),
        (False, 6, 64, 128, 4, 2, 0.25),
        (False, 9, 128, 160, 6, 1, 0.25),
        (False, 15, 160, 256, 6, 2, 0.25),
    ),
    "m": (
        (True, 3, 24, 24, 1, 1, 0.0),
        (True, 5, 24, 48, 4, 2, 0.0),
        (True, 5, 48, 80, 4, 2, 0.0),
        (False, 7, 80, 160, 4, 2, 0.25),
        (False, 14, 160, 176, 6, 1, 0.25),
        (False, 18, 176, 304, 6, 2, 0.25),
        (False, 5, 304, 512, 6, 1, 0.25),
    ),
    "l": (
        (True, 4, 32, 32, 1, 1, 0.0),
        (True, 7, 32, 64, 4, 2, 0.0),
        (True, 7, 64, 96, 4, 2, 0.0),
        (False, 10, 96, 192, 4, 2, 0.25),
        (False, 19, 192, 224, 6, 1, 0.25),
        (False, 25, 224, 384, 6, 2, 0.25),
        (False, 7, 384, 640, 6, 1, 0.25),
    ),
}

_KERNEL_SIZE = 3
_BN_MOMENTUM = 0.9


def _scaled_filters(filters, width_coefficient, divisor=8, min_depth=8):
    target = filters * width_coefficient
    return int(max(min_depth or divisor, int(target + divisor / 2) // divisor * divisor))


def _conv(filters, kernel_size, name, strides=1, activation=None, use_bias=False):
    return layers.Conv2D(filters, kernel_size, strides=strides, padding="same", activation=activation,
                         use_bias=use_bias, kernel_initializer=_conv_initializer(), name=name)


def _batch_norm(name):
    return layers.BatchNormalization(axis=_zoo.channel_axis(), momentum=_BN_MOMENTUM, name=name)


def _squeeze_excite(x, filters, filters_in, se_ratio, activation, name):
    squeezed = max(1, int(filters_in * se_ratio))
    se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    se_shape = (1, 1, filters) if _zoo.channel_axis() == 3 else (filters, 1, 1)
    se = layers.Reshape(se_shape, name=f"{name}se_reshape")(se)
    se = _conv(squeezed, 1, f"{name}se_reduce", activation=activation, use_bias=True)(se)
    se = _conv(filters, 1, f"{name}se_expand", activation="sigmoid", use_bias=True)(se)
    return layers.multiply([x, se], name=f"{name}se_excite")


def _residual(x, inputs, strides, filters_in, filters_out, drop_rate, name):
    if strides == 1 and filters_in == filters_out:
        if drop_rate:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = layers.add([x, inputs], name=f"{name}add")
    return x


def _block(inputs, *, fused, name, activation, drop_rate, filters_in, filters_out, strides, expand_ratio,
           se_ratio):
    """An MBConv block, or with `fused=True` a Fused-MBConv block (full conv instead of 1x1 + depthwise)."""
    expanded = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = _conv(expanded, _KERNEL_SIZE if fused else 1, f"{name}expand_conv", strides=strides if fused else 1)(x)
        x = _batch_norm(f"{name}expand_bn")(x)
        x = layers.Activation(activation, name=f"{name}expand_activation")(x)
    if not fused:
        x = layers.DepthwiseConv2D(_KERNEL_SIZE, strides=strides, padding="same", use_bias=False,
                                   depthwise_initializer=_conv_initializer(), name=f"{name}dwconv2")(x)
        x = _batch_norm(f"{name}bn")(x)
        x = layers.Activation(activation, name=f"{name}activation")(x)
    if 0 < se_ratio <= 1:
        x = _squeeze_excite(x, expanded, filters_in, se_ratio, activation, name)

    projection_does_the_work = fused and expand_ratio == 1
    x = _conv(filters_out, _KERNEL_SIZE if projection_does_the_work else 1, f"{name}project_conv",
              strides=strides if projection_does_the_work else 1)(x)
    x = _batch_norm(f"{name}project_bn")(x)
    if projection_does_the_work:
        x = layers.Activation(activation, name=f"{name}project_activation")(x)
    return _residual(x, inputs, strides, filters_in, filters_out, drop_rate, name)


def _efficientnet_v2(variant, *, include_top, weights, input_tensor, input_shape, pooling, classes,
                     classifier_activation, include_preprocessing, name, activation="swish",
                     dropout_rate=0.2, drop_connect_rate=0.2):
    width, depth, default_size = _SCALING[variant]
    stages = _STAGES[variant]
    _zoo.check_weights_argument(weights, include_top, classes, classifier_activation)
    input_shape = _zoo.resolve_input_shape(input_shape, default_size, 32, include_top, weights)
    img_input = _zoo.image_input(input_tensor, input_shape)
    axis = _zoo.channel_axis()

    x = img_input
    if include_preprocessing:
        if variant.startswith("b") and input_shape[axis - 1] == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(mean=[0.485, 0.456, 0.406], variance=[0.229**2, 0.224**2, 0.225**2],
                                     axis=axis)(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)

    x = _conv(_scaled_filters(stages[0][2], width), 3, "stem_conv", strides=2)(x)
    x = _batch_norm("stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)

    total_blocks = float(sum(stage[1] for stage in stages))
    block_index = 0
    for stage_index, (fused, repeats, filters_in, filters_out, expand_ratio, strides, se_ratio) in enumerate(stages):
        filters_in = _scaled_filters(filters_in, width)
        filters_out = _scaled_filters(filters_out, width)
        for repeat in range(int(math.ceil(depth * repeats))):
            # Keras passes the stochastic-depth "survival probability" straight to Dropout as its rate.
            x = _block(
                x,
                fused=fused,
                name=f"block{stage_index + 1}{chr(ord('a') + repeat)}_",
                activation=activation,
                drop_rate=drop_connect_rate * block_index / total_blocks,
                filters_in=filters_in if repeat == 0 else filters_out,
                filters_out=filters_out,
                strides=strides if repeat == 0 else 1,
                expand_ratio=expand_ratio,
                se_ratio=se_ratio,
            )
            block_index += 1

    x = _conv(_scaled_filters(1280, width), 1, "top_conv")(x)
    x = _batch_norm("top_bn")(x)
    x = layers.Activation(activation, name="top_activation")(x)
    x = _zoo.classifier_head(x, include_top=include_top, pooling=pooling, classes=classes,
                             classifier_activation=classifier_activation, weights=weights, named_pooling=True,
                             dropout_rate=dropout_rate, kernel_initializer=_dense_initializer(),
                             bias_initializer=initializers.Constant(0.0))

    file_name = f"efficientnetv2-{variant}" + (".h5" if include_top else "_notop.h5")
    file_hash = _WEIGHT_HASHES[variant][0 if include_top else 1]
    return _zoo.assemble_model(input_tensor, img_input, x, name, weights,
                               (file_name, _WEIGHTS_URL + file_name, file_hash))


_CONSTRUCTOR_DOC = """Instantiates the EfficientNetV2{variant} architecture.

    Reference: [EfficientNetV2: Smaller Models and Faster Training](https://arxiv.org/abs/2104.00298).
    With `include_preprocessing=True` the model takes float pixels in `[0, 255]`. Images must be
    at least 32x32.
""" + _zoo.args_doc(_zoo.INCLUDE_PREPROCESSING_ARG)


def _make_constructor(variant):
    def constructor(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                    classes=1000, classifier_activation="softmax", include_preprocessing=True,
                    name=f"efficientnetv2-{variant}"):
        return _efficientnet_v2(variant, include_top=include_top, weights=weights, input_tensor=input_tensor,
                                input_shape=input_shape, pooling=pooling, classes=classes,
                                classifier_activation=classifier_activation,
                                include_preprocessing=include_preprocessing, name=name)

    constructor.__name__ = constructor.__qualname__ = f"EfficientNetV2{variant.upper()}"
    constructor.__doc__ = _CONSTRUCTOR_DOC.format(variant=variant.upper())
    constructor.__module__ = __name__
    return constructor


EfficientNetV2B0 = _make_constructor("b0")
EfficientNetV2B1 = _make_constructor("b1")
EfficientNetV2B2 = _make_constructor("b2")
EfficientNetV2B3 = _make_constructor("b3")
EfficientNetV2S = _make_constructor("s")
EfficientNetV2M = _make_constructor("m")
EfficientNetV2L = _make_constructor("l")


preprocess_input, decode_predictions = imagenet_utils.preprocessing_functions(None, __name__, "EfficientNetV2")
