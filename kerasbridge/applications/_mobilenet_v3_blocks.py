"""Building blocks of MobileNetV3: activations, squeeze-and-excite and the inverted residual block."""

from __future__ import annotations

from kerasbridge.applications import _zoo, imagenet_utils
from kerasbridge.applications._mobilenet_common import make_divisible


def relu(x):
    """An (auto-named) `ReLU` layer applied to `x`."""
    from kerasbridge import layers

    return layers.ReLU()(x)


def hard_sigmoid(x):
    """`ReLU6(x + 3) / 6`, built from graph operations as Keras does."""
    from kerasbridge import layers

    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def hard_swish(x):
    """An (auto-named) `Activation("hard_swish")` layer applied to `x`."""
    from kerasbridge import layers

    return layers.Activation("hard_swish")(x)


def _batch_norm(name):
    from kerasbridge import layers

    return layers.BatchNormalization(axis=_zoo.channel_axis(-1), epsilon=1e-3, momentum=0.999, name=name)


def se_block(inputs, filters, se_ratio, prefix):
    """Squeeze-and-excite: global pool, 1x1 reduce (ReLU), 1x1 expand (hard sigmoid), channel-wise scale."""
    from kerasbridge import layers

    x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(inputs)
    x = layers.Conv2D(make_divisible(filters * se_ratio), kernel_size=1, padding="same",
                      name=f"{prefix}squeeze_excite_conv")(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", name=f"{prefix}squeeze_excite_conv_1")(x)
    x = hard_sigmoid(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])


def inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation, block_id):
    """Expand (1x1, except block 0), depthwise kxk, optional squeeze-excite, linear 1x1 projection.

    Args:
        x: Input tensor.
        expansion: Expansion factor of the 1x1 expand convolution.
        filters: Output channels.
        kernel_size: Kernel size of the depthwise convolution.
        stride: Stride of the depthwise convolution.
        se_ratio: Squeeze-excite reduction ratio, or `None` for no squeeze-excite.
        activation: Function applying the block's activation (`relu` or `hard_swish`).
        block_id: Index of the block (names the layers `expanded_conv_{block_id}_...`).

    Returns:
        Output tensor of the block (with a residual add when shapes allow).
    """
    from kerasbridge import layers

    shortcut = x
    prefix = "expanded_conv_"
    in_filters = x.shape[_zoo.channel_axis(-1)]
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = layers.Conv2D(make_divisible(in_filters * expansion), kernel_size=1, padding="same", use_bias=False,
                          name=f"{prefix}expand")(x)
        x = _batch_norm(f"{prefix}expand_bn")(x)
        x = activation(x)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                                 name=f"{prefix}depthwise_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=stride, padding="same" if stride == 1 else "valid",
                               use_bias=False, name=f"{prefix}depthwise")(x)
    x = _batch_norm(f"{prefix}depthwise_bn")(x)
    x = activation(x)
    if se_ratio:
        x = se_block(x, make_divisible(in_filters * expansion), se_ratio, prefix)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = _batch_norm(f"{prefix}project_bn")(x)
    if stride == 1 and in_filters == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x
