"""`SimpleRNNCell`: one step of a fully-connected RNN."""

from __future__ import annotations

import torch

from kerasbridge.layers.layer import Layer
from kerasbridge.layers.rnn.cell_config import init_cell_weights_config, validate_units, weights_config
from kerasbridge.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from kerasbridge.layers.rnn.stacked_rnn_cells import zeros_state


class SimpleRNNCell(DropoutRNNCell, Layer):
    """Cell of `SimpleRNN`: `h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)`.

    Args:
        units: Positive integer, dimensionality of the output space.
        activation: Activation function (default `"tanh"`).
        use_bias: Whether the cell uses a bias vector.
        kernel_initializer: Initializer of the input kernel `(input_dim, units)`.
        recurrent_initializer: Initializer of the recurrent kernel `(units, units)`
            (default `"orthogonal"`).
        bias_initializer: Initializer of the bias vector.
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

    Call arguments:
        sequence: Step input `(batch, features)`.
        states: The previous state `(batch, units)`, or a list holding it.
        training: Whether dropout is applied.
    """

    _direct_step = True

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        validate_units(units)
        super().__init__(**kwargs)
        self.units = units
        init_cell_weights_config(
            self, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed,
        )
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units), name="kernel", initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units), name="recurrent_kernel", initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,), name="bias", initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint,
            )
        else:
            self.bias = None

    def call(self, sequence, states, training=False):
        is_list = isinstance(states, (list, tuple))
        previous_output = states[0] if is_list else states
        dp_mask = self.get_dropout_mask(sequence)
        rec_dp_mask = self.get_recurrent_dropout_mask(previous_output)
        if training and dp_mask is not None:
            sequence = sequence * dp_mask
        h = torch.matmul(sequence, self._compute_value(self.kernel))
        if self.bias is not None:
            h = h + self._compute_value(self.bias)
        if training and rec_dp_mask is not None:
            previous_output = previous_output * rec_dp_mask
        output = self.activation(h + torch.matmul(previous_output, self._compute_value(self.recurrent_kernel)))
        return output, ([output] if is_list else output)

    def get_initial_state(self, batch_size=None):
        """A zero state `(batch_size, units)`."""
        return [zeros_state(batch_size, self.state_size, self.compute_dtype)]

    def get_config(self) -> dict:
        return {**super().get_config(), "units": self.units, **weights_config(self), "seed": self.seed}
