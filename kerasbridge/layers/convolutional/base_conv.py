"""`BaseConv`: the shared N-D convolution layer behind `Conv1D`, `Conv2D` and `Conv3D`."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from kerasbridge import activations, constraints, initializers, regularizers
from kerasbridge.backend.config import standardize_data_format
from kerasbridge.layers.convolutional.conv_lora import ConvLoraMixin
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.ops.nn_conv import conv

_linear = activations.linear


def standardize_tuple(value, n, name, allow_zero=False):
    """An int or an iterable of `n` ints as a tuple of `n` ints, validated as Keras does."""
    error = (
        f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}"
    )
    if isinstance(value, int):
        value_tuple = (value,) * n
    else:
        try:
            value_tuple = tuple(value)
        except TypeError as e:
            raise ValueError(error) from e
        if len(value_tuple) != n:
            raise ValueError(error)
        for v in value_tuple:
            try:
                int(v)
            except (ValueError, TypeError) as e:
                raise ValueError(
                    f"{error} including element {v} of type {type(v)}"
                ) from e
        value_tuple = tuple(int(v) for v in value_tuple)
    bound = 0 if allow_zero else 1
    bad = [v for v in value_tuple if v < bound]
    if bad:
        req = "greater than or equal to 0" if allow_zero else "greater than 0"
        raise ValueError(f"{error}, where {bad} do not satisfy `value {req}`")
    return value_tuple


def standardize_padding(value, allow_causal=False):
    """`"valid"`, `"same"` (or `"causal"` where allowed), lowercased."""
    if isinstance(value, (list, tuple)):
        return value
    padding = str(value).lower()
    allowed = {"valid", "same", "causal"} if allow_causal else {"valid", "same"}
    if padding not in allowed:
        raise ValueError(
            "The `padding` argument must be a list/tuple or one of "
            f"{sorted(allowed)}. Received: {value}"
        )
    return padding


class BaseConv(ConvLoraMixin, Layer):
    """Abstract N-D convolution: `outputs = activation(conv(inputs, kernel) + bias)`.

    Args:
        rank: Number of spatial dimensions (1, 2 or 3).
        filters: Number of output channels.
        kernel_size: Int or tuple of `rank` ints, the convolution window.
        strides: Int or tuple of `rank` ints.
        padding: `"valid"`, `"same"` or (rank 1 only) `"causal"`.
        data_format: `"channels_last"` or `"channels_first"`.
        dilation_rate: Int or tuple of `rank` ints.
        groups: Number of groups the input channels are split into.
        activation, use_bias, *_initializer, *_regularizer, *_constraint: as in `Dense`.
        lora_rank: If set, enables LoRA with this rank when the layer is built: the kernel is
            frozen and a trainable low-rank delta `lora_kernel_a @ lora_kernel_b` is learned on
            top of it.
        lora_alpha: Scale of the LoRA delta (`lora_alpha / lora_rank`); defaults to `lora_rank`.

    The kernel has Keras's layout `kernel_size + (input_channels // groups, filters)`.
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None,
                 lora_alpha=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.filters = filters
        self.groups = groups
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = standardize_padding(padding, allow_causal=rank == 1)
        self.data_format = standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._init_lora(lora_rank, lora_alpha)
        self.input_spec = InputSpec(min_ndim=self.rank + 2)
        if self.filters is not None and self.filters <= 0:
            raise ValueError(
                "Invalid value for argument `filters`. Expected a strictly "
                f"positive value. Received filters={self.filters}."
            )
        if self.groups <= 0:
            raise ValueError(f"The number of groups must be a positive integer. Received: groups={self.groups}.")
        if self.filters is not None and self.filters % self.groups != 0:
            raise ValueError(
                "The number of filters must be evenly divisible by the number of groups. "
                f"Received: groups={self.groups}, filters={self.filters}."
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
        if input_channel % self.groups != 0:
            raise ValueError(
                "The number of input channels must be evenly divisible by the number of groups. "
                f"Received groups={self.groups}, but the input has {input_channel} channels "
                f"(full input shape is {tuple(input_shape)})."
            )
        kernel_shape = self.kernel_size + (input_channel // self.groups, self.filters)
        self._kernel = self.add_weight(
            name="kernel",
            shape=kernel_shape,
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.bias = add_bias_weight(self, self.filters)
        self.built = True
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    @property
    def kernel(self):
        """The kernel `Variable` of shape `kernel_size + (input_channels // groups, filters)`, or
        with LoRA enabled the merged kernel tensor."""
        if not self.built:
            raise AttributeError("You must build the layer before accessing `kernel`.")
        if self.lora_enabled:
            return self._lora_merged_weight()
        return self._kernel

    def _prepare_inputs(self, inputs):
        """Hook for subclasses (causal padding); returns `(inputs, padding)`."""
        return inputs, self.padding

    def call(self, inputs):
        kernel = self._lora_merged_weight() if self.lora_enabled else self._kernel.value
        compute_dtype = self._torch_compute_dtype
        if kernel.dtype != compute_dtype and self.autocast:
            kernel = kernel.to(compute_dtype)
        if inputs.dtype != kernel.dtype:
            if not inputs.is_floating_point():
                inputs = inputs.to(kernel.dtype)
            else:
                dtype = torch.promote_types(inputs.dtype, kernel.dtype)
                inputs, kernel = inputs.to(dtype), kernel.to(dtype)
        inputs, padding = self._prepare_inputs(inputs)
        outputs = conv(
            inputs,
            kernel,
            strides=list(self.strides),
            padding=padding,
            dilation_rate=self.dilation_rate,
            data_format=self.data_format,
        )
        return bias_and_activation(self, outputs)

    def get_config(self) -> dict:
        config = {
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
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
        return {**super().get_config(), **config, **self._lora_config()}


def causal_pad(inputs, data_format, left):
    """Left-pad the steps axis of a 3-D input by `left` zeros."""
    if data_format == "channels_last":
        return F.pad(inputs, (0, 0, left, 0))
    return F.pad(inputs, (left, 0))


def conv_operands(layer, inputs, *kernels):
    """Cast `inputs` and `kernels` to one dtype for a convolution of `layer`.

    Kernels follow the layer's compute dtype when it autocasts; integer inputs take the kernel's
    dtype and floating inputs are promoted with it. Returns `(inputs, [kernels...])`.
    """
    compute_dtype = layer._torch_compute_dtype
    kernels = [k.to(compute_dtype) if layer.autocast and k.dtype != compute_dtype else k for k in kernels]
    dtype = kernels[0].dtype
    if inputs.dtype != dtype:
        if not inputs.is_floating_point():
            inputs = inputs.to(dtype)
        else:
            dtype = torch.promote_types(inputs.dtype, dtype)
            inputs = inputs.to(dtype)
    kernels = [k if k.dtype == dtype else k.to(dtype) for k in kernels]
    return inputs, kernels


def add_bias_weight(layer, size):
    """The conv layer's `bias` Variable of shape `(size,)`, or None when it has no bias."""
    if not layer.use_bias:
        return None
    return layer.add_weight(name="bias", shape=(size,), initializer=layer.bias_initializer,
                            regularizer=layer.bias_regularizer, constraint=layer.bias_constraint)


def bias_and_activation(layer, outputs):
    """`activation(outputs + bias)` for a conv layer; the bias is added after the convolution, as
    Keras does (passing it into torch's conv call would round differently)."""
    if layer.bias is not None:
        outputs = add_channel_bias(outputs, layer.bias.value, layer.rank, layer.data_format)
    if layer.activation is not _linear:
        outputs = layer.activation(outputs)
    return outputs


def add_channel_bias(outputs, bias, rank, data_format):
    """`outputs + bias`, the bias broadcast along the channel axis of `data_format`."""
    if bias.dtype != outputs.dtype:
        bias = bias.to(outputs.dtype)
    if data_format == "channels_last":
        return outputs + bias
    return outputs + bias.reshape((1, bias.shape[0]) + (1,) * rank)
