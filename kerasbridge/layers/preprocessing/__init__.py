"""Keras's preprocessing layers: numeric, categorical, string (pure Python, no TensorFlow) and image augmentation."""

from kerasbridge.layers.preprocessing.category_encoding import CategoryEncoding
from kerasbridge.layers.preprocessing.center_crop import CenterCrop
from kerasbridge.layers.preprocessing.discretization import Discretization
from kerasbridge.layers.preprocessing.hashing import Hashing
from kerasbridge.layers.preprocessing.integer_lookup import IntegerLookup
from kerasbridge.layers.preprocessing.normalization import Normalization
from kerasbridge.layers.preprocessing.random_brightness import RandomBrightness
from kerasbridge.layers.preprocessing.random_contrast import RandomContrast
from kerasbridge.layers.preprocessing.random_crop import RandomCrop
from kerasbridge.layers.preprocessing.random_flip import RandomFlip
from kerasbridge.layers.preprocessing.random_rotation import RandomRotation
from kerasbridge.layers.preprocessing.random_translation import RandomTranslation
from kerasbridge.layers.preprocessing.random_zoom import RandomZoom
from kerasbridge.layers.preprocessing.rescaling import Rescaling
from kerasbridge.layers.preprocessing.resizing import Resizing
from kerasbridge.layers.preprocessing.string_lookup import StringLookup
from kerasbridge.layers.preprocessing.text_vectorization import TextVectorization

__all__ = [
    "CategoryEncoding",
    "CenterCrop",
    "Discretization",
    "Hashing",
    "IntegerLookup",
    "Normalization",
    "RandomBrightness",
    "RandomContrast",
    "RandomCrop",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "Rescaling",
    "Resizing",
    "StringLookup",
    "TextVectorization",
]
