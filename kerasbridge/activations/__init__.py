"""kerasbridge.activations: activation functions, as in `keras.activations`."""

from __future__ import annotations

import types

from kerasbridge.activations.activations import (
    celu,
    elu,
    exponential,
    gelu,
    glu,
    hard_shrink,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    hard_tanh,
    leaky_relu,
    linear,
    log_sigmoid,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    soft_shrink,
    softmax,
    softplus,
    softsign,
    sparse_plus,
    sparse_sigmoid,
    sparsemax,
    squareplus,
    swish,
    tanh,
    tanh_shrink,
    threshold,
)

ALL_OBJECTS = (
    relu,
    leaky_relu,
    relu6,
    softmax,
    celu,
    elu,
    selu,
    softplus,
    softsign,
    squareplus,
    soft_shrink,
    sparse_plus,
    silu,
    gelu,
    glu,
    tanh,
    tanh_shrink,
    threshold,
    sigmoid,
    sparse_sigmoid,
    exponential,
    hard_sigmoid,
    hard_silu,
    hard_tanh,
    hard_shrink,
    linear,
    mish,
    log_softmax,
    log_sigmoid,
    sparsemax,
)
ALL_OBJECTS_DICT = {fn.__name__: fn for fn in ALL_OBJECTS}
ALL_OBJECTS_DICT["swish"] = silu
ALL_OBJECTS_DICT["hard_swish"] = hard_silu
_BUILTIN_NAMES = {id(fn): fn.__name__ for fn in ALL_OBJECTS}


def serialize(activation):
    """Return the serialized form of an activation.

    Built-in activations serialize to their name (`"relu"`; `swish` gives
    `"silu"`). Registered custom functions and activation objects give Keras's
    config dict.

    Args:
        activation: The activation function or object.
    """
    name = _BUILTIN_NAMES.get(id(activation))
    if name is not None:
        return name
    from kerasbridge.saving import object_registration
    from kerasbridge.saving.serialization_lib import serialize_keras_object

    fn_config = serialize_keras_object(activation)
    if not isinstance(fn_config, dict) or "config" not in fn_config:
        raise ValueError(
            f"Unknown activation function '{activation}' cannot be serialized due to invalid function "
            "name. Make sure to use an activation name that matches the references defined in "
            "activations.py or use `@keras.saving.register_keras_serializable()`to register any "
            f"custom activations. config={fn_config}"
        )
    if not isinstance(activation, types.FunctionType):
        return fn_config
    if isinstance(fn_config["config"], str) and fn_config["config"] not in ALL_OBJECTS_DICT:
        fn_config["config"] = object_registration.get_registered_name(activation)
        return fn_config
    return fn_config["config"]


def deserialize(config, custom_objects=None):
    """Return the activation function described by `config` (a name or a config dict).

    Args:
        config: A name or a dict produced by `serialize`.
        custom_objects: Optional dict mapping names to custom functions.
    """
    from kerasbridge.saving.serialization_lib import deserialize_keras_object

    return deserialize_keras_object(config, module_objects=ALL_OBJECTS_DICT, custom_objects=custom_objects)


def get(identifier):
    """Return an activation function from an identifier.

    Args:
        identifier: `None` (gives `linear`), a name such as `"relu"`, a
            serialized config dict, or a callable (returned as is).
    """
    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        from kerasbridge.saving.serialization_lib import deserialize_keras_object

        obj = deserialize_keras_object(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj
    raise ValueError(f"Could not interpret activation function identifier: {identifier}")


__all__ = [
    "celu",
    "deserialize",
    "elu",
    "exponential",
    "gelu",
    "get",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "linear",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "relu",
    "relu6",
    "selu",
    "serialize",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh",
    "tanh_shrink",
    "threshold",
]
