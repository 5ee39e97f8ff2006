"""`ConvLSTM`: the shared N-D convolutional LSTM layer behind `ConvLSTM1D/2D/3D`."""

from __future__ import annotations

from kerasbridge import regularizers
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.rnn.conv_lstm_cell import ConvLSTMCell, conv_config
from kerasbridge.layers.rnn.rnn import RNN
from kerasbridge.utils import tree

_CELL_ATTRIBUTES = (
    "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation",
    "recurrent_activation", "use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer",
    "unit_forget_bias", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
    "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout",
)


class ConvLSTM(RNN):
    """Abstract N-D convolutional LSTM: an `RNN` over a `ConvLSTMCell`.

    Input and recurrent transformations are convolutions; the weights live in
    the `conv_lstm_cell` sublayer. See `ConvLSTM1D`, `ConvLSTM2D`, `ConvLSTM3D`.

    Args:
        rank: Number of spatial dimensions (1, 2 or 3).
        filters: Number of output channels.
        kernel_size: Int or tuple of `rank` ints.
        strides: Int or tuple of `rank` ints (incompatible with `dilation_rate > 1`).
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        dilation_rate: Int or tuple of `rank` ints.
        activation: Activation of the cell and output (default `"tanh"`).
        recurrent_activation: Activation of the gates (default `"sigmoid"`).
        use_bias: Whether the layer uses a bias.
        kernel_initializer: Initializer of the input kernel.
        recurrent_initializer: Initializer of the recurrent kernel (default `"orthogonal"`).
        bias_initializer: Initializer of the bias.
        unit_forget_bias: Whether the forget-gate bias starts at 1.
        kernel_regularizer: Regularizer of the input kernel.
        recurrent_regularizer: Regularizer of the recurrent kernel.
        bias_regularizer: Regularizer of the bias.
        activity_regularizer: Regularizer of the layer's output.
        kernel_constraint: Constraint of the input kernel.
        recurrent_constraint: Constraint of the recurrent kernel.
        bias_constraint: Constraint of the bias.
        dropout: Fraction of the input units to drop (training only).
        recurrent_dropout: Fraction of the recurrent units to drop (training only).
        seed: Random seed for dropout.
        return_sequences: Whether to return the whole output sequence.
        return_state: Whether to also return the last states `h` and `c`.
        go_backwards: Whether to process the sequence backwards.
        stateful: Whether states carry over from one batch to the next.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, `unroll`, ...).

    Input shape:
        `(batch, time, *spatial, channels)` (channels_last) or
        `(batch, time, channels, *spatial)` (channels_first).

    Output shape:
        `(batch, time, *conv_output)` with `return_sequences`, else
        `(batch, *conv_output)`; with `return_state` followed by `h` and `c`.
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        cell = ConvLSTMCell(
            rank=rank, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
            name="conv_lstm_cell", dtype=kwargs.get("dtype"),
        )
        super().__init__(
            cell, return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
            stateful=stateful, activity_regularizer=activity_regularizer, **kwargs,
        )
        self.input_spec = InputSpec(ndim=rank + 3)

    def __getattr__(self, name):
        if name in _CELL_ATTRIBUTES:
            return getattr(self.cell, name)
        return super().__getattr__(name)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch_size, steps = sequences_shape[0], sequences_shape[1]
        state_shape = tuple(self.cell.compute_output_shape((batch_size,) + tuple(sequences_shape[2:]))[0][1:])
        output_shape = (batch_size, steps) + state_shape if self.return_sequences else (batch_size,) + state_shape
        if self.return_state:
            return output_shape, (batch_size,) + state_shape, (batch_size,) + state_shape
        return output_shape

    def compute_mask(self, _, mask):
        mask = tree.flatten(mask)[0] if mask is not None else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask, None, None]
        return output_mask

    def get_config(self) -> dict:
        base_config = super().get_config()
        del base_config["cell"]
        config = conv_config(self.cell)
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        config["seed"] = self.cell.seed
        return {**base_config, **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return Layer.from_config.__func__(cls, config)
