"""kerasbridge.regularizers: weight penalties, as in `keras.regularizers`."""

from __future__ import annotations

import inspect

from kerasbridge.backend.naming import to_snake_case
from kerasbridge.regularizers.regularizers import L1, L1L2, L2, OrthogonalRegularizer, Regularizer

l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

ALL_OBJECTS = (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in ALL_OBJECTS})


def serialize(regularizer):
    """Return the Keras config dict of a regularizer.

    Args:
        regularizer: A `Regularizer` instance (or a registered function).
    """
    from kerasbridge.saving.serialization_lib import serialize_keras_object

    return serialize_keras_object(regularizer)


def deserialize(config, custom_objects=None):
    """Return the regularizer described by a config dict or a name.

    Args:
        config: A dict produced by `serialize`, or a name such as `"L2"` or `"l2"`.
        custom_objects: Optional dict mapping names to custom regularizers.
    """
    from kerasbridge.saving.serialization_lib import deserialize_keras_object

    return deserialize_keras_object(config, module_objects=ALL_OBJECTS_DICT, custom_objects=custom_objects)


def get(identifier):
    """Return a regularizer from an identifier.

    Args:
        identifier: `None`, a name (`"l2"`, `"L1L2"`...; built with default
            arguments), a config dict, a class, or a callable (returned as is).
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
    raise ValueError(f"Could not interpret regularizer identifier: {identifier}")


__all__ = [
    "L1",
    "L1L2",
    "L2",
    "OrthogonalRegularizer",
    "Regularizer",
    "deserialize",
    "get",
    "l1",
    "l1_l2",
    "l2",
    "orthogonal_regularizer",
    "serialize",
]
