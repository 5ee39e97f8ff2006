"""`SimpleRNN`: a fully-connected RNN whose output is fed back as its state."""

from __future__ import annotations

from kerasbridge import regularizers
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.rnn.cell_config import CellAttributesMixin, weights_config
from kerasbridge.layers.rnn.rnn import RNN
from kerasbridge.layers.rnn.simple_rnn_cell import SimpleRNNCell


class SimpleRNN(CellAttributesMixin, RNN):
    """Fully-connected RNN: `h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)`.

    Its weights live in the `cell` sublayer (`simple_rnn/simple_rnn_cell/kernel`, ...).

    Args:
        units: Positive integer, dimensionality of the output space.
        activation: Activation function (default `"tanh"`).
        use_bias: Whether the layer uses a bias vector.
        kernel_initializer: Initializer of the input kernel.
        recurrent_initializer: Initializer of the recurrent kernel (default `"orthogonal"`).
        bias_initializer: Initializer of the bias vector.
        kernel_regularizer: Regularizer of the input kernel.
        recurrent_regularizer: Regularizer of the recurrent kernel.
        bias_regularizer: Regularizer of the bias.
        activity_regularizer: Regularizer of the layer's output.
        kernel_constraint: Constraint of the input kernel.
        recurrent_constraint: Constraint of the recurrent kernel.
        bias_constraint: Constraint of the bias.
        dropout: Fraction of the input units to drop (training only).
        recurrent_dropout: Fraction of the recurrent units to drop (training only).
        return_sequences: Whether to return the whole output sequence.
        return_state: Whether to also return the last state.
        go_backwards: Whether to process the sequence backwards.
        stateful: Whether states carry over from one batch to the next.
        unroll: Whether to unroll the loop.
        seed: Random seed for dropout.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        3-D tensor `(batch_size, timesteps, features)`.

    Output shape:
        `(batch_size, timesteps, units)` with `return_sequences`, else `(batch_size, units)`.
    """

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 return_sequences=False, return_state=False, go_backwards=False, stateful=False, unroll=False,
                 seed=None, **kwargs):
        cell = SimpleRNNCell(
            units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed, dtype=kwargs.get("dtype", None),
            trainable=kwargs.get("trainable", True), name="simple_rnn_cell",
        )
        super().__init__(
            cell, return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
            stateful=stateful, unroll=unroll, activity_regularizer=activity_regularizer, **kwargs,
        )
        self.input_spec = [InputSpec(ndim=3)]

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def get_config(self) -> dict:
        base_config = super().get_config()
        del base_config["cell"]
        config = {"units": self.units, **weights_config(self)}
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return {**base_config, **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return Layer.from_config.__func__(cls, config)
