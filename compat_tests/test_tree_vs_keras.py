"""Differential tests: kerasbridge.tree handles nested structures exactly as keras.tree does."""

import collections
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import pytest  # noqa: E402

import kerasbridge  # noqa: E402

Point = collections.namedtuple("Point", ["y", "x"])
# Dicts nested directly inside dicts are left out: Keras 3's torch backend sorts only the outermost dict
# on each path (its docs and its optree/dm-tree backends sort every level, as kerasbridge does).
NESTED = [None, 1, {"b": 2, "a": (3, None)}, [4, [5, 6]]]
WITH_NAMEDTUPLE = {"p": Point(1, 2), "q": [3]}


def _times_ten_ints(node):
    return node * 10 if isinstance(node, int) else None


# (id, call(tree_module)): each result is compared between keras.tree and kerasbridge.tree.
CASES = [
    ("flatten_nested", lambda t: t.flatten(NESTED)),
    ("flatten_leaf", lambda t: t.flatten(7)),
    ("flatten_dict_sorted", lambda t: t.flatten({"z": 1, "a": 2, "m": [3, 4]})),
    ("flatten_namedtuple", lambda t: t.flatten(WITH_NAMEDTUPLE)),
    ("flatten_with_path", lambda t: t.flatten_with_path([{"b": 1, "a": [2, 3]}, 4])),
    ("flatten_with_path_namedtuple", lambda t: t.flatten_with_path(WITH_NAMEDTUPLE)),
    ("is_nested", lambda t: [t.is_nested(x) for x in (None, 1, [1], (1,), {"a": 1}, Point(1, 2), "s", [])]),
    ("map_structure", lambda t: t.map_structure(lambda v: None if v is None else v * 2, NESTED)),
    ("map_structure_two", lambda t: t.map_structure(lambda a, b: a + b, [1, (2, 3)], [10, (20, 30)])),
    ("map_structure_namedtuple", lambda t: t.map_structure(str, WITH_NAMEDTUPLE)),
    ("map_structure_none_not_leaf", lambda t: t.map_structure(lambda v: v + 1, [None, 1, (None, 2)],
                                                              none_is_leaf=False)),
    ("map_structure_up_to", lambda t: t.map_structure_up_to([None, [None, None]], str, [[1, 1], [2, 2]])),
    ("map_structure_up_to_len", lambda t: t.map_structure_up_to([None, None], len, [[1, 1], [2, 2, 2]])),
    ("pack_sequence_as", lambda t: t.pack_sequence_as((("a", "b"), ("c", "d", "e"), "f"), [1, 2, 3, 4, 5, 6])),
    ("pack_sequence_as_dict", lambda t: t.pack_sequence_as({"key3": [(0, 0), 0], "key1": [0, 0]},
                                                           ["v2", "v1", 3.0, 1.0, 2.0])),
    ("pack_sequence_as_dicts_in_list", lambda t: t.pack_sequence_as([{"b": 0, "a": 0}, {"d": 0, "c": 0}], [1, 2, 3, 4])),
    ("pack_roundtrip", lambda t: t.pack_sequence_as(NESTED, t.flatten(NESTED))),
    ("lists_to_tuples", lambda t: t.lists_to_tuples([1, [2, [3]], {"a": [4]}])),
    ("map_shape_structure", lambda t: t.map_shape_structure(lambda s: [d or -1 for d in s],
                                                            {"a": (None, 2), "b": [(1,), (3, 4)]})),
    ("traverse_top_down", lambda t: t.traverse(_times_ten_ints, [1, (2, {"b": 3, "a": 4})])),
    ("traverse_bottom_up", lambda t: t.traverse(lambda n: tuple(n) if isinstance(n, list) else None,
                                                [1, [2, (3, [4])]], top_down=False)),
    ("traverse_map_to_none", lambda t: t.traverse(lambda n: t.MAP_TO_NONE if n == 2 else None, [1, 2, (2, 3)])),
    ("traverse_replace_subtree", lambda t: t.traverse(lambda n: "cut" if isinstance(n, tuple) else None,
                                                      [1, (2, 3), {"k": (4,)}])),
]


def _same(a, b):
    """Equal values and equal container types all the way down."""
    assert type(a) is type(b) or (isinstance(a, dict) and isinstance(b, dict)), (a, b)
    if isinstance(a, dict):
        assert sorted(a) == sorted(b)
        for key in a:
            _same(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), (a, b)
        for x, y in zip(a, b):
            _same(x, y)
    else:
        assert a == b


@pytest.mark.parametrize("call", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_tree_function_matches_keras(call):
    _same(call(kerasbridge.tree), call(keras.tree))


STRUCTURE_PAIRS = [
    ("same", [1, (2, 3)], [4, (5, 6)]),
    ("list_vs_tuple", [1, 2], (1, 2)),
    ("different_length", [1, 2], [1, 2, 3]),
    ("leaf_vs_list", [1, 2], [1, [2]]),
    ("dict_keys", {"a": 1}, {"b": 1}),
    ("namedtuple_vs_tuple", Point(1, 2), (1, 2)),
]


def _raises(fn):
    try:
        fn()
    except (ValueError, TypeError):
        return True
    return False


@pytest.mark.parametrize("a,b", [(p[1], p[2]) for p in STRUCTURE_PAIRS], ids=[p[0] for p in STRUCTURE_PAIRS])
def test_assert_same_structure_and_paths_agree_with_keras(a, b):
    for name in ("assert_same_structure", "assert_same_paths"):
        bridge = _raises(lambda name=name: getattr(kerasbridge.tree, name)(a, b))
        oracle = _raises(lambda name=name: getattr(keras.tree, name)(a, b))
        assert bridge == oracle, f"{name}({a}, {b}): kerasbridge raises={bridge}, keras raises={oracle}"


def test_map_to_none_is_a_sentinel_class_in_both():
    assert isinstance(keras.tree.MAP_TO_NONE, type) and isinstance(kerasbridge.tree.MAP_TO_NONE, type)
    assert keras.tree.MAP_TO_NONE.__name__ == kerasbridge.tree.MAP_TO_NONE.__name__ == "MAP_TO_NONE"
