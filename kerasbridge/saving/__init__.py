"""kerasbridge.saving: object registration and (de)serialization in Keras 3's format."""

from kerasbridge.saving.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from kerasbridge.saving.saving_api import load_model, load_weights, save_model, save_weights
from kerasbridge.saving.serialization_lib import deserialize_keras_object, serialize_keras_object

__all__ = [
    "CustomObjectScope",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "load_model",
    "load_weights",
    "register_keras_serializable",
    "save_model",
    "save_weights",
    "serialize_keras_object",
]

# Audio layers, HashedCrossing, dataset_from_directory, KerasFileEditor
from kerasbridge.saving.file_editor import KerasFileEditor  # noqa: E402

__all__ += ["KerasFileEditor"]
