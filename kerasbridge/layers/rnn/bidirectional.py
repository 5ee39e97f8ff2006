"""`Bidirectional`: runs a recurrent layer forwards and backwards and merges the results."""

from __future__ import annotations

import copy

import torch

from kerasbridge.layers.layer import Layer

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _remove_prefix(name: str, prefix: str) -> str:
    return name[len(prefix):] if name.startswith(prefix) else name


class Bidirectional(Layer):
    """Bidirectional wrapper for RNNs.

    The wrapped layer is copied (through its config) into a forward layer
    named `forward_<name>` and, unless `backward_layer` is given, a backward
    layer named `backward_<name>` with `go_backwards=True`. The backward
    layer's output sequence is flipped back to the original time order before
    the two are merged. With a mask, masked steps output zeros in both
    directions (`zero_output_for_mask` follows `return_sequences`).

    Args:
        layer: A recurrent layer instance (`LSTM`, `GRU`, `SimpleRNN`, `RNN`, ...).
        merge_mode: How forward and backward outputs combine: `"concat"`
            (default), `"sum"`, `"mul"`, `"ave"`, or `None` (a list of both).
        weights: Optional initial weights (forward half, then backward half).
        backward_layer: Optional recurrent layer used for the backward pass.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Call arguments:
        sequences: `(batch_size, timesteps, features)`.
        initial_state: List of initial states, the forward layer's then the backward layer's.
        mask: Boolean `(batch_size, timesteps)`.
        training: Whether the call is in training mode.

    Output shape:
        That of the wrapped layer, with the last axis doubled for `"concat"`;
        with `return_state`, followed by the forward then the backward states.
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        from kerasbridge.saving import serialization_lib

        if not isinstance(layer, Layer):
            raise ValueError(
                f"Please initialize `Bidirectional` layer with a `keras.layers.Layer` instance. Received: {layer}"
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                f"`backward_layer` need to be a `keras.layers.Layer` instance. Received: {backward_layer}"
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Invalid merge mode. Received: {merge_mode}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}'
            )
        super().__init__(**kwargs)
        config = serialization_lib.serialize_keras_object(layer)
        config["config"]["name"] = f"forward_{_remove_prefix(layer.name, 'forward_')}"
        self.forward_layer = serialization_lib.deserialize_keras_object(config)
        if backward_layer is None:
            config = serialization_lib.serialize_keras_object(layer)
            config["config"]["go_backwards"] = True
            config["config"]["name"] = f"backward_{_remove_prefix(layer.name, 'backward_')}"
            self.backward_layer = serialization_lib.deserialize_keras_object(config)
        else:
            self.backward_layer = backward_layer
        if hasattr(layer, "use_cudnn"):
            self.forward_layer.use_cudnn = layer.use_cudnn
            self.backward_layer.use_cudnn = layer.use_cudnn
        self._verify_layer_config()
        for inner in (self.forward_layer, self.backward_layer):
            if getattr(inner, "zero_output_for_mask", None) is not None:
                inner.zero_output_for_mask = inner.return_sequences
        self.merge_mode = merge_mode
        if weights:
            half = len(weights) // 2
            self.forward_layer.initial_weights = weights[:half]
            self.backward_layer.initial_weights = weights[half:]
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self.input_spec = layer.input_spec

    def _verify_layer_config(self):
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError(
                "Forward layer and backward layer should have different `go_backwards` value. Received: "
                f"forward_layer.go_backwards {forward.go_backwards}, "
                f"backward_layer.go_backwards={backward.go_backwards}"
            )
        for attribute in ("stateful", "return_sequences", "return_state"):
            forward_value, backward_value = getattr(forward, attribute), getattr(backward, attribute)
            if forward_value != backward_value:
                raise ValueError(
                    "Forward layer and backward layer are expected to have the same value for attribute "
                    f'"{attribute}", got "{forward_value}" for forward layer and "{backward_value}" for backward '
                    "layer"
                )

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        output_shape = self.forward_layer.compute_output_shape(sequences_shape)
        state_shape = ()
        if self.return_state:
            output_shape, state_shape = output_shape[0], tuple(output_shape[1:])
        if self.merge_mode == "concat":
            output_shape = (*tuple(output_shape)[:-1], output_shape[-1] * 2)
        elif self.merge_mode is None:
            output_shape = [output_shape, output_shape]
        if self.return_state:
            if self.merge_mode is None:
                return tuple(output_shape) + state_shape + state_shape
            return (tuple(output_shape),) + state_shape + state_shape
        return tuple(output_shape)

    def build(self, sequences_shape, initial_state_shape=None):
        if not self.forward_layer.built:
            self.forward_layer.build(sequences_shape)
        if not self.backward_layer.built:
            self.backward_layer.build(sequences_shape)

    def _merge(self, y, y_rev):
        if self.merge_mode == "concat":
            return torch.cat([y, y_rev], dim=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) / 2
        if self.merge_mode == "mul":
            return y * y_rev
        return (y, y_rev)

    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {}
        if self.forward_layer._call_info.has_training:
            kwargs["training"] = training
        if self.forward_layer._call_info.has_mask:
            kwargs["mask"] = mask
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        compute_dtype = self._torch_compute_dtype
        y, y_rev = y.to(compute_dtype), y_rev.to(compute_dtype)
        if self.return_sequences:
            y_rev = torch.flip(y_rev, dims=[1])
        output = self._merge(y, y_rev)
        if self.return_state:
            if self.merge_mode is None:
                return output + states
            return (output,) + states
        return output

    def reset_states(self):
        """Alias of `reset_state()`."""
        self.reset_state()

    def reset_state(self):
        """Zero the states of both directions (stateful layers only)."""
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    @property
    def states(self):
        if self.forward_layer.states and self.backward_layer.states:
            return tuple(self.forward_layer.states + self.backward_layer.states)
        return None

    def compute_mask(self, _, mask):
        if isinstance(mask, list):
            mask = mask[0]
        if self.return_sequences:
            output_mask = mask if self.merge_mode else (mask, mask)
        else:
            output_mask = None if self.merge_mode else (None, None)
        states = self.states
        if self.return_state and states is not None:
            state_mask = tuple(None for _ in states)
            return (output_mask,) + state_mask * 2
        return output_mask

    def get_config(self) -> dict:
        from kerasbridge.saving import serialization_lib

        config = {
            "merge_mode": self.merge_mode,
            "layer": serialization_lib.serialize_keras_object(self.forward_layer),
            "backward_layer": serialization_lib.serialize_keras_object(self.backward_layer),
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from kerasbridge.saving import serialization_lib

        config = copy.deepcopy(config)
        config["layer"] = serialization_lib.deserialize_keras_object(config["layer"], custom_objects=custom_objects)
        backward_config = config.pop("backward_layer", None)
        if backward_config is not None:
            config["backward_layer"] = serialization_lib.deserialize_keras_object(
                backward_config, custom_objects=custom_objects
            )
        if isinstance(config.get("dtype"), dict):
            from kerasbridge import dtype_policies

            config["dtype"] = dtype_policies.deserialize(config["dtype"]).name
        return cls(**config)
