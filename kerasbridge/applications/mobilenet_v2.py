"""MobileNetV2 (Sandler et al., 2018), mirroring `keras.applications.mobilenet_v2`.

Same layer names, weight order and ImageNet weight files as Keras.
"""

from __future__ import annotations

import warnings

from kerasbridge.applications import _zoo, imagenet_utils
from kerasbridge.applications._mobilenet_common import check_input_tensor_matches, make_divisible

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
PRETRAINED_SIZES = (96, 128, 160, 192, 224)
PRETRAINED_ALPHAS = (0.35, 0.50, 0.75, 1.0, 1.3, 1.4)
# (filters, stride, expansion) of inverted residual blocks 0..16.
BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6),
          (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6),
          (320, 1, 6))


def _batch_norm(name):
    from kerasbridge import layers

    return layers.BatchNormalization(axis=_zoo.channel_axis(-1), epsilon=1e-3, momentum=0.999, name=name)


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    """Expand (1x1, except block 0), depthwise 3x3, project (1x1, linear); residual add when shapes allow."""
    from kerasbridge import layers

    in_channels = inputs.shape[_zoo.channel_axis(-1)]
    pointwise_filters = make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False, activation=None,
                          name=f"{prefix}expand")(x)
        x = _batch_norm(f"{prefix}expand_BN")(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                               padding="same" if stride == 1 else "valid", name=f"{prefix}depthwise")(x)
    x = _batch_norm(f"{prefix}depthwise_BN")(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False, activation=None,
                      name=f"{prefix}project")(x)
    x = _batch_norm(f"{prefix}project_BN")(x)
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def _default_size(input_shape, input_tensor):
    """The ImageNet resolution suggested by the input (224 unless a square pretrained size is given)."""
    from kerasbridge.utils.source_inputs import is_keras_tensor

    if input_shape is not None:
        rows, cols = _zoo.image_size(input_shape)
    elif input_tensor is not None and is_keras_tensor(input_tensor):
        rows, cols = _zoo.image_size(input_tensor.shape[1:])
    else:
        return 224
    return rows if rows == cols and rows in PRETRAINED_SIZES else 224


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                classes=1000, classifier_activation="softmax", name=None):
    """Instantiates the MobileNetV2 architecture.

    Reference: [MobileNetV2: Inverted Residuals and Linear Bottlenecks](https://arxiv.org/abs/1801.04381).
    Expects inputs prepared by `keras.applications.mobilenet_v2.preprocess_input` (pixels scaled
    to `[-1, 1]`).

    Args:
        input_shape: Optional input shape; the default is `(224, 224, 3)`, images must be at least
            32x32. Square inputs of 96, 128, 160, 192 or 224 pixels select the matching ImageNet weights.
        alpha: Width multiplier: scales the number of filters of every block.
        include_top: Whether to include the `predictions` classifier.
        weights: `None`, `"imagenet"` or the path of a weights file.
        input_tensor: Optional Keras tensor to use as image input.
        pooling: `None`, `"avg"` or `"max"` when `include_top` is `False`.
        classes: Number of classes of the classifier.
        classifier_activation: Activation of the top layer (`None` returns logits).
        name: Name of the model; defaults to `mobilenetv2_{alpha:.2f}_{rows}`.

    Returns:
        A `Model` instance.
    """
    from kerasbridge import layers

    _zoo.check_weights_and_classes(
        weights, include_top, classes, imagenet_quote="`imagenet`", received="  Received `weights={weights}`",
        classes_message='If using `weights="imagenet"` with `include_top` as true, `classes` should be 1000. '
                        "Received `classes={classes}`",
    )
    if input_shape is not None and input_tensor is not None:
        check_input_tensor_matches(input_tensor, input_shape)
    input_shape = _zoo.resolve_input_shape(input_shape, _default_size(input_shape, input_tensor), 32, include_top,
                                           weights)
    rows, cols = _zoo.image_size(input_shape)
    if weights == "imagenet":
        if alpha not in PRETRAINED_ALPHAS:
            raise ValueError(
                "If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, `0.75`, `1.0`, `1.3` "
                f"or `1.4` only; Received `alpha={alpha}`"
            )
        if rows != cols or rows not in PRETRAINED_SIZES:
            rows = 224
            warnings.warn(
                "`input_shape` is undefined or non-square, or `rows` is not in [96, 128, 160, 192, 224]. Weights "
                "for input shape (224, 224) will be loaded as the default.",
                stacklevel=2,
            )

    img_input = _zoo.image_input(input_tensor, input_shape)
    x = layers.Conv2D(make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2), padding="same", use_bias=False,
                      name="Conv1")(img_input)
    x = _batch_norm("bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(BLOCKS):
        x = _inverted_res_block(x, filters=filters, alpha=alpha, stride=stride, expansion=expansion,
                                block_id=block_id)
    # The last convolution is widened, never narrowed, by alpha.
    last_block_filters = make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last_block_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = _batch_norm("Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)

    x = _zoo.classifier_head(x, include_top=include_top, pooling=pooling, classes=classes,
                             classifier_activation=classifier_activation, weights=weights, top_pool_name=None)

    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    pretrained = None
    if weights == "imagenet":
        suffix = "_no_top" if not include_top else ""
        file_name = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}{suffix}.h5"
        pretrained = (file_name, BASE_WEIGHT_PATH + file_name, None)
    return _zoo.assemble_model(input_tensor, img_input, x, name, weights, pretrained)


preprocess_input, decode_predictions = imagenet_utils.preprocessing_functions("tf", __name__, "MobileNetV2")
