"""Nested structures (lists, tuples, dicts, namedtuples) as Keras's `keras.tree` sees them.

Dicts are flattened in sorted key order, as Keras does, so the flat order of a
dict of inputs does not depend on insertion order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def _is_namedtuple(x) -> bool:
    return isinstance(x, tuple) and hasattr(x, "_fields")


_STRUCTURE_TYPES = (list, tuple, dict)


def is_nested(x) -> bool:
    """Whether `x` is a list, tuple or dict (a structure rather than a leaf)."""
    kind = type(x)
    if kind in _STRUCTURE_TYPES:
        return True
    if kind.__module__ == "torch" or x is None:
        return False
    return isinstance(x, (list, tuple, Mapping))


def _sorted_keys(mapping: Mapping) -> list:
    try:
        return sorted(mapping)
    except TypeError:
        return list(mapping)


def flatten(structure) -> list:
    """Leaves of `structure` in order (dict values sorted by key). `None` is a leaf."""
    if not is_nested(structure):
        return [structure]
    if type(structure) in (list, tuple) and not any(is_nested(item) for item in structure):
        return list(structure)
    out: list = []
    stack = [structure]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            stack.extend(item[k] for k in reversed(_sorted_keys(item)))
        elif isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        else:
            out.append(item)
    return out


def map_structure(func: Callable, *structures):
    """Apply `func` to the leaves of one or more identically nested structures."""
    first = structures[0]
    if isinstance(first, Mapping):
        mapped = {k: map_structure(func, *(s[k] for s in structures)) for k in first}
        return mapped if type(first) is dict else type(first)(mapped)
    if _is_namedtuple(first):
        return type(first)(*(map_structure(func, *items) for items in zip(*structures)))
    if isinstance(first, (list, tuple)):
        lengths = {len(s) for s in structures}
        if len(lengths) != 1:
            raise ValueError(f"Structures don't have the same length: {structures}")
        return type(first)(map_structure(func, *items) for items in zip(*structures))
    return func(*structures)


def pack_sequence_as(structure, flat_sequence):
    """Inverse of `flatten`: put the items of `flat_sequence` into the shape of `structure`."""
    flat_sequence = list(flat_sequence)
    position = 0

    def build(item):
        nonlocal position
        if isinstance(item, Mapping):
            packed = {k: build(item[k]) for k in _sorted_keys(item)}
            return {k: packed[k] for k in item} if type(item) is dict else type(item)(
                (k, packed[k]) for k in item
            )
        if _is_namedtuple(item):
            return type(item)(*(build(v) for v in item))
        if isinstance(item, (list, tuple)):
            return type(item)(build(v) for v in item)
        value = flat_sequence[position]
        position += 1
        return value

    result = build(structure)
    if position != len(flat_sequence):
        raise ValueError(
            f"The target structure has {position} leaves, but `flat_sequence` has {len(flat_sequence)} items."
        )
    return result


def assert_same_structure(a, b) -> None:
    """Raise `ValueError` unless `a` and `b` are nested the same way."""
    if is_nested(a) != is_nested(b):
        raise ValueError(f"The two structures don't have the same nested structure: {a} vs {b}")
    if isinstance(a, Mapping):
        if set(a) != set(b):
            raise ValueError(f"The two dicts don't have the same keys: {list(a)} vs {list(b)}")
        for k in a:
            assert_same_structure(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        if len(a) != len(b):
            raise ValueError(f"The two structures don't have the same length: {len(a)} vs {len(b)}")
        for x, y in zip(a, b):
            assert_same_structure(x, y)


def traverse(func: Callable[[Any], Any], structure) -> None:
    """Call `func` on every leaf of `structure`."""
    for leaf in flatten(structure):
        func(leaf)
