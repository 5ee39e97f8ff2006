"""A flag set while shapes are being inferred: state changes (variable assigns, added losses) are skipped."""

from __future__ import annotations

import contextlib
import threading

_state = threading.local()


def in_symbolic_scope() -> bool:
    """Whether code is running only to infer output shapes and dtypes."""
    return getattr(_state, "depth", 0) > 0


@contextlib.contextmanager
def symbolic_scope():
    """Run the enclosed code as a shape-inference pass: no variable or loss is changed."""
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        yield
    finally:
        _state.depth -= 1
