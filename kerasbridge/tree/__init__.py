"""kerasbridge.tree: the public `keras.tree` namespace (nested-structure utilities).

The implementations live in `kerasbridge.utils.tree`, which the rest of the package imports;
this module only re-exports them under Keras's public path, as `keras/tree/__init__.py` does.
"""

from kerasbridge.utils.tree import (
    MAP_TO_NONE,
    assert_same_paths,
    assert_same_structure,
    flatten,
    flatten_with_path,
    is_nested,
    lists_to_tuples,
    map_shape_structure,
    map_structure,
    map_structure_up_to,
    pack_sequence_as,
    traverse,
)

__all__ = [
    "MAP_TO_NONE",
    "assert_same_paths",
    "assert_same_structure",
    "flatten",
    "flatten_with_path",
    "is_nested",
    "lists_to_tuples",
    "map_shape_structure",
    "map_structure",
    "map_structure_up_to",
    "pack_sequence_as",
    "traverse",
]
