"""`keras.preprocessing`: the `image` and `sequence` helpers and the dataset builders, re-exported from utils."""

from kerasbridge.preprocessing import image, sequence
from kerasbridge.utils.dataset_from_directory_image import image_dataset_from_directory
from kerasbridge.utils.dataset_from_directory_text import text_dataset_from_directory
from kerasbridge.utils.timeseries_dataset_utils import timeseries_dataset_from_array

__all__ = [
    "image",
    "image_dataset_from_directory",
    "sequence",
    "text_dataset_from_directory",
    "timeseries_dataset_from_array",
]
