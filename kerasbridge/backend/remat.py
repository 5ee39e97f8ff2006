"""Rematerialization (gradient checkpointing): `keras.remat` and `keras.RematScope`."""

from __future__ import annotations

import threading

_state = threading.local()

_REMAT_MODES = ("full", "activations", "larger_than", "list_of_layers", None)


def remat(f):
    """Wrap `f` so that its activations are recomputed in the backward pass instead of stored.

    Args:
        f: The function or layer to rematerialize.

    Returns:
        A function computing `f(*args, **kwargs)` under `torch.utils.checkpoint`.
    """
    import torch.utils.checkpoint

    def rematerialized(*args, **kwargs):
        return torch.utils.checkpoint.checkpoint(f, *args, use_reentrant=False, **kwargs)

    return rematerialized


def _scope_stack() -> list:
    if not hasattr(_state, "stack"):
        _state.stack = []
    return _state.stack


def get_current_remat_mode():
    """The innermost active `RematScope`, or `None` when no scope (or a `mode=None` scope) is active."""
    stack = _scope_stack()
    if not stack or stack[-1].mode is None:
        return None
    return stack[-1]


class RematScope:
    """A scope that tells layers created or called inside it which outputs to rematerialize.

    Args:
        mode: `"full"` (every layer), `"activations"` (activation functions only), `"larger_than"`
            (layers whose output has more than `output_size_threshold` elements), `"list_of_layers"`
            (layers named in `layer_names`), or `None` (turn rematerialization off).
        output_size_threshold: Element count above which `"larger_than"` rematerializes.
        layer_names: Layer names for `"list_of_layers"`.
    """

    def __init__(self, mode="full", output_size_threshold=1024, layer_names=None):
        if mode not in _REMAT_MODES:
            raise ValueError(
                f"Invalid mode '{mode}'. Supported modes are: 'full', 'activations', 'larger_than', "
                "'list_of_layers', or  None."
            )
        self.mode = mode
        self.output_size_threshold = output_size_threshold
        self.layer_names = layer_names or []
        self._pop_on_exit = False

    def __enter__(self):
        _scope_stack().append(self)
        self._pop_on_exit = True
        return self

    def __exit__(self, *exc_info):
        if self._pop_on_exit:
            _scope_stack().pop()
            self._pop_on_exit = False
