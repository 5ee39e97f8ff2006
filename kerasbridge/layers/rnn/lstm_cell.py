"""`LSTMCell`: one step of a Long Short-Term Memory layer."""

from __future__ import annotations

import torch

from kerasbridge import activations, initializers
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.rnn.cell_config import init_cell_weights_config, validate_units, weights_config
from kerasbridge.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from kerasbridge.layers.rnn.stacked_rnn_cells import zeros_state


class _UnitForgetBias:
    """Bias initializer: the base initializer for gates i, c, o and ones for the forget gate."""

    def __init__(self, base, units):
        self.base, self.units = base, units

    def __call__(self, shape, dtype=None):
        units = self.units
        ones = initializers.get("ones")
        return torch.cat([
            torch.as_tensor(self.base((units,), dtype=dtype)),
            torch.as_tensor(ones((units,), dtype=dtype)),
            torch.as_tensor(self.base((units * 2,), dtype=dtype)),
        ])


class LSTMCell(DropoutRNNCell, Layer):
    """Cell of `LSTM`, with Keras's gate layout i, f, c, o and a single bias.

    `kernel` is `(input_dim, 4 * units)`, `recurrent_kernel` `(units, 4 * units)`
    and `bias` `(4 * units,)`, each the concatenation of the input, forget,
    cell and output gate blocks. The states are `[h, c]`.

    Args:
        units: Positive integer, dimensionality of the output space.
        activation: Activation of the cell and output (default `"tanh"`).
        recurrent_activation: Activation of the gates (default `"sigmoid"`).
        use_bias: Whether the cell uses a bias vector.
        kernel_initializer: Initializer of the input kernel.
        recurrent_initializer: Initializer of the recurrent kernel (default `"orthogonal"`).
        bias_initializer: Initializer of the bias vector.
        unit_forget_bias: Whether the forget-gate bias starts at 1 (the rest
            uses `bias_initializer`).
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
        inputs: Step input `(batch, features)`.
        states: `[h, c]`, each `(batch, units)`.
        training: Whether dropout is applied.
    """

    _direct_step = True

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
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
            self.dropout_mask_count = 4
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape):
        units = self.units
        self.kernel = self.add_weight(
            shape=(input_shape[-1], units * 4), name="kernel", initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(units, units * 4), name="recurrent_kernel", initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint,
        )
        if self.use_bias:
            initializer = _UnitForgetBias(self.bias_initializer, units) if self.unit_forget_bias else (
                self.bias_initializer
            )
            self.bias = self.add_weight(
                shape=(units * 4,), name="bias", initializer=initializer, regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None

    def _gates_per_mask(self, inputs, h_tm1, training):
        """Gate pre-activations with one dropout mask per gate (`implementation=1`)."""
        kernels = torch.chunk(self._compute_value(self.kernel), 4, dim=1)
        recurrent_kernels = torch.chunk(self._compute_value(self.recurrent_kernel), 4, dim=1)
        dp_mask = self.get_dropout_mask(inputs) if training and 0.0 < self.dropout < 1.0 else None
        rec_mask = self.get_recurrent_dropout_mask(h_tm1) if training and 0.0 < self.recurrent_dropout < 1.0 else None
        biases = torch.chunk(self._compute_value(self.bias), 4) if self.use_bias else (None,) * 4
        gates = []
        for index in range(4):
            x = inputs * dp_mask[index] if dp_mask is not None else inputs
            h = h_tm1 * rec_mask[index] if rec_mask is not None else h_tm1
            z = torch.matmul(x, kernels[index])
            if biases[index] is not None:
                z = z + biases[index]
            gates.append(z + torch.matmul(h, recurrent_kernels[index]))
        return gates

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        if self.implementation == 1:
            z_i, z_f, z_c, z_o = self._gates_per_mask(inputs, h_tm1, training)
        else:
            if training and 0.0 < self.dropout < 1.0:
                inputs = inputs * self.get_dropout_mask(inputs)
            kernel, recurrent_kernel = self._compute_value(self.kernel), self._compute_value(self.recurrent_kernel)
            z = torch.matmul(inputs, kernel) + torch.matmul(h_tm1, recurrent_kernel)
            if self.use_bias:
                z = z + self._compute_value(self.bias)
            z_i, z_f, z_c, z_o = torch.chunk(z, 4, dim=1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_tm1 + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, [h, c]

    def get_initial_state(self, batch_size=None):
        """Zero states `[h, c]`, each `(batch_size, units)`."""
        return [zeros_state(batch_size, size, self.compute_dtype) for size in self.state_size]

    def get_config(self) -> dict:
        config = {"units": self.units, **weights_config(self)}
        config["unit_forget_bias"] = self.unit_forget_bias
        config["seed"] = self.seed
        return {**super().get_config(), **config}
