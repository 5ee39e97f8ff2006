"""kerasbridge.constraints: weight constraints, as in `keras.constraints`."""

from __future__ import annotations

import inspect

from kerasbridge.backend.naming import to_snake_case
from kerasbridge.constraints.constraints import Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm

max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm

ALL_OBJECTS = (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in ALL_OBJECTS})


def serialize(constraint):
    """Return the Keras config dict of a constraint.

    Args:
        constraint: A `Constraint` instance.
    """
    from kerasbridge.saving.serialization_lib import serialize_keras_object

    return serialize_keras_object(constraint)


def deserialize(config, custom_objects=None):
    """Return the constraint described by a config dict or a name.

    Args:
        config: A dict produced by `serialize`, or a name such as `"MaxNorm"` or `"max_norm"`.
        custom_objects: Optional dict mapping names to custom constraints.
    """
    from kerasbridge.saving.serialization_lib import deserialize_keras_object

    return deserialize_keras_object(config, module_objects=ALL_OBJECTS_DICT, custom_objects=custom_objects)


def get(identifier):
    """Return a constraint from an identifier.

    Args:
        identifier: `None`, a name (`"max_norm"`, `"NonNeg"`...; built with
            default arguments), a config dict, a class, or a callable.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier, None)
    else:
        obj = identifier
    if callable(obj):
        if inspect.isclass(obj):
            obj = obj()
        return obj
    raise ValueError(f"Could not interpret constraint identifier: {identifier}")


__all__ = [
    "Constraint",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "UnitNorm",
    "deserialize",
    "get",
    "max_norm",
    "min_max_norm",
    "non_neg",
    "serialize",
    "unit_norm",
]
