"""`shapes_to_specs`: symbolic `KerasTensor`s for shapes (or nested structures of shapes)."""

from __future__ import annotations

import numpy as np

from kerasbridge.ops.keras_tensor import KerasTensor


def _is_shape(value) -> bool:
    return isinstance(value, (list, tuple)) and all(
        d is None or isinstance(d, (int, np.integer)) for d in value
    )


def shapes_to_specs(shapes, dtype):
    """KerasTensors for a shape or a nested structure (list/tuple/dict) of shapes."""
    if _is_shape(shapes):
        return KerasTensor(shapes, dtype=dtype)
    if isinstance(shapes, dict):
        return {k: shapes_to_specs(v, dtype) for k, v in shapes.items()}
    if isinstance(shapes, (list, tuple)):
        return type(shapes)(shapes_to_specs(s, dtype) for s in shapes)
    raise ValueError(f"Expected a shape tuple or a nested structure of shape tuples. Received: {shapes}")
