"""`BaseSeparableConv`: the shared N-D separable convolution behind `SeparableConv1D` and `SeparableConv2D`."""

from __future__ import annotations

from kerasbridge import activations, constraints, initializers, regularizers
from kerasbridge.backend.config import standardize_data_format
from kerasbridge.layers.convolutional.base_conv import (
    add_bias_weight,
    bias_and_activation,
    conv_operands,
    standardize_padding,
    standardize_tuple,
)
from kerasbridge.layers.convolutional.base_depthwise_conv import check_conv_output_size
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.ops.nn_conv import separable_conv


class BaseSeparableConv(Layer):
    """Abstract N-D separable convolution: a depthwise convolution, then a pointwise (1x1) one.

    The depthwise step convolves every input channel with `depth_multiplier` filters of its
    own (with `strides`, `padding` and `dilation_rate`); the pointwise step mixes the
    resulting `input_channels * depth_multiplier` channels into `filters` outputs.

    Args:
        rank: Number of spatial dimensions (1 or 2).
        depth_multiplier: Number of depthwise filters per input channel.
        filters: Number of output channels.
        kernel_size: Int or tuple of `rank` ints, the depthwise window.
        strides: Int or tuple of `rank` ints.
        padding: `"valid"` or `"same"` (case-insensitive).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        dilation_rate: Int or tuple of `rank` ints.
        activation: Activation applied to the output (default: none).
        use_bias: Whether to add a bias vector (after the pointwise step).
        depthwise_initializer: Initializer of the depthwise kernel (default `"glorot_uniform"`).
        pointwise_initializer: Initializer of the pointwise kernel (default `"glorot_uniform"`).
        bias_initializer: Initializer of the bias (default `"zeros"`).
        depthwise_regularizer: Regularizer applied to the depthwise kernel.
        pointwise_regularizer: Regularizer applied to the pointwise kernel.
        bias_regularizer: Regularizer applied to the bias.
        activity_regularizer: Regularizer applied to the output.
        depthwise_constraint: Constraint applied to the depthwise kernel after optimizer updates.
        pointwise_constraint: Constraint applied to the pointwise kernel after optimizer updates.
        bias_constraint: Constraint applied to the bias after optimizer updates.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Weights: `depthwise_kernel` of shape `kernel_size + (input_channels, depth_multiplier)`,
    `pointwise_kernel` of shape `(1,) * rank + (input_channels * depth_multiplier, filters)`, `bias`.
    """

    def __init__(self, rank, depth_multiplier, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.depth_multiplier = depth_multiplier
        self.filters = filters
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = standardize_padding(padding)
        self.data_format = standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)
        if self.depth_multiplier is not None and self.depth_multiplier <= 0:
            raise ValueError(
                "Invalid value for argument `depth_multiplier`. Expected a strictly positive value. "
                f"Received depth_multiplier={self.depth_multiplier}."
            )
        if self.filters is not None and self.filters <= 0:
            raise ValueError(
                "Invalid value for argument `filters`. Expected a strictly "
                f"positive value. Received filters={self.filters}."
            )

    def build(self, input_shape):
        channel_axis = -1 if self.data_format == "channels_last" else 1
        input_channel = input_shape[channel_axis]
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={channel_axis: input_channel})
        check_conv_output_size(input_shape, self.kernel_size, self.strides, self.padding, self.dilation_rate,
                               self.data_format)
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel",
            shape=self.kernel_size + (input_channel, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel",
            shape=(1,) * self.rank + (self.depth_multiplier * input_channel, self.filters),
            initializer=self.pointwise_initializer,
            regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint,
        )
        self.bias = add_bias_weight(self, self.filters)
        self.built = True

    def call(self, inputs):
        inputs, (depthwise, pointwise) = conv_operands(
            self, inputs, self.depthwise_kernel.value, self.pointwise_kernel.value
        )
        outputs = separable_conv(
            inputs,
            depthwise,
            pointwise,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return bias_and_activation(self, outputs)

    def get_config(self) -> dict:
        config = {
            "depth_multiplier": self.depth_multiplier,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "pointwise_constraint": constraints.serialize(self.pointwise_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }
        return {**super().get_config(), **config}
