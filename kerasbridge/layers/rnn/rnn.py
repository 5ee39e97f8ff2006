"""`RNN`: runs any RNN cell over the time axis of a sequence."""

from __future__ import annotations

import torch

from kerasbridge.backend import naming
from kerasbridge.backend.dtypes import to_torch_dtype
from kerasbridge.backend.symbolic_scope import in_symbolic_scope
from kerasbridge.backend.variable import Variable
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from kerasbridge.layers.rnn.rnn_loop import call_cell, run_time_loop
from kerasbridge.layers.rnn.stacked_rnn_cells import StackedRNNCells, zeros_state
from kerasbridge.utils import tree


class RNN(Layer):
    """Base class of recurrent layers: applies a cell step by step over a sequence.

    A cell is an object with a `call(input_at_t, states_at_t)` method returning
    `(output_at_t, new_states)`, a `state_size` attribute (an integer, or a list
    with one size per state) and optionally `output_size` and
    `get_initial_state(batch_size)`. A list of cells is stacked with
    `StackedRNNCells`.

    Args:
        cell: An RNN cell instance, or a list of them.
        return_sequences: Whether to return the output of every timestep
            instead of only the last one.
        return_state: Whether to also return the final states.
        go_backwards: Whether to process the sequence backwards (the returned
            sequence is then in reversed order).
        stateful: Whether the final states of a batch become the initial
            states of the next batch (requires a fixed batch size).
        unroll: Whether to unroll the loop (kept for Keras compatibility; the
            computed values are the same).
        zero_output_for_mask: Whether masked timesteps output zeros rather
            than the previous output (only used with `return_sequences`).
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Call arguments:
        sequences: Tensor of shape `(batch_size, timesteps, features)`.
        initial_state: List of initial state tensors (zeros by default).
        mask: Boolean tensor `(batch_size, timesteps)`; `False` skips a step
            (states carried over, output repeated).
        training: Whether the call is in training mode (cell dropout).

    Input shape:
        3-D tensor `(batch_size, timesteps, features)` (more dimensions for
        convolutional cells).

    Output shape:
        `(batch_size, timesteps, output_size)` with `return_sequences`, else
        `(batch_size, output_size)`; with `return_state`, followed by one
        `(batch_size, state_size)` tensor per state.
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if "call" not in dir(cell):
            raise ValueError(f"Argument `cell` should have a `call` method. Received: cell={cell}")
        if "state_size" not in dir(cell):
            raise ValueError(
                "The RNN cell should have a `state_size` attribute (single integer or list of integers, one "
                f"integer per RNN state). Received: cell={cell}"
            )
        super().__init__(**kwargs)
        self.zero_output_for_mask = zero_output_for_mask
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.supports_masking = True
        self.input_spec = None
        object.__setattr__(self, "states", None)
        self._expected_batch_size = None
        state_size = getattr(self.cell, "state_size", None)
        if state_size is None:
            raise ValueError("state_size must be specified as property on the RNN cell.")
        if not isinstance(state_size, (list, tuple, int)):
            raise ValueError("state_size must be an integer, or a list/tuple of integers (one for each state tensor).")
        self.single_state = isinstance(state_size, int)
        self.state_size = [state_size] if self.single_state else list(state_size)

    # -- shapes and masks ------------------------------------------------------------------------
    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch_size, length = sequences_shape[0], sequences_shape[1]
        states_shape = []
        for size in self.state_size:
            if isinstance(size, int):
                states_shape.append((batch_size, size))
            else:
                states_shape.append([(batch_size, s) for s in size])
        output_size = getattr(self.cell, "output_size", None)
        if output_size is None:
            output_size = self.state_size[0]
        if not isinstance(output_size, int):
            raise ValueError("output_size must be an integer.")
        output_shape = (batch_size, length, output_size) if self.return_sequences else (batch_size, output_size)
        if self.return_state:
            return output_shape, *states_shape
        return output_shape

    def compute_mask(self, _, mask):
        mask = tree.flatten(mask)[0] if mask is not None else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None for _ in self.state_size]
        return output_mask

    # -- building and state ------------------------------------------------------------------------
    def build(self, sequences_shape, initial_state_shape=None):
        step_input_shape = (sequences_shape[0],) + tuple(sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_input_shape)
            self.cell.built = True
        if self.stateful:
            if self.states is not None:
                self.reset_state()
            else:
                if sequences_shape[0] is None:
                    raise ValueError(
                        "When using `stateful=True` in a RNN, the batch size must be static. Found dynamic batch "
                        f"size: sequence.shape={tuple(sequences_shape)}"
                    )
                self._create_state_variables(sequences_shape[0])
                self._expected_batch_size = tree.flatten(self.states)[0].shape[0]

    def _create_state_variables(self, batch_size):
        """Create the (untracked, non-trainable) Variables holding a stateful layer's states."""
        with naming.name_scope(self.name, caller=self):
            states = tree.map_structure(
                lambda value: Variable(value.detach().cpu() if value.device.type == "meta" else value,
                                       trainable=False, dtype=self.variable_dtype, name="rnn_state"),
                self.get_initial_state(batch_size),
            )
        object.__setattr__(self, "states", states)

    def get_initial_state(self, batch_size):
        """The zero (or cell-defined) initial states for a batch of `batch_size` sequences."""
        get_initial_state_fn = getattr(self.cell, "get_initial_state", None)
        if get_initial_state_fn is None:
            dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
            return [zeros_state(batch_size, size, dtype) for size in self.state_size]
        init_state = get_initial_state_fn(batch_size=batch_size)
        if not tree.is_nested(init_state):
            init_state = [init_state]
        return list(init_state)

    def reset_states(self):
        """Alias of `reset_state()`."""
        self.reset_state()

    def reset_state(self):
        """Set a stateful layer's states back to zeros."""
        if self.states is not None:
            for variable in tree.flatten(self.states):
                variable.assign(torch.zeros_like(variable.value))

    # -- the call ------------------------------------------------------------------------------------
    def inner_loop(self, sequences, initial_state, mask, training=False):
        """Run the cell over the sequence: returns `(last_output, outputs, states)`."""
        cell = self.cell

        def step(inputs, states):
            output, new_states = call_cell(cell, inputs, states, training)
            if not tree.is_nested(new_states):
                new_states = [new_states]
            return output, new_states

        if not tree.is_nested(initial_state):
            initial_state = [initial_state]
        if tree.is_nested(mask):
            mask = tree.flatten(mask)[0]
        return run_time_loop(
            step, sequences, initial_state, go_backwards=self.go_backwards, mask=mask,
            zero_output_for_mask=self.zero_output_for_mask, return_all_outputs=self.return_sequences,
        )

    def _initial_state_for(self, sequences, initial_state):
        if initial_state is None:
            if self.stateful and self.states is not None and not in_symbolic_scope():
                initial_state = tree.map_structure(lambda v: v.value.detach().clone(), self.states)
            else:
                initial_state = self.get_initial_state(batch_size=sequences.shape[0])
        if self.stateful:
            actual = sequences.shape[0]
            if self._expected_batch_size is not None and actual is not None and actual != self._expected_batch_size:
                raise ValueError(
                    "If an RNN is stateful, the batch size of the input sequences must be the same as the batch "
                    f"size of the initial state. \n- Expected batch size: {self._expected_batch_size}\n- Received "
                    f"batch size: {actual}"
                )
        if not tree.is_nested(initial_state):
            initial_state = [initial_state]
        dtype = to_torch_dtype(getattr(self.cell, "compute_dtype", self.compute_dtype))
        device = sequences.device
        return tree.map_structure(
            lambda x: (x.value if isinstance(x, Variable) else torch.as_tensor(x)).to(device=device, dtype=dtype),
            list(initial_state),
        )

    def _check_unroll(self, sequences):
        if self.unroll and sequences.shape[1] is None:
            raise ValueError(
                "Cannot unroll a RNN if the time dimension is undefined. \n- If using a Sequential model, specify "
                "the time dimension by passing an `Input()` as your first layer.\n- If using the functional API, "
                "specify the time dimension by passing a `shape` or `batch_shape` argument to your `Input()`."
            )

    def call(self, sequences, initial_state=None, mask=None, training=False):
        self._check_unroll(sequences)
        if mask is None:
            mask = getattr(sequences, "_keras_mask", None)
        initial_state = self._initial_state_for(sequences, initial_state)
        try:
            last_output, outputs, states = self.inner_loop(sequences, initial_state, mask=mask, training=training)
        finally:
            _reset_dropout_masks(self.cell)
        compute_dtype = self._torch_compute_dtype
        last_output = last_output.to(compute_dtype)
        outputs = outputs.to(compute_dtype)
        states = tree.map_structure(lambda x: x.to(compute_dtype), states)
        if self.stateful and not in_symbolic_scope():
            for variable, state in zip(tree.flatten(self.states), tree.flatten(states)):
                variable.assign(state.detach())
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return output, *states
        return output

    def get_config(self) -> dict:
        from kerasbridge.saving import serialization_lib

        config = {
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "cell": serialization_lib.serialize_keras_object(self.cell),
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from kerasbridge.saving import serialization_lib

        config = _deserialize_dtype(dict(config))
        cell = serialization_lib.deserialize_keras_object(config.pop("cell"), custom_objects=custom_objects)
        return cls(cell, **config)


def _deserialize_dtype(config: dict) -> dict:
    """Turn a serialized `DTypePolicy` in `config["dtype"]` back into its name, as `Layer.from_config` does."""
    if isinstance(config.get("dtype"), dict):
        from kerasbridge import dtype_policies

        config["dtype"] = dtype_policies.deserialize(config["dtype"]).name
    return config


def _reset_dropout_masks(cell):
    if isinstance(cell, DropoutRNNCell):
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
    if isinstance(cell, StackedRNNCells):
        for inner in cell.cells:
            _reset_dropout_masks(inner)
