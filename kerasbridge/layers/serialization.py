"""`keras.layers.serialize` / `keras.layers.deserialize`: layers to and from config dicts."""

from __future__ import annotations


def serialize(layer) -> dict:
    """Returns the config dict of a layer, in the format Keras writes.

    Args:
        layer: A `Layer` instance.

    Returns:
        A dict with `module`, `class_name`, `config` and `registered_name`
        (plus `build_config` once the layer is built), equal to what
        `keras.layers.serialize` returns for the same layer.
    """
    from kerasbridge.saving import serialization_lib

    return serialization_lib.serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """Returns a layer instance rebuilt from a config dict made by `serialize`.

    Args:
        config: A dict as returned by `serialize` (or `keras.layers.serialize`).
        custom_objects: Optional dict mapping names to custom classes or functions.

    Returns:
        A `Layer` instance.
    """
    from kerasbridge.saving import serialization_lib

    if not isinstance(config, dict):
        raise TypeError(f"`deserialize` expects a config dict. Received: config={config} of type {type(config)}")
    return serialization_lib.deserialize_keras_object(config, custom_objects=custom_objects)
