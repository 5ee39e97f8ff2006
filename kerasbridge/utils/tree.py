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


def map_structure(func: Callable, *structures, none_is_leaf: bool = True):
    """Apply `func` to the leaves of one or more identically nested structures.

    Args:
        func: A callable taking as many arguments as there are structures.
        *structures: Structures of the same layout.
        none_is_leaf: If False, `None` leaves are kept as `None` without calling `func`.

    Returns:
        A structure of the same layout holding `func`'s results.
    """
    if not structures:
        raise ValueError("Must provide at least one structure")
    if not none_is_leaf:
        inner = func

        def func(*args):
            if args[0] is None:
                if not all(arg is None for arg in args):
                    raise ValueError(
                        f"Structure mismatch: some arguments are None, others are not. Received arguments: {args}."
                    )
                return None
            return inner(*args)

    return _map_structure(func, *structures)


def _map_structure(func: Callable, *structures):
    first = structures[0]
    if isinstance(first, Mapping):
        mapped = {k: _map_structure(func, *(s[k] for s in structures)) for k in first}
        return mapped if type(first) is dict else type(first)(mapped)
    if _is_namedtuple(first):
        return type(first)(*(_map_structure(func, *items) for items in zip(*structures)))
    if isinstance(first, (list, tuple)):
        lengths = {len(s) for s in structures}
        if len(lengths) != 1:
            raise ValueError(f"Structures don't have the same length: {structures}")
        return type(first)(_map_structure(func, *items) for items in zip(*structures))
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


def assert_same_structure(a, b, check_types=None) -> None:
    """Raise `ValueError` unless `a` and `b` are nested the same way.

    Args:
        a: A nested structure.
        b: A nested structure.
        check_types: Deprecated and ignored, as in Keras 3.
    """
    if is_nested(a) != is_nested(b) or (is_nested(a) and type(a) is not type(b)):
        raise ValueError(
            "The two structures don't have the same nested structure: "
            f"{type(a).__name__} {a} vs {type(b).__name__} {b}"
        )
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

class MAP_TO_NONE:  # noqa: N801 - Keras's public name
    """Sentinel a `traverse` callback returns to replace a node with `None`."""


def _children(structure) -> list:
    if isinstance(structure, Mapping):
        return [structure[k] for k in _sorted_keys(structure)]
    return list(structure)


def _rebuild(structure, children: list):
    if isinstance(structure, Mapping):
        items = dict(zip(_sorted_keys(structure), children))
        return items if type(structure) is dict else type(structure)(items)
    if _is_namedtuple(structure):
        return type(structure)(*children)
    return type(structure)(children)


def traverse(func: Callable[[Any], Any], structure, top_down: bool = True):
    """Call `func` on every node (structures and leaves) and rebuild the structure from its answers.

    A `None` answer keeps the node (and, top-down, descends into it); `MAP_TO_NONE` replaces it with
    `None`; any other value replaces the node (top-down, without visiting its children).

    Args:
        func: Callable applied to each node.
        structure: A nested structure.
        top_down: Visit parents before children (True) or children first (False).

    Returns:
        The rebuilt structure.
    """

    def visit_children():
        if not is_nested(structure):
            return structure
        return _rebuild(structure, [traverse(func, child, top_down=top_down) for child in _children(structure)])

    if top_down:
        answer = func(structure)
        if answer is None:
            return visit_children()
    else:
        visited = visit_children()
        answer = func(visited)
        if answer is None:
            return visited
    return None if answer is MAP_TO_NONE else answer


def flatten_with_path(structure) -> list:
    """Leaves of `structure` with their paths: `[(path_tuple, leaf), ...]`, in `flatten` order.

    A path holds list/tuple indices and dict keys. Namedtuple fields are visited in declaration
    order but numbered by the sorted order of their names, as Keras 3 does on the torch backend.
    """
    out: list = []

    def walk(item, path):
        if isinstance(item, Mapping):
            for key in _sorted_keys(item):
                walk(item[key], path + (key,))
        elif _is_namedtuple(item):
            rank = {field: i for i, field in enumerate(sorted(item._fields))}
            for field in item._fields:
                walk(getattr(item, field), path + (rank[field],))
        elif isinstance(item, (list, tuple)):
            for index, child in enumerate(item):
                walk(child, path + (index,))
        else:
            out.append((path, item))

    walk(structure, ())
    return out


def assert_same_paths(a, b) -> None:
    """Raise `ValueError` unless `a` and `b` have the same leaf paths (container types are ignored)."""
    a_paths = {path for path, _ in flatten_with_path(a)}
    b_paths = {path for path, _ in flatten_with_path(b)}
    if a_paths != b_paths:
        message = "`a` and `b` don't have the same paths."
        if a_paths - b_paths:
            message += f"\nPaths in `a` missing in `b`:\n{a_paths - b_paths}"
        if b_paths - a_paths:
            message += f"\nPaths in `b` missing in `a`:\n{b_paths - a_paths}"
        raise ValueError(message)


def lists_to_tuples(structure):
    """The same structure with every list turned into a tuple."""
    return traverse(lambda node: tuple(node) if isinstance(node, list) else None, structure, top_down=False)


def _is_shape(x) -> bool:
    return isinstance(x, (list, tuple)) and all(isinstance(e, (int, type(None))) for e in x)


def map_shape_structure(func: Callable, structure):
    """Like `map_structure`, but lists/tuples of ints and `None`s are leaves (shapes) handed to `func`."""
    if _is_shape(structure) or not is_nested(structure):
        return func(structure)
    return _rebuild(structure, [map_shape_structure(func, child) for child in _children(structure)])


def map_structure_up_to(shallow_structure, func: Callable, *structures):
    """Map `func` over `structures` only as deep as `shallow_structure` goes.

    Args:
        shallow_structure: A structure whose leaves mark where to stop descending.
        func: Callable taking one argument per structure.
        *structures: Structures at least as deep as `shallow_structure`.

    Returns:
        A structure laid out like `shallow_structure`.
    """
    if not structures:
        raise ValueError("Must provide at least one structure")
    if not is_nested(shallow_structure):
        return func(*structures)
    for other in structures:
        if not is_nested(other) or len(other) != len(shallow_structure):
            raise ValueError("Structures don't have the same nested structure.")
    groups = zip(*(_children(s) for s in (shallow_structure, *structures)))
    return _rebuild(shallow_structure, [map_structure_up_to(group[0], func, *group[1:]) for group in groups])
