"""A counter bumped whenever the layer structure or any variable's trainability changes.

Per-step code (the training step, the loss collection) caches derived lists such as
`trainable_weights` against it, instead of walking every layer on every step.
"""

from __future__ import annotations

_version = [0]


def current() -> int:
    """The current structure version."""
    return _version[0]


def bump() -> None:
    """Invalidate every cache keyed on the structure version."""
    _version[0] += 1
