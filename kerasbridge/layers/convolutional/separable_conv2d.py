"""`SeparableConv2D`: 2D depthwise-separable convolution."""

from __future__ import annotations

from kerasbridge.layers.convolutional.base_separable_conv import BaseSeparableConv


class SeparableConv2D(BaseSeparableConv):
    """2D separable convolution: a depthwise convolution followed by a pointwise (1x1) convolution.

    Args:
        filters: Number of output channels.
        kernel_size: Int or tuple of 2 ints, the depthwise window.
        strides: Int or tuple of 2 ints (default 1).
        padding: `"valid"` or `"same"` (case-insensitive).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        dilation_rate: Int or tuple of 2 ints (default 1).
        depth_multiplier: Number of depthwise filters per input channel (default 1).
        activation: Activation applied to the output (default: none).
        use_bias: Whether to add a bias vector.
        depthwise_initializer, pointwise_initializer, bias_initializer: Initializers of the weights.
        depthwise_regularizer, pointwise_regularizer, bias_regularizer, activity_regularizer: Regularizers.
        depthwise_constraint, pointwise_constraint, bias_constraint: Constraints applied after optimizer updates.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        4D tensor `(batch, rows, cols, channels)` (`"channels_last"`) or `(batch, channels, rows, cols)`.

    Output shape:
        4D tensor `(batch, new_rows, new_cols, filters)` or `(batch, filters, new_rows, new_cols)`.
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            rank=2, depth_multiplier=depth_multiplier, filters=filters, kernel_size=kernel_size, strides=strides,
            padding=padding, data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            use_bias=use_bias, depthwise_initializer=depthwise_initializer,
            pointwise_initializer=pointwise_initializer, bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer, pointwise_regularizer=pointwise_regularizer,
            bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint, pointwise_constraint=pointwise_constraint,
            bias_constraint=bias_constraint, **kwargs,
        )


SeparableConvolution2D = SeparableConv2D
