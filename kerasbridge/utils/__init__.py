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
