"""MobileNet (Howard et al., 2017), mirroring `keras.applications.mobilenet`.

Same layer names, weight order and ImageNet weight files as Keras.
"""

from __future__ import annotations

import warnings

from kerasbridge.applications import _zoo, imagenet_utils

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
PRETRAINED_SIZES = (128, 160, 192, 224)
PRETRAINED_ALPHAS = {1.0: "1_0", 0.75: "7_5", 0.50: "5_0", 0.25: "2_5"}
# (pointwise filters, stride) of depthwise-separable blocks 1..13.
BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1),
          (512, 1), (1024, 2), (1024, 1))


def _conv_block(inputs, filters, alpha, kernel=(3, 3), strides=(1, 1)):
    """Stem: convolution (`int(filters·alpha)` filters, no bias), batch norm, ReLU6."""
    from kerasbridge import layers

    channel_axis = _zoo.channel_axis(-1)
    x = layers.Conv2D(int(filters * alpha), kernel, padding="same", use_bias=False, strides=strides,
                      name="conv1")(inputs)
    x = layers.BatchNormalization(axis=channel_axis, name="conv1_bn")(x)
    return layers.ReLU(6.0, name="conv1_relu")(x)


def _depthwise_conv_block(inputs, pointwise_filters, alpha, depth_multiplier=1, strides=(1, 1), block_id=1):
    """Depthwise 3x3 (BN, ReLU6) then pointwise 1x1 (BN, ReLU6); strided blocks pad bottom/right first."""
    from kerasbridge import layers

    channel_axis = _zoo.channel_axis(-1)
    x = inputs
    if strides != (1, 1):
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D((3, 3), padding="same" if strides == (1, 1) else "valid",
                               depth_multiplier=depth_multiplier, strides=strides, use_bias=False,
                               name=f"conv_dw_{block_id}")(x)
    x = layers.BatchNormalization(axis=channel_axis, name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(int(pointwise_filters * alpha), (1, 1), padding="same", use_bias=False, strides=(1, 1),
                      name=f"conv_pw_{block_id}")(x)
    x = layers.BatchNormalization(axis=channel_axis, name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True, weights="imagenet",
              input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax", name=None):
    """Instantiates the MobileNet architecture.

    Reference: [MobileNets: Efficient Convolutional Neural Networks for Mobile Vision Applications](
    https://arxiv.org/abs/1704.04861). Expects inputs prepared by
    `keras.applications.mobilenet.preprocess_input` (pixels scaled to `[-1, 1]`).

    Args:
        input_shape: Optional input shape; the default is `(224, 224, 3)`, images must be at least
            32x32. Square inputs of 128, 160, 192 or 224 pixels select the matching ImageNet weights.
        alpha: Width multiplier: scales the number of filters of every layer.
        depth_multiplier: Depth multiplier of the depthwise convolutions.
        dropout: Dropout rate before the classifier.
        include_top: Whether to include the classifier (a 1x1 convolution `conv_preds`).
        weights: `None`, `"imagenet"` or the path of a weights file.
        input_tensor: Optional Keras tensor to use as image input.
        pooling: `None`, `"avg"` or `"max"` when `include_top` is `False`.
        classes: Number of classes of the classifier.
        classifier_activation: Activation of the top layer (`None` returns logits).
        name: Name of the model; defaults to `mobilenet_{alpha:.2f}_{rows}`.

    Returns:
        A `Model` instance.
    """
    from kerasbridge import layers

    _zoo.check_weights_and_classes(weights, include_top, classes, received=" Received weights={weights}")
    default_size = 224
    if input_shape is not None:
        rows, cols = _zoo.image_size(input_shape)
        if rows == cols and rows in PRETRAINED_SIZES:
            default_size = rows
    input_shape = _zoo.resolve_input_shape(input_shape, default_size, 32, include_top, weights)
    rows, cols = _zoo.image_size(input_shape)
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError(
                f"If imagenet weights are being loaded, depth multiplier must be 1.  "
                f"Received depth_multiplier={depth_multiplier}"
            )
        if alpha not in PRETRAINED_ALPHAS:
            raise ValueError(
                "If imagenet weights are being loaded, alpha can be one of`0.25`, `0.50`, `0.75` or `1.0` only.  "
                f"Received alpha={alpha}"
            )
        if rows != cols or rows not in PRETRAINED_SIZES:
            rows = 224
            warnings.warn(
                "`input_shape` is undefined or non-square, or `rows` is not in [128, 160, 192, 224]. Weights for "
                "input shape (224, 224) will be loaded as the default.",
                stacklevel=2,
            )

    img_input = _zoo.image_input(input_tensor, input_shape)
    x = _conv_block(img_input, 32, alpha, strides=(2, 2))
    for block_id, (filters, stride) in enumerate(BLOCKS, start=1):
        x = _depthwise_conv_block(x, filters, alpha, depth_multiplier, strides=(stride, stride), block_id=block_id)

    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = _zoo.pooling_head(x, pooling)

    if name is None:
        name = f"mobilenet_{alpha:0.2f}_{rows}"
    pretrained = None
    if weights == "imagenet":
        suffix = "" if include_top else "_no_top"
        file_name = f"mobilenet_{PRETRAINED_ALPHAS[alpha]}_{rows}_tf{suffix}.h5"
        pretrained = (file_name, BASE_WEIGHT_PATH + file_name, None)
    return _zoo.assemble_model(input_tensor, img_input, x, name, weights, pretrained)


preprocess_input, decode_predictions = imagenet_utils.preprocessing_functions("tf", __name__, "MobileNet")
