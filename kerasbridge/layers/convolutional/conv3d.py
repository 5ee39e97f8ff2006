"""`Conv3D`: 3D convolution."""

from __future__ import annotations

from kerasbridge.layers.convolutional.base_conv import BaseConv


class Conv3D(BaseConv):
    """3D convolution layer.

    Args:
        filters: Number of output channels.
        kernel_size: Int or tuple of 3 ints, the convolution window.
        strides: Int or tuple of 3 ints (default 1).
        padding: "valid" or "same" (case-insensitive).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        dilation_rate: Int or tuple of 3 ints (default 1).
        groups: Number of groups the input channels are split into.
        activation, use_bias, kernel/bias initializers, regularizers, constraints,
        activity_regularizer: as in `Dense`.

    Input shape:
        3+2-D tensor, `(batch, spatial..., channels)` or `(batch, channels, spatial...)`.
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            rank=3, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, groups=groups, activation=activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs,
        )


Convolution3D = Conv3D
