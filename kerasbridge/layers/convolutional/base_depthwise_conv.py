"""`BaseDepthwiseConv`: the shared N-D depthwise convolution behind `DepthwiseConv1D` and `DepthwiseConv2D`."""

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
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.ops.nn_conv import depthwise_conv


def check_conv_output_size(input_shape, kernel_size, strides, padding, dilation_rate, data_format):
    """Raise `ValueError` when a `"valid"` convolution of `input_shape` would have an empty axis."""
    if padding != "valid":
        return
    input_shape = tuple(input_shape)
    spatial = input_shape[1:-1] if data_format == "channels_last" else input_shape[2:]
    for size, k, s, d in zip(spatial, kernel_size, strides, dilation_rate):
        if size is not None and (size - (k - 1) * d - 1) // s + 1 <= 0:
            raise ValueError(
                "Computed output size would be zero or negative. Received "
                f"`inputs shape={input_shape}`, `kernel_size={kernel_size}`, "
                f"`dilation_rate={dilation_rate}`, `strides={strides}`, `padding={padding}`."
            )


class BaseDepthwiseConv(Layer):
    """Abstract N-D depthwise convolution: each input channel is convolved on its own.

    Every input channel gets `depth_multiplier` filters of its own, so the output has
    `input_channels * depth_multiplier` channels, ordered channel-major (the filters of
    input channel 0 first).

    Args:
        rank: Number of spatial dimensions (1 or 2).
        depth_multiplier: Number of filters per input channel.
        kernel_size: Int or tuple of `rank` ints, the convolution window.
        strides: Int or tuple of `rank` ints.
        padding: `"valid"` or `"same"` (case-insensitive).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        dilation_rate: Int or tuple of `rank` ints.
        activation: Activation applied to the output (default: none).
        use_bias: Whether to add a bias vector.
        depthwise_initializer: Initializer of the depthwise kernel (default `"glorot_uniform"`).
        bias_initializer: Initializer of the bias (default `"zeros"`).
        depthwise_regularizer: Regularizer applied to the depthwise kernel.
        bias_regularizer: Regularizer applied to the bias.
        activity_regularizer: Regularizer applied to the output.
        depthwise_constraint: Constraint applied to the depthwise kernel after optimizer updates.
        bias_constraint: Constraint applied to the bias after optimizer updates.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    The kernel has Keras's layout `kernel_size + (input_channels, depth_multiplier)`.
    """

    def __init__(self, rank, depth_multiplier, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.depth_multiplier = depth_multiplier
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = standardize_padding(padding)
        self.data_format = standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)
        if self.depth_multiplier is not None and self.depth_multiplier <= 0:
            raise ValueError(
                "Invalid value for argument `depth_multiplier`. Expected a strictly positive value. "
                f"Received depth_multiplier={self.depth_multiplier}."
            )

    def _input_channels(self, input_shape):
        return input_shape[-1] if self.data_format == "channels_last" else input_shape[1]

    def build(self, input_shape):
        channel_axis = -1 if self.data_format == "channels_last" else 1
        input_channel = input_shape[channel_axis]
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={channel_axis: input_channel})
        check_conv_output_size(input_shape, self.kernel_size, self.strides, self.padding, self.dilation_rate,
                               self.data_format)
        self.kernel = self.add_weight(
            name="kernel",
            shape=self.kernel_size + (input_channel, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )
        self.bias = add_bias_weight(self, self.depth_multiplier * input_channel)
        self.built = True

    def call(self, inputs):
        inputs, (kernel,) = conv_operands(self, inputs, self.kernel.value)
        outputs = depthwise_conv(
            inputs,
            kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return bias_and_activation(self, outputs)

    def get_config(self) -> dict:
        config = {
            "depth_multiplier": self.depth_multiplier,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }
        return {**super().get_config(), **config}
