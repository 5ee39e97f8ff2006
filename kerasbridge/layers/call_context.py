"""The context of the outermost layer call: the `training` flag that nested layers inherit."""

from __future__ import annotations

import threading

_state = threading.local()


class CallContext:
    """Values shared by every layer inside one outermost `__call__`."""

    __slots__ = ("entry_layer", "training")

    def __init__(self, entry_layer):
        self.entry_layer = entry_layer
        self.training = None


def enter_call_context(layer) -> tuple[CallContext, bool]:
    """Return the current context, creating it if `layer` is the outermost call."""
    context = getattr(_state, "context", None)
    if context is None:
        context = _state.context = CallContext(layer)
        return context, True
    return context, False


def exit_call_context() -> None:
    _state.context = None
