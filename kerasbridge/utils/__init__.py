"""kerasbridge.utils: seeding, label encoding and other helpers."""

from kerasbridge.backend import clear_session
from kerasbridge.backend.random import set_random_seed
from kerasbridge.engine.trainer import pack_x_y_sample_weight, unpack_x_y_sample_weight
from kerasbridge.utils.numerical_utils import normalize, to_categorical
from kerasbridge.utils.progbar import Progbar
from kerasbridge.utils.py_dataset import PyDataset

Sequence = PyDataset

__all__ = [
    "Progbar",
    "PyDataset",
    "Sequence",
    "clear_session",
    "normalize",
    "pack_x_y_sample_weight",
    "set_random_seed",
    "to_categorical",
    "unpack_x_y_sample_weight",
]

# keras.utils names added for API coverage (issue 5)
from kerasbridge.backend.dtypes import standardize_dtype  # noqa: E402
from kerasbridge.config import (  # noqa: E402
    disable_interactive_logging,
    enable_interactive_logging,
    is_interactive_logging_enabled,
)
from kerasbridge.saving.object_registration import (  # noqa: E402
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from kerasbridge.saving.serialization_lib import deserialize_keras_object, serialize_keras_object  # noqa: E402
from kerasbridge.utils.config import Config  # noqa: E402
from kerasbridge.utils.dataset_split import split_dataset  # noqa: E402
from kerasbridge.utils.file_utils import get_file  # noqa: E402
from kerasbridge.utils.image_utils import array_to_img, img_to_array, load_img, save_img  # noqa: E402
from kerasbridge.utils.model_visualization import model_to_dot, plot_model  # noqa: E402
from kerasbridge.utils.sequence_utils import pad_sequences  # noqa: E402
from kerasbridge.utils.source_inputs import get_source_inputs, is_keras_tensor  # noqa: E402
from kerasbridge.utils.timeseries_dataset_utils import timeseries_dataset_from_array  # noqa: E402

__all__ += [
    "Config", "CustomObjectScope", "array_to_img", "custom_object_scope", "deserialize_keras_object",
    "disable_interactive_logging", "enable_interactive_logging", "get_custom_objects", "get_file",
    "get_registered_name", "get_registered_object", "get_source_inputs", "img_to_array",
    "is_interactive_logging_enabled", "is_keras_tensor", "load_img", "model_to_dot", "pad_sequences", "plot_model",
    "register_keras_serializable", "save_img", "serialize_keras_object", "split_dataset", "standardize_dtype",
    "timeseries_dataset_from_array",
]

# Audio layers, HashedCrossing, dataset_from_directory, KerasFileEditor
from kerasbridge.utils.dataset_from_directory_audio import audio_dataset_from_directory  # noqa: E402
from kerasbridge.utils.dataset_from_directory_image import image_dataset_from_directory  # noqa: E402
from kerasbridge.utils.dataset_from_directory_text import text_dataset_from_directory  # noqa: E402

__all__ += ["audio_dataset_from_directory", "image_dataset_from_directory", "text_dataset_from_directory"]


def __getattr__(name):
    # FeatureSpace is a Layer, and kerasbridge.utils loads before kerasbridge.layers: import it on first use.
    if name == "FeatureSpace":
        from kerasbridge.utils.feature_space import FeatureSpace

        return FeatureSpace
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ += ["FeatureSpace"]
