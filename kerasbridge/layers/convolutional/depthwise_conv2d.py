"""`DepthwiseConv2D`: 2D depthwise convolution."""

from __future__ import annotations

from kerasbridge.layers.convolutional.base_depthwise_conv import BaseDepthwiseConv


class DepthwiseConv2D(BaseDepthwiseConv):
    """2D depthwise convolution: every input channel is convolved with its own filters.

    Args:
        kernel_size: Int or tuple of 2 ints, the convolution window.
        strides: Int or tuple of 2 ints (default 1).
        padding: `"valid"` or `"same"` (case-insensitive).
        depth_multiplier: Number of filters per input channel (default 1); the output has
            `input_channels * depth_multiplier` channels.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        dilation_rate: Int or tuple of 2 ints (default 1).
        activation: Activation applied to the output (default: none).
        use_bias: Whether to add a bias vector.
        depthwise_initializer, bias_initializer: Initializers of the kernel and bias.
        depthwise_regularizer, bias_regularizer, activity_regularizer: Regularizers.
        depthwise_constraint, bias_constraint: Constraints applied after optimizer updates.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        4D tensor `(batch, rows, cols, channels)` (`"channels_last"`) or `(batch, channels, rows, cols)`.

    Output shape:
        4D tensor `(batch, new_rows, new_cols, channels * depth_multiplier)` or the channels-first equivalent.

    The kernel has shape `kernel_size + (input_channels, depth_multiplier)`.
    """

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            rank=2, depth_multiplier=depth_multiplier, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            depthwise_initializer=depthwise_initializer, bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, depthwise_constraint=depthwise_constraint,
            bias_constraint=bias_constraint, **kwargs,
        )
