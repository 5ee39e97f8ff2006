"""The safe-mode flag that guards deserialization of Python lambdas.

A lambda is stored as marshalled bytecode; loading it executes arbitrary code,
so deserialization refuses it unless `safe_mode=False` is passed or
`enable_unsafe_deserialization()` was called. `func_dump` / `func_load` are
that lambda codec (the same `(base64 bytecode, defaults, closure)` triple
Keras writes).
"""

from __future__ import annotations

import base64
import marshal
import threading
import types

_state = threading.local()
_global_safe_mode: bool | None = None


def enable_unsafe_deserialization() -> None:
    """Turn safe mode off for the whole process, allowing lambdas to be deserialized."""
    global _global_safe_mode
    _global_safe_mode = False
    _state.value = None


def in_safe_mode() -> bool | None:
    """The current safe-mode setting: `True`/`False` when set by a scope or globally, else `None`."""
    value = getattr(_state, "value", None)
    if value is not None:
        return value
    return _global_safe_mode


class SafeModeScope:
    """Propagate a safe-mode value to nested deserialization calls.

    Args:
        safe_mode: The value `in_safe_mode()` returns inside the scope.
    """

    def __init__(self, safe_mode: bool | None = True):
        self.safe_mode = safe_mode

    def __enter__(self):
        self.original_value = getattr(_state, "value", None)
        _state.value = self.safe_mode
        return self

    def __exit__(self, *args, **kwargs):
        _state.value = self.original_value


def func_dump(func):
    """Serialize a Python function as `(base64 bytecode, defaults, closure values)`."""
    code = base64.encodebytes(marshal.dumps(func.__code__)).decode("ascii")
    closure = tuple(cell.cell_contents for cell in func.__closure__) if func.__closure__ else None
    return code, func.__defaults__, closure


def _as_cell(value):
    if isinstance(value, types.CellType):
        return value
    return types.CellType(value)


def func_load(code, defaults=None, closure=None, globs=None):
    """Rebuild a function from `func_dump`'s output (executes stored bytecode: unsafe)."""
    if isinstance(code, (tuple, list)):
        code, defaults, closure = code
    if isinstance(defaults, list):
        defaults = tuple(defaults)
    if closure is not None:
        closure = tuple(_as_cell(value) for value in closure)
    try:
        raw = base64.decodebytes(code.encode("ascii"))
    except (UnicodeEncodeError, ValueError):
        raw = code.encode("raw_unicode_escape")
    code_obj = marshal.loads(raw)
    if globs is None:
        globs = {"__builtins__": __builtins__}
    return types.FunctionType(code_obj, globs, name=code_obj.co_name, argdefs=defaults, closure=closure)
