"""`ConvLSTMCell`: one step of a convolutional LSTM (gates computed by convolutions)."""

from __future__ import annotations

import math

import torch

from kerasbridge import activations, ops
from kerasbridge.backend.config import standardize_data_format
from kerasbridge.layers.convolutional.base_conv import standardize_padding, standardize_tuple
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.rnn.cell_config import init_cell_weights_config, weights_config
from kerasbridge.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from kerasbridge.layers.rnn.lstm_cell import _UnitForgetBias
from kerasbridge.layers.rnn.stacked_rnn_cells import zeros_state


def conv_output_length(length, kernel, stride, padding, dilation):
    """Spatial size after a convolution (`"same"` keeps `ceil(length / stride)`)."""
    if length is None:
        return None
    if padding == "same":
        return math.ceil(length / stride)
    return (length - dilation * (kernel - 1) - 1) // stride + 1


class ConvLSTMCell(DropoutRNNCell, Layer):
    """Cell of the `ConvLSTM1D/2D/3D` layers: an LSTM whose products are convolutions.

    `kernel` is `kernel_size + (input_channels, 4 * filters)` and
    `recurrent_kernel` `kernel_size + (filters, 4 * filters)`, gates i, f, c, o
    along the last axis; the recurrent convolution uses stride 1 and `"same"`
    padding. Dropout uses one mask per gate.

    Args:
        rank: Number of spatial dimensions (1, 2 or 3).
        filters: Number of output channels.
        kernel_size: Int or tuple of `rank` ints.
        strides: Int or tuple of `rank` ints (input convolution only).
        padding: `"valid"` or `"same"` (input convolution).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        dilation_rate: Int or tuple of `rank` ints (input convolution).
        activation: Activation of the cell and output (default `"tanh"`).
        recurrent_activation: Activation of the gates (default `"sigmoid"`).
        use_bias: Whether the cell uses a bias.
        kernel_initializer: Initializer of the input kernel.
        recurrent_initializer: Initializer of the recurrent kernel.
        bias_initializer: Initializer of the bias.
        unit_forget_bias: Whether the forget-gate bias starts at 1.
        kernel_regularizer: Regularizer of the input kernel.
        recurrent_regularizer: Regularizer of the recurrent kernel.
        bias_regularizer: Regularizer of the bias.
        kernel_constraint: Constraint of the input kernel.
        recurrent_constraint: Constraint of the recurrent kernel.
        bias_constraint: Constraint of the bias.
        dropout: Fraction of the input units to drop (training only).
        recurrent_dropout: Fraction of the recurrent units to drop (training only).
        seed: Random seed for dropout.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).
    """

    _direct_step = True

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if rank > 3:
            raise ValueError(f"Rank {rank} convolutions are not currently implemented. Received: rank={rank}")
        self.rank = rank
        init_cell_weights_config(
            self, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed,
        )
        self.filters = filters
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides", allow_zero=True)
        self.padding = standardize_padding(padding)
        self.data_format = standardize_data_format(data_format)
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "Specifying `strides > 1` is not compatible with `dilation_rate > 1`. Please provide `strides=1` or "
                f"`dilation_rate=1`. Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        self.dropout_mask_count = 4
        self.input_spec = InputSpec(ndim=rank + 2)
        self.state_size = -1

    @property
    def _channels_last(self) -> bool:
        return self.data_format == "channels_last"

    def build(self, inputs_shape, states_shape=None):
        inputs_shape = tuple(inputs_shape)
        channel_axis = -1 if self._channels_last else 1
        self.spatial_dims = inputs_shape[1:-1] if self._channels_last else inputs_shape[2:]
        if None in self.spatial_dims:
            raise ValueError(
                "ConvLSTM layers only support static input shapes for the spatial dimension. Received invalid "
                f"input shape: input_shape={inputs_shape}"
            )
        if inputs_shape[channel_axis] is None:
            raise ValueError(
                "The channel dimension of the inputs (last axis) should be defined. Found None. Full input shape "
                f"received: input_shape={inputs_shape}"
            )
        self.input_spec = InputSpec(ndim=self.rank + 3, shape=(None,) + inputs_shape[1:])
        self.input_dim = inputs_shape[channel_axis]
        filters = self.filters
        self.kernel_shape = self.kernel_size + (self.input_dim, filters * 4)
        self.kernel = self.add_weight(
            shape=self.kernel_shape, initializer=self.kernel_initializer, name="kernel",
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=self.kernel_size + (filters, filters * 4), initializer=self.recurrent_initializer,
            name="recurrent_kernel", regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint,
        )
        if self.use_bias:
            initializer = _UnitForgetBias(self.bias_initializer, filters) if self.unit_forget_bias else (
                self.bias_initializer
            )
            self.bias = self.add_weight(
                shape=(filters * 4,), name="bias", initializer=initializer, regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None

    def _input_conv(self, x, kernel, bias):
        out = ops.conv(x, kernel, strides=self.strides, padding=self.padding, data_format=self.data_format,
                       dilation_rate=self.dilation_rate)
        if bias is not None:
            shape = (1,) * (self.rank + 1) + (self.filters,) if self._channels_last else (
                (1, self.filters) + (1,) * self.rank
            )
            out = out + bias.reshape(shape)
        return out

    def _recurrent_conv(self, h, kernel):
        return ops.conv(h, kernel, strides=1, padding="same", data_format=self.data_format)

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        dp_mask = self.get_dropout_mask(inputs) if training and 0.0 < self.dropout < 1.0 else None
        rec_mask = self.get_recurrent_dropout_mask(h_tm1) if training and 0.0 < self.recurrent_dropout < 1.0 else None
        kernels = torch.chunk(self._compute_value(self.kernel), 4, dim=self.rank + 1)
        recurrent_kernels = torch.chunk(self._compute_value(self.recurrent_kernel), 4, dim=self.rank + 1)
        biases = torch.chunk(self._compute_value(self.bias), 4) if self.use_bias else (None,) * 4
        gates = []
        for index in range(4):
            x = inputs * dp_mask[index] if dp_mask is not None else inputs
            h = h_tm1 * rec_mask[index] if rec_mask is not None else h_tm1
            gates.append(self._input_conv(x, kernels[index], biases[index])
                         + self._recurrent_conv(h, recurrent_kernels[index]))
        i = self.recurrent_activation(gates[0])
        f = self.recurrent_activation(gates[1])
        c = f * c_tm1 + i * self.activation(gates[2])
        o = self.recurrent_activation(gates[3])
        h = o * self.activation(c)
        return h, [h, c]

    def compute_output_shape(self, inputs_shape, states_shape=None):
        inputs_shape = tuple(inputs_shape)
        spatial = inputs_shape[1:-1] if self._channels_last else inputs_shape[2:]
        lengths = tuple(
            conv_output_length(length, k, s, self.padding, d)
            for length, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)
        )
        if self._channels_last:
            shape = (inputs_shape[0], *lengths, self.filters)
        else:
            shape = (inputs_shape[0], self.filters, *lengths)
        return shape, [shape, shape]

    def get_initial_state(self, batch_size=None):
        """Zero states `[h, c]` shaped like the cell's convolution output."""
        if self._channels_last:
            input_shape = (batch_size,) + tuple(self.spatial_dims) + (self.input_dim,)
        else:
            input_shape = (batch_size, self.input_dim) + tuple(self.spatial_dims)
        state_shape = self.compute_output_shape(input_shape)[0]
        return [zeros_state(batch_size, state_shape[1:], self.compute_dtype) for _ in range(2)]

    def get_config(self) -> dict:
        return {**super().get_config(), **conv_config(self), "seed": self.seed}


def conv_config(obj) -> dict:
    """The config keys of a convolutional LSTM cell (or the layer wrapping it), seed excluded."""
    return {
        "filters": obj.filters, "kernel_size": obj.kernel_size, "strides": obj.strides, "padding": obj.padding,
        "data_format": obj.data_format, "dilation_rate": obj.dilation_rate, **weights_config(obj),
        "unit_forget_bias": obj.unit_forget_bias,
    }
