"""`StackedRNNCells`: a stack of RNN cells that behaves as one cell."""

from __future__ import annotations

import torch

from kerasbridge.backend.device import get_device
from kerasbridge.backend.dtypes import to_torch_dtype
from kerasbridge.layers.layer import Layer
from kerasbridge.utils import tree


def zeros_state(batch_size, size, dtype):
    """A zero state tensor `(batch_size, size)` (`size` may be a shape tuple) on the current device."""
    shape = (batch_size, *size) if isinstance(size, (list, tuple)) else (batch_size, size)
    return torch.zeros(shape, dtype=to_torch_dtype(dtype), device=get_device())


class StackedRNNCells(Layer):
    """Wraps a list of RNN cells so they run as a single cell, each feeding the next.

    Args:
        cells: List of RNN cell instances.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Example:

    ```python
    cells = [kerasbridge.layers.LSTMCell(8) for _ in range(2)]
    layer = kerasbridge.layers.RNN(kerasbridge.layers.StackedRNNCells(cells))
    outputs = layer(np.zeros((3, 5, 2), "float32"))
    ```
    """

    _direct_step = True

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        for cell in cells:
            if "call" not in dir(cell):
                raise ValueError(f"All cells must have a `call` method. Received cell without a `call` method: {cell}")
            if "state_size" not in dir(cell):
                raise ValueError(
                    f"All cells must have a `state_size` attribute. Received cell without a `state_size`: {cell}"
                )
        self.cells = list(cells)

    @property
    def state_size(self):
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self):
        last = self.cells[-1]
        if getattr(last, "output_size", None) is not None:
            return last.output_size
        if isinstance(last.state_size, (list, tuple)):
            return last.state_size[0]
        return last.state_size

    def get_initial_state(self, batch_size=None):
        """One initial state (or list of states) per cell."""
        states = []
        for cell in self.cells:
            get_initial_state_fn = getattr(cell, "get_initial_state", None)
            if get_initial_state_fn is not None:
                states.append(get_initial_state_fn(batch_size=batch_size))
            elif isinstance(cell.state_size, int):
                states.append(zeros_state(batch_size, cell.state_size, self.compute_dtype))
            else:
                states.append([zeros_state(batch_size, size, self.compute_dtype) for size in cell.state_size])
        return states

    def call(self, inputs, states, training=False):
        from kerasbridge.layers.rnn.rnn_loop import call_cell

        new_states = []
        for cell, cell_states in zip(self.cells, states):
            was_nested = tree.is_nested(cell_states)
            cell_states = list(cell_states) if was_nested else [cell_states]
            inputs, cell_states = call_cell(cell, inputs, cell_states, training)
            if not tree.is_nested(cell_states):
                cell_states = [cell_states]
            if len(cell_states) == 1 and not was_nested:
                cell_states = cell_states[0]
            new_states.append(cell_states)
        if len(new_states) == 1:
            new_states = new_states[0]
        return inputs, new_states

    def build(self, input_shape):
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(input_shape)
                cell.built = True
            if getattr(cell, "output_size", None) is not None:
                output_dim = cell.output_size
            elif isinstance(cell.state_size, (list, tuple)):
                output_dim = cell.state_size[0]
            else:
                output_dim = cell.state_size
            input_shape = (tree.flatten(input_shape)[0], output_dim)

    def get_config(self) -> dict:
        from kerasbridge.saving import serialization_lib

        cells = [serialization_lib.serialize_keras_object(cell) for cell in self.cells]
        return {**super().get_config(), "cells": cells}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from kerasbridge.saving import serialization_lib

        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            from kerasbridge import dtype_policies

            config["dtype"] = dtype_policies.deserialize(config["dtype"]).name
        cells = [
            serialization_lib.deserialize_keras_object(cell_config, custom_objects=custom_objects)
            for cell_config in config.pop("cells")
        ]
        return cls(cells, **config)
