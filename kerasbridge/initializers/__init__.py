"""kerasbridge.initializers: weight initializers, as in `keras.initializers`.

Classes are also exposed under their snake_case names (`glorot_uniform`,
`zeros`, ...), which are the same classes, as in Keras.
"""

from __future__ import annotations

import inspect

import numpy as np
import torch

from kerasbridge.backend.dtypes import to_torch_dtype
from kerasbridge.backend.naming import to_snake_case
from kerasbridge.backend.tensor import convert_to_tensor
from kerasbridge.initializers.constant_initializers import STFT, Constant, Identity, Ones, Zeros
from kerasbridge.initializers.initializer import Initializer
from kerasbridge.initializers.random_initializers import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomInitializer,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    compute_fans,
)

ALL_OBJECTS = (
    Initializer,
    Constant,
    Identity,
    Ones,
    STFT,
    Zeros,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in ALL_OBJECTS})
ALL_OBJECTS_DICT.update(
    {
        "IdentityInitializer": Identity,
        "normal": RandomNormal,
        "one": Ones,
        "STFTInitializer": STFT,
        "OrthogonalInitializer": Orthogonal,
        "uniform": RandomUniform,
        "zero": Zeros,
    }
)

# Public aliases, as exported by `keras.initializers`.
IdentityInitializer = Identity
OrthogonalInitializer = Orthogonal
STFTInitializer = STFT
constant = Constant
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
identity = Identity
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
ones = Ones
orthogonal = Orthogonal
random_normal = RandomNormal
random_uniform = RandomUniform
stft = STFT
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
zeros = Zeros


def serialize(initializer):
    """Return the Keras config dict (`module`, `class_name`, `config`, ...) of an initializer."""
    from kerasbridge.saving.serialization_lib import serialize_keras_object

    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """Create an initializer from its serialized config (or name).

    Args:
        config: A dict produced by `serialize`, or a name.
        custom_objects: Optional dict mapping names to custom classes.
    """
    from kerasbridge.saving.serialization_lib import deserialize_keras_object

    return deserialize_keras_object(config, module_objects=ALL_OBJECTS_DICT, custom_objects=custom_objects)


def _tensor_initializer(value):
    def initialize_fn(shape, dtype=None):
        if tuple(shape) != tuple(value.shape):
            raise ValueError(
                f"Expected `shape` to be {value.shape} for direct tensor as initializer. Received shape={shape}"
            )
        return convert_to_tensor(value).to(to_torch_dtype(dtype))

    return initialize_fn


def get(identifier):
    """Return an initializer from an identifier.

    Args:
        identifier: `None`, a name (`"glorot_uniform"`, `"GlorotUniform"`,
            case-sensitive), a serialized config dict, an initializer class
            (instantiated with default arguments), a callable
            `(shape, dtype=None)`, or a tensor/array holding the values.

    Returns:
        The initializer, or `None` for `None`.
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
        if obj is None:
            try:  # registered custom objects and `custom_object_scope`
                obj = deserialize({"class_name": identifier, "config": {}})
            except ImportError:
                obj = None
    elif isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, (torch.Tensor, np.ndarray, np.generic)):
        obj = _tensor_initializer(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj() if inspect.isclass(obj) else obj
    raise ValueError(f"Could not interpret initializer identifier: {identifier}")


__all__ = [
    "STFT",
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "IdentityInitializer",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "OrthogonalInitializer",
    "RandomInitializer",
    "RandomNormal",
    "RandomUniform",
    "STFTInitializer",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "compute_fans",
    "constant",
    "deserialize",
    "get",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "identity",
    "lecun_normal",
    "lecun_uniform",
    "ones",
    "orthogonal",
    "random_normal",
    "random_uniform",
    "serialize",
    "stft",
    "truncated_normal",
    "variance_scaling",
    "zeros",
]
