"""Residual blocks of ResNet (v1, post-activation) and ResNetV2 (pre-activation), named as in Keras."""

from __future__ import annotations

from kerasbridge.applications._zoo import channel_axis

BN_EPSILON = 1.001e-5


def _batch_norm(name):
    from kerasbridge import layers

    return layers.BatchNormalization(axis=channel_axis(), epsilon=BN_EPSILON, name=name)


def residual_block_v1(x, filters, kernel_size=3, stride=1, conv_shortcut=True, name=None):
    """Bottleneck block 1x1 -> kxk -> 1x1 (4·filters), batch norm after each convolution.

    Args:
        x: Input tensor.
        filters: Filters of the bottleneck convolutions.
        kernel_size: Kernel size of the middle convolution.
        stride: Stride of the first convolution (and of the projection shortcut).
        conv_shortcut: Project the shortcut with a 1x1 convolution; otherwise use identity.
        name: Block label.

    Returns:
        Output tensor of the block.
    """
    from kerasbridge import layers

    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _batch_norm(f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = _batch_norm(f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, kernel_size, padding="same", name=f"{name}_2_conv")(x)
    x = _batch_norm(f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = _batch_norm(f"{name}_3_bn")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def stack_residual_blocks_v1(x, filters, blocks, stride1=2, name=None):
    """`blocks` v1 blocks; the first projects the shortcut and strides by `stride1`.

    Args:
        x: Input tensor.
        filters: Bottleneck filters of every block.
        blocks: Number of blocks.
        stride1: Stride of the first block.
        name: Stack label (blocks are named `{name}_block{i}`).

    Returns:
        Output tensor of the stack.
    """
    x = residual_block_v1(x, filters, stride=stride1, name=f"{name}_block1")
    for index in range(2, blocks + 1):
        x = residual_block_v1(x, filters, conv_shortcut=False, name=f"{name}_block{index}")
    return x


def residual_block_v2(x, filters, kernel_size=3, stride=1, conv_shortcut=False, name=None):
    """Pre-activation bottleneck block: BN-ReLU, then 1x1 -> kxk (strided) -> 1x1 (4·filters).

    Args:
        x: Input tensor.
        filters: Filters of the bottleneck convolutions.
        kernel_size: Kernel size of the middle convolution.
        stride: Stride of the middle convolution; an identity shortcut is subsampled to match.
        conv_shortcut: Project the shortcut with a 1x1 convolution; otherwise use identity.
        name: Block label.

    Returns:
        Output tensor of the block.
    """
    from kerasbridge import layers

    preact = _batch_norm(f"{name}_preact_bn")(x)
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(preact)
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    elif stride > 1:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = _batch_norm(f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, kernel_size, strides=stride, use_bias=False, name=f"{name}_2_conv")(x)
    x = _batch_norm(f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


def stack_residual_blocks_v2(x, filters, blocks, stride1=2, name=None):
    """`blocks` v2 blocks; the first projects the shortcut, the last strides by `stride1`.

    Args:
        x: Input tensor.
        filters: Bottleneck filters of every block.
        blocks: Number of blocks.
        stride1: Stride of the last block.
        name: Stack label (blocks are named `{name}_block{i}`).

    Returns:
        Output tensor of the stack.
    """
    x = residual_block_v2(x, filters, conv_shortcut=True, name=f"{name}_block1")
    for index in range(2, blocks):
        x = residual_block_v2(x, filters, name=f"{name}_block{index}")
    return residual_block_v2(x, filters, stride=stride1, name=f"{name}_block{blocks}")
