"""`GRUCell`: one step of a Gated Recurrent Unit."""

from __future__ import annotations

import torch

from kerasbridge import activations
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.rnn.cell_config import init_cell_weights_config, validate_units, weights_config
from kerasbridge.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from kerasbridge.layers.rnn.stacked_rnn_cells import zeros_state


class GRUCell(DropoutRNNCell, Layer):
    """Cell of `GRU`, with Keras's gate layout z (update), r (reset), h (candidate).

    With `reset_after=True` (the default, cuDNN-compatible) the reset gate
    multiplies the recurrent projection after the matrix product and the bias
    has shape `(2, 3 * units)` (input bias row, recurrent bias row); with
    `reset_after=False` it multiplies the state before it and the bias is
    `(3 * units,)`.

    Args:
        units: Positive integer, dimensionality of the output space.
        activation: Activation of the candidate state (default `"tanh"`).
        recurrent_activation: Activation of the gates (default `"sigmoid"`).
        use_bias: Whether the cell uses a bias.
        kernel_initializer: Initializer of the input kernel.
        recurrent_initializer: Initializer of the recurrent kernel (default `"orthogonal"`).
        bias_initializer: Initializer of the bias.
        kernel_regularizer: Regularizer of the input kernel.
        recurrent_regularizer: Regularizer of the recurrent kernel.
        bias_regularizer: Regularizer of the bias.
        kernel_constraint: Constraint of the input kernel.
        recurrent_constraint: Constraint of the recurrent kernel.
        bias_constraint: Constraint of the bias.
        dropout: Fraction of the input units to drop (training only).
        recurrent_dropout: Fraction of the recurrent units to drop (training only).
        reset_after: Whether the reset gate is applied after the recurrent matrix product.
        seed: Random seed for dropout.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Call arguments:
        inputs: Step input `(batch, features)`.
        states: The previous state `(batch, units)`, or a list holding it.
        training: Whether dropout is applied.
    """

    _direct_step = True

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 reset_after=True, seed=None, **kwargs):
        validate_units(units)
        implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        self.implementation = implementation
        self.units = units
        init_cell_weights_config(
            self, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed,
        )
        self.recurrent_activation = activations.get(recurrent_activation)
        if self.recurrent_dropout != 0.0:
            self.implementation = 1
        if self.implementation == 1:
            self.dropout_mask_count = 3
        self.reset_after = reset_after
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        units = self.units
        self.kernel = self.add_weight(
            shape=(input_shape[-1], units * 3), name="kernel", initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(units, units * 3), name="recurrent_kernel", initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(2, 3 * units) if self.reset_after else (3 * units,), name="bias",
                initializer=self.bias_initializer, regularizer=self.bias_regularizer, constraint=self.bias_constraint,
            )
        else:
            self.bias = None

    def _biases(self):
        if not self.use_bias:
            return None, None
        bias = self._compute_value(self.bias)
        if self.reset_after:
            return bias[0], bias[1]
        return bias, None

    def _masked(self, tensor, mask, index):
        if mask is None:
            return tensor
        return tensor * (mask[index] if isinstance(mask, (list, tuple)) else mask)

    def call(self, inputs, states, training=False):
        is_nested = isinstance(states, (list, tuple))
        h_tm1 = states[0] if is_nested else states
        units = self.units
        input_bias, recurrent_bias = self._biases()
        kernel, recurrent_kernel = self._compute_value(self.kernel), self._compute_value(self.recurrent_kernel)
        dp_mask = self.get_dropout_mask(inputs) if training and 0.0 < self.dropout < 1.0 else None
        if self.implementation == 1:
            rec_mask = (self.get_recurrent_dropout_mask(h_tm1)
                        if training and 0.0 < self.recurrent_dropout < 1.0 else None)
            x_parts = [torch.matmul(self._masked(inputs, dp_mask, k), kernel[:, k * units:(k + 1) * units])
                       for k in range(3)]
            if input_bias is not None:
                x_parts = [x + input_bias[k * units:(k + 1) * units] for k, x in enumerate(x_parts)]
            x_z, x_r, x_h = x_parts
            h_z, h_r, h_h = (self._masked(h_tm1, rec_mask, k) for k in range(3))
            recurrent_z = torch.matmul(h_z, recurrent_kernel[:, :units])
            recurrent_r = torch.matmul(h_r, recurrent_kernel[:, units:units * 2])
            if recurrent_bias is not None:
                recurrent_z = recurrent_z + recurrent_bias[:units]
                recurrent_r = recurrent_r + recurrent_bias[units:units * 2]
            z = self.recurrent_activation(x_z + recurrent_z)
            r = self.recurrent_activation(x_r + recurrent_r)
            if self.reset_after:
                recurrent_h = torch.matmul(h_h, recurrent_kernel[:, units * 2:])
                if recurrent_bias is not None:
                    recurrent_h = recurrent_h + recurrent_bias[units * 2:]
                recurrent_h = r * recurrent_h
            else:
                recurrent_h = torch.matmul(r * h_h, recurrent_kernel[:, units * 2:])
        else:
            if dp_mask is not None:
                inputs = inputs * dp_mask
            matrix_x = torch.matmul(inputs, kernel)
            if input_bias is not None:
                matrix_x = matrix_x + input_bias
            x_z, x_r, x_h = torch.chunk(matrix_x, 3, dim=-1)
            if self.reset_after:
                matrix_inner = torch.matmul(h_tm1, recurrent_kernel)
                if recurrent_bias is not None:
                    matrix_inner = matrix_inner + recurrent_bias
            else:
                matrix_inner = torch.matmul(h_tm1, recurrent_kernel[:, :2 * units])
            z = self.recurrent_activation(x_z + matrix_inner[:, :units])
            r = self.recurrent_activation(x_r + matrix_inner[:, units:units * 2])
            if self.reset_after:
                recurrent_h = r * matrix_inner[:, units * 2:]
            else:
                recurrent_h = torch.matmul(r * h_tm1, recurrent_kernel[:, 2 * units:])
        hh = self.activation(x_h + recurrent_h)
        h = z * h_tm1 + (1 - z) * hh
        return h, ([h] if is_nested else h)

    def get_initial_state(self, batch_size=None):
        """A zero state `(batch_size, units)`."""
        return [zeros_state(batch_size, self.state_size, self.compute_dtype)]

    def get_config(self) -> dict:
        config = {"units": self.units, **weights_config(self)}
        config["reset_after"] = self.reset_after
        config["seed"] = self.seed
        return {**super().get_config(), **config}
