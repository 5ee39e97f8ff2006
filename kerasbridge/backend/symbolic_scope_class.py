"""`keras.SymbolicScope`: the class form of the shape-inference flag."""

from __future__ import annotations

from kerasbridge.backend.symbolic_scope import symbolic_scope


class SymbolicScope:
    """Context manager under which code runs only to infer shapes: no variable or loss changes.

    `kerasbridge.backend.symbolic_scope.in_symbolic_scope()` is True inside it.
    """

    def __enter__(self):
        self._context = symbolic_scope()
        self._context.__enter__()
        return self

    def __exit__(self, *exc_info):
        self._context.__exit__(*exc_info)
