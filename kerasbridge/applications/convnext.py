"""ConvNeXt Tiny, Small, Base, Large and XLarge (Liu et al., "A ConvNet for the 2020s", CVPR 2022).

With `include_preprocessing=True` (the default) the models normalize their inputs themselves, so they
take float pixels in `[0, 255]` and `preprocess_input` is the identity.
"""

from kerasbridge import layers
from kerasbridge.applications import _zoo, imagenet_utils
from kerasbridge.applications.convnext_layer_scale import LayerScale
from kerasbridge.models import Sequential

_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"

# variant: (blocks per stage, channels per stage, sha256 with top, sha256 without top)
_VARIANTS = {
    "tiny": (
        (3, 3, 9, 3), (96, 192, 384, 768),
        "8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
        "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1",
    ),
    "small": (
        (3, 3, 27, 3), (96, 192, 384, 768),
        "ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
        "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab",
    ),
    "base": (
        (3, 3, 27, 3), (128, 256, 512, 1024),
        "52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
        "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45",
    ),
    "large": (
        (3, 3, 27, 3), (192, 384, 768, 1536),
        "070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
        "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd",
    ),
    "xlarge": (
        (3, 3, 27, 3), (256, 512, 1024, 2048),
        "c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
        "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05",
    ),
}

_LN_EPSILON = 1e-6
_LAYER_SCALE_INIT = 1e-6
_IMAGENET_MEAN = (0.485, 0.456, 0.406)
_IMAGENET_STD = (0.229, 0.224, 0.225)


def _convnext_block(inputs, channels, name):
    """7x7 depthwise conv, LayerNorm, 4x inverted-bottleneck MLP with GELU, layer scale, residual add."""
    x = layers.Conv2D(channels, kernel_size=7, padding="same", groups=channels, name=f"{name}_depthwise_conv")(inputs)
    x = layers.LayerNormalization(epsilon=_LN_EPSILON, name=f"{name}_layernorm")(x)
    x = layers.Dense(4 * channels, name=f"{name}_pointwise_conv_1")(x)
    x = layers.Activation("gelu", name=f"{name}_gelu")(x)
    x = layers.Dense(channels, name=f"{name}_pointwise_conv_2")(x)
    x = LayerScale(_LAYER_SCALE_INIT, channels, name=f"{name}_layer_scale")(x)
    # Every released variant has no stochastic depth, so the residual branch ends in a linear activation.
    x = layers.Activation("linear", name=f"{name}_identity")(x)
    return inputs + x


def _downsampling_stages(name, channels):
    """The patchify stem and the three LayerNorm + 2x2 strided conv downsamplers, as nested Sequentials."""
    stem = Sequential(
        [
            layers.Conv2D(channels[0], kernel_size=4, strides=4, name=f"{name}_stem_conv"),
            layers.LayerNormalization(epsilon=_LN_EPSILON, name=f"{name}_stem_layernorm"),
        ],
        name=f"{name}_stem",
    )
    downsamplers = [
        Sequential(
            [
                layers.LayerNormalization(epsilon=_LN_EPSILON, name=f"{name}_downsampling_layernorm_{index}"),
                layers.Conv2D(channels[index + 1], kernel_size=2, strides=2,
                              name=f"{name}_downsampling_conv_{index}"),
            ],
            name=f"{name}_downsampling_block_{index}",
        )
        for index in range(3)
    ]
    return [stem, *downsamplers]


def _convnext(variant, *, include_top, include_preprocessing, weights, input_tensor, input_shape, pooling,
              classes, classifier_activation, name):
    depths, channels, hash_top, hash_no_top = _VARIANTS[variant]
    _zoo.require_channels_last("ConvNeXt")
    _zoo.check_weights_argument(weights, include_top, classes, classifier_activation)
    if weights == "imagenet" and f"convnext_{variant}" not in name:
        raise ValueError(
            f'Model name "{name}" does not match weights variant "convnext_{variant}". When using imagenet '
            f'weights, model name must contain the weights variant (e.g., "convnext_{variant}").'
        )
    input_shape = _zoo.resolve_input_shape(input_shape, 224, 32, include_top, weights)
    img_input = _zoo.image_input(input_tensor, input_shape)
    x = img_input

    if include_preprocessing and input_shape[-1] == 3:
        x = layers.Normalization(
            mean=[m * 255 for m in _IMAGENET_MEAN],
            variance=[(s * 255) ** 2 for s in _IMAGENET_STD],
            name=f"{name}_prestem_normalization",
        )(x)

    for stage, downsample in enumerate(_downsampling_stages(name, channels)):
        x = downsample(x)
        for index in range(depths[stage]):
            x = _convnext_block(x, channels[stage], name=f"{name}_stage_{stage}_block_{index}")

    if include_top:
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = layers.LayerNormalization(epsilon=_LN_EPSILON, name=f"{name}_head_layernorm")(x)
        x = layers.Dense(classes, activation=classifier_activation, name=f"{name}_head_dense")(x)
    else:
        x = _zoo.pooling_head(x, pooling)
        x = layers.LayerNormalization(epsilon=_LN_EPSILON)(x)

    file_name = f"convnext_{variant}" + (".h5" if include_top else "_notop.h5")
    file_hash = hash_top if include_top else hash_no_top
    return _zoo.assemble_model(input_tensor, img_input, x, name, weights,
                               (file_name, _WEIGHTS_URL + file_name, file_hash))


_CONSTRUCTOR_DOC = """Instantiates the ConvNeXt{variant} architecture.

    Reference: [A ConvNet for the 2020s](https://arxiv.org/abs/2201.03545). With
    `include_preprocessing=True` the model takes float pixels in `[0, 255]`. Images must be at least
    32x32. The model name prefixes every layer name, and a LayerNorm follows the optional pooling of
    a headless model.
""" + _zoo.args_doc(_zoo.INCLUDE_PREPROCESSING_ARG)


def _make_constructor(variant, public_name):
    def constructor(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
                    input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                    name=f"convnext_{variant}"):
        return _convnext(variant, include_top=include_top, include_preprocessing=include_preprocessing,
                         weights=weights, input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
                         classes=classes, classifier_activation=classifier_activation, name=name)

    constructor.__name__ = constructor.__qualname__ = public_name
    constructor.__doc__ = _CONSTRUCTOR_DOC.format(variant=public_name[len("ConvNeXt"):])
    constructor.__module__ = __name__
    return constructor


ConvNeXtTiny = _make_constructor("tiny", "ConvNeXtTiny")
ConvNeXtSmall = _make_constructor("small", "ConvNeXtSmall")
ConvNeXtBase = _make_constructor("base", "ConvNeXtBase")
ConvNeXtLarge = _make_constructor("large", "ConvNeXtLarge")
ConvNeXtXLarge = _make_constructor("xlarge", "ConvNeXtXLarge")


preprocess_input, decode_predictions = imagenet_utils.preprocessing_functions(None, __name__, "ConvNeXt")
