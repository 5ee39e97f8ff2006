"""`Conv2DTranspose`: 2D transposed convolution."""

from __future__ import annotations

from kerasbridge.layers.convolutional.base_conv_transpose import BaseConvTranspose


class Conv2DTranspose(BaseConvTranspose):
    """2D transposed convolution layer (sometimes called deconvolution).

    Args:
        filters: Number of output channels.
        kernel_size: Int or tuple of 2 ints, the size of the window.
        strides: Int or tuple of 2 ints, the upsampling factor (default 1).
        padding: `"valid"` or `"same"` (case-insensitive).
        output_padding: `None` or an int or tuple of 2 ints, each below the matching stride: the amount
            added at the end of each spatial axis of the output.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        dilation_rate: Int or tuple of 2 ints (default 1).
        activation, use_bias, kernel/bias initializers, regularizers, constraints,
        activity_regularizer: as in `Dense`.

    Input shape:
        4D tensor `(batch, rows, cols, channels)` for `"channels_last"`, `(batch, channels, rows, cols)` for
        `"channels_first"`.

    Output shape:
        4D tensor `(batch, new_rows, new_cols, filters)` or `(batch, filters, new_rows, new_cols)`.

    The kernel has shape `kernel_size + (filters, input_channels)`.
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            rank=2, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            output_padding=output_padding, data_format=data_format, dilation_rate=dilation_rate,
            activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint, bias_constraint=bias_constraint, **kwargs,
        )


Convolution2DTranspose = Conv2DTranspose
