"""`BaseConvTranspose`: the shared N-D transposed convolution behind `Conv1DTranspose` .. `Conv3DTranspose`."""

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
from kerasbridge.ops.nn_conv import conv_transpose


def transposed_length(size, kernel_size, stride, padding, output_padding, dilation):
    """Length of one spatial axis after a transposed convolution (`None` stays `None`).

    `"valid"` gives `(size - 1) * stride + max(span, stride)` without `output_padding`, and
    `"same"` gives `size * stride`; an explicit `output_padding` replaces the part after
    `(size - 1) * stride`, where `span = (kernel_size - 1) * dilation + 1`.
    """
    if size is None:
        return None
    span = (kernel_size - 1) * dilation + 1
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        return (size - 1) * stride + span + extra
    if output_padding is None:
        return size * stride
    return (size - 1) * stride + span % 2 + output_padding


class BaseConvTranspose(Layer):
    """Abstract N-D transposed convolution (the gradient of a convolution with respect to its input).

    It maps a tensor shaped like a convolution's output back to one shaped like that
    convolution's input, with the same connectivity pattern.

    Args:
        rank: Number of spatial dimensions (1, 2 or 3).
        filters: Number of output channels.
        kernel_size: Int or tuple of `rank` ints, the size of the window.
        strides: Int or tuple of `rank` ints, the upsampling factor per axis. Strides above 1 cannot be
            combined with a `dilation_rate` above 1.
        padding: `"valid"` (no padding) or `"same"` (the output is `strides` times the input), case-insensitive.
        output_padding: `None`, or an int or tuple of `rank` ints, each strictly below the matching stride:
            the amount added at the end of each spatial axis of the output. `None` lets the output size
            follow from the other arguments.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        dilation_rate: Int or tuple of `rank` ints.
        activation: Activation applied to the output (default: none).
        use_bias: Whether to add a bias vector.
        kernel_initializer: Initializer of the kernel (default `"glorot_uniform"`).
        bias_initializer: Initializer of the bias (default `"zeros"`).
        kernel_regularizer: Regularizer applied to the kernel.
        bias_regularizer: Regularizer applied to the bias.
        activity_regularizer: Regularizer applied to the output.
        kernel_constraint: Constraint applied to the kernel after optimizer updates.
        bias_constraint: Constraint applied to the bias after optimizer updates.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    The kernel has Keras's transposed layout `kernel_size + (filters, input_channels)`.
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.filters = filters
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = standardize_padding(padding)
        self.output_padding = (
            None if output_padding is None
            else standardize_tuple(output_padding, rank, "output_padding", allow_zero=True)
        )
        self.data_format = standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)
        if self.filters is not None and self.filters <= 0:
            raise ValueError(
                "Invalid value for argument `filters`. Expected a strictly "
                f"positive value. Received filters={self.filters}."
            )
        if self.output_padding is not None:
            for axis, (extra, stride) in enumerate(zip(self.output_padding, self.strides)):
                if extra >= stride:
                    raise ValueError(
                        "`output_padding` must be strictly less than `strides` for all dimensions. "
                        f"At dimension {axis}, `output_padding` is {extra} but `strides` is {stride}. "
                        f"Received: output_padding={self.output_padding}, strides={self.strides}"
                    )
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )

    def build(self, input_shape):
        channel_axis = -1 if self.data_format == "channels_last" else 1
        input_channel = input_shape[channel_axis]
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={channel_axis: input_channel})
        self.kernel = self.add_weight(
            name="kernel",
            shape=self.kernel_size + (self.filters, input_channel),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.bias = add_bias_weight(self, self.filters)
        self.built = True

    def call(self, inputs):
        inputs, (kernel,) = conv_operands(self, inputs, self.kernel.value)
        outputs = conv_transpose(
            inputs,
            kernel,
            strides=self.strides,
            padding=self.padding,
            output_padding=self.output_padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return bias_and_activation(self, outputs)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        spatial = input_shape[1:-1] if self.data_format == "channels_last" else input_shape[2:]
        extras = self.output_padding or (None,) * self.rank
        lengths = [
            transposed_length(size, k, s, self.padding, extra, d)
            for size, k, s, extra, d in zip(spatial, self.kernel_size, self.strides, extras, self.dilation_rate)
        ]
        if self.data_format == "channels_last":
            return (input_shape[0], *lengths, self.filters)
        return (input_shape[0], self.filters, *lengths)

    def get_config(self) -> dict:
        config = {
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "output_padding": self.output_padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }
        return {**super().get_config(), **config}
