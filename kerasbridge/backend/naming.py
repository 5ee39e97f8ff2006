"""Automatic names (`dense`, `dense_1`, ...) and the name scopes that build variable paths."""

from __future__ import annotations

import collections
import contextlib
import re
import threading

_uids: collections.defaultdict[str, int] = collections.defaultdict(int)
_scope_state = threading.local()


def to_snake_case(name: str) -> str:
    """`"BatchNormalization"` -> `"batch_normalization"`, as Keras names layers."""
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def get_uid(prefix: str = "") -> int:
    """Return 1, 2, 3... for successive calls with the same prefix (reset by `clear_session`)."""
    _uids[prefix] += 1
    return _uids[prefix]


def uniquify(name: str) -> str:
    """`name` the first time, then `name_1`, `name_2`, ..."""
    uid = get_uid(name)
    return name if uid == 1 else f"{name}_{uid - 1}"


def auto_name(class_name: str) -> str:
    """A unique snake-case name derived from a class name."""
    return uniquify(to_snake_case(class_name))


def reset_uids() -> None:
    """Forget every automatic name handed out so far."""
    _uids.clear()


def _stack() -> list:
    stack = getattr(_scope_state, "stack", None)
    if stack is None:
        stack = _scope_state.stack = []
    return stack


@contextlib.contextmanager
def name_scope(name: str, caller=None):
    """Push `name` on the path of variables created inside (`"model/dense/kernel"`).

    A scope opened again by the same `caller` that opened the innermost one is not doubled.
    """
    stack = _stack()
    if caller is not None and stack and stack[-1][1] is caller:
        yield
        return
    stack.append((name, caller))
    try:
        yield
    finally:
        stack.pop()


def current_path() -> str:
    """The `/`-joined names of the open scopes."""
    return "/".join(name for name, _ in _stack())
