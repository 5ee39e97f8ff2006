"""`Conv1D`: 1D convolution."""

from __future__ import annotations

from kerasbridge.layers.convolutional.base_conv import BaseConv, causal_pad


class Conv1D(BaseConv):
    """1D convolution layer.

    Args:
        filters: Number of output channels.
        kernel_size: Int or tuple of 1 ints, the convolution window.
        strides: Int or tuple of 1 ints (default 1).
        padding: "valid", "same" or "causal" (case-insensitive).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        dilation_rate: Int or tuple of 1 ints (default 1).
        groups: Number of groups the input channels are split into.
        activation, use_bias, kernel/bias initializers, regularizers, constraints,
        activity_regularizer: as in `Dense`.

    Input shape:
        1+2-D tensor, `(batch, spatial..., channels)` or `(batch, channels, spatial...)`.
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            rank=1, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, groups=groups, activation=activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs,
        )

    def _prepare_inputs(self, inputs):
        if self.padding == "causal":
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            return causal_pad(inputs, self.data_format, left), "valid"
        return inputs, self.padding


Convolution1D = Conv1D
