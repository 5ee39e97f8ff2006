"""`keras.models.model_from_json`: rebuild a model from `model.to_json()`."""

from __future__ import annotations

import json


def model_from_json(json_string, custom_objects=None):
    """Build a model (new weights) from the JSON string that `model.to_json()` returned.

    Args:
        json_string: The JSON text of a serialized model config.
        custom_objects: Optional dict mapping names to custom classes or functions.

    Returns:
        A Keras model instance (uncompiled).
    """
    from kerasbridge.saving.serialization_lib import deserialize_keras_object

    return deserialize_keras_object(json.loads(json_string), custom_objects=custom_objects)
