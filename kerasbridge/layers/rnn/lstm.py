"""`LSTM`: the Long Short-Term Memory layer, on torch's fused kernel when Keras's rule allows it."""

from __future__ import annotations

from kerasbridge import regularizers
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.rnn.cell_config import CellAttributesMixin, weights_config
from kerasbridge.layers.rnn.fused_kernels import (
    fused_kernels_traceable,
    fused_lstm,
    uses_standard_activations,
)
from kerasbridge.layers.rnn.lstm_cell import LSTMCell
from kerasbridge.layers.rnn.packed_kernels import right_padded_lengths
from kerasbridge.layers.rnn.rnn import RNN
from kerasbridge.utils import tree


def check_use_cudnn(use_cudnn) -> None:
    if use_cudnn not in ("auto", True, False):
        raise ValueError(
            "Invalid valid received for argument `use_cudnn`. Expected one of {'auto', True, False}. "
            f"Received: use_cudnn={use_cudnn}"
        )


def fused_unavailable_error() -> ValueError:
    return ValueError(
        "use_cudnn=True was specified, but cuDNN is not supported for this layer configuration with this backend. "
        "Pass use_cudnn='auto' to fallback to a non-cuDNN implementation."
    )


class LSTM(CellAttributesMixin, RNN):
    """Long Short-Term Memory layer (Hochreiter 1997), with Keras's weight layout.

    The weights live in the `cell` sublayer (`lstm/lstm_cell/kernel`,
    `recurrent_kernel`, `bias`; gates i, f, c, o). Without a mask, with
    `tanh`/`sigmoid` activations, no `recurrent_dropout` and `unroll=False`,
    the layer runs torch's fused LSTM kernel (cuDNN on GPU) on the Keras
    weights; otherwise it steps the cell in a loop (Keras's masking rules).

    Args:
        units: Positive integer, dimensionality of the output space.
        activation: Activation of the cell and output (default `"tanh"`).
        recurrent_activation: Activation of the gates (default `"sigmoid"`).
        use_bias: Whether the layer uses a bias vector.
        kernel_initializer: Initializer of the input kernel.
        recurrent_initializer: Initializer of the recurrent kernel (default `"orthogonal"`).
        bias_initializer: Initializer of the bias vector.
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
        unroll: Whether to unroll the loop.
        use_cudnn: `"auto"` uses the fused kernel when possible; `True`
            requires it (error otherwise); `False` always steps the cell.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        3-D tensor `(batch_size, timesteps, features)`.

    Output shape:
        `(batch_size, timesteps, units)` with `return_sequences`, else
        `(batch_size, units)`; with `return_state` followed by `h` and `c`.
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, use_cudnn="auto", **kwargs):
        cell = LSTMCell(
            units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, unit_forget_bias=unit_forget_bias,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, dtype=kwargs.get("dtype", None),
            trainable=kwargs.get("trainable", True), name="lstm_cell", seed=seed,
            implementation=kwargs.pop("implementation", 2),
        )
        super().__init__(
            cell, return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
            stateful=stateful, unroll=unroll, activity_regularizer=activity_regularizer, **kwargs,
        )
        self.input_spec = InputSpec(ndim=3)
        check_use_cudnn(use_cudnn)
        self.use_cudnn = use_cudnn

    recurrent_activation = property(lambda self: self.cell.recurrent_activation)
    unit_forget_bias = property(lambda self: self.cell.unit_forget_bias)

    def can_use_fused_kernel(self, mask) -> bool:
        """Whether this call may run torch's fused LSTM kernel (Keras's cuDNN conditions)."""
        return (
            self.use_cudnn in ("auto", True) and mask is None and not self.cell.recurrent_dropout
            and not self.unroll and uses_standard_activations(self.cell)
            and fused_kernels_traceable()
        )

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if tree.is_nested(mask):
            mask = tree.flatten(mask)[0]
        lengths = None
        if mask is not None and self.use_cudnn == "auto" and self.can_use_fused_kernel(None):
            lengths = right_padded_lengths(mask)
        if self.can_use_fused_kernel(mask) or lengths is not None:
            cell = self.cell
            if training and cell.dropout:
                sequences = sequences * cell.get_dropout_mask(sequences[:, 0, :]).unsqueeze(1)
            last_output, outputs, states = fused_lstm(
                sequences, initial_state[0], initial_state[1], cell.kernel, cell.recurrent_kernel, cell.bias,
                go_backwards=self.go_backwards,
                lengths=lengths, zero_output_for_mask=self.zero_output_for_mask,
            )
            if not self.return_sequences:
                outputs = last_output.unsqueeze(1)
            return last_output, outputs, states
        if self.use_cudnn is True and (mask is not None or self.cell.recurrent_dropout):
            raise fused_unavailable_error()
        return super().inner_loop(sequences, initial_state, mask=mask, training=training)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def get_config(self) -> dict:
        base_config = super().get_config()
        del base_config["cell"]
        config = {"units": self.units, **weights_config(self)}
        config["unit_forget_bias"] = self.unit_forget_bias
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        config["seed"] = self.cell.seed
        return {**base_config, **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return Layer.from_config.__func__(cls, config)



