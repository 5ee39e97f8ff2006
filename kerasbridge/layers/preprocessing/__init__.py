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

# Audio layers, HashedCrossing, dataset_from_directory, KerasFileEditor
from kerasbridge.layers.preprocessing.hashed_crossing import HashedCrossing  # noqa: E402
from kerasbridge.layers.preprocessing.mel_spectrogram import MelSpectrogram  # noqa: E402
from kerasbridge.layers.preprocessing.stft_spectrogram import STFTSpectrogram  # noqa: E402

__all__ += ["HashedCrossing", "MelSpectrogram", "STFTSpectrogram"]

# Geometric and mixing augmentation layers
from kerasbridge.layers.preprocessing.aug_mix import AugMix  # noqa: E402
from kerasbridge.layers.preprocessing.cut_mix import CutMix  # noqa: E402
from kerasbridge.layers.preprocessing.mix_up import MixUp  # noqa: E402
from kerasbridge.layers.preprocessing.rand_augment import RandAugment  # noqa: E402
from kerasbridge.layers.preprocessing.random_elastic_transform import RandomElasticTransform  # noqa: E402
from kerasbridge.layers.preprocessing.random_erasing import RandomErasing  # noqa: E402
from kerasbridge.layers.preprocessing.random_gaussian_blur import RandomGaussianBlur  # noqa: E402
from kerasbridge.layers.preprocessing.random_perspective import RandomPerspective  # noqa: E402
from kerasbridge.layers.preprocessing.random_shear import RandomShear  # noqa: E402

__all__ += [
    "AugMix", "CutMix", "MixUp", "RandAugment", "RandomElasticTransform", "RandomErasing", "RandomGaussianBlur",
    "RandomPerspective", "RandomShear",
]

# Color augmentation layers
from kerasbridge.layers.preprocessing.auto_contrast import AutoContrast  # noqa: E402
from kerasbridge.layers.preprocessing.contrast_limited_adaptive_histogram_equalization import (  # noqa: E402
    ContrastLimitedAdaptiveHistogramEqualization,
)
from kerasbridge.layers.preprocessing.equalization import Equalization  # noqa: E402
from kerasbridge.layers.preprocessing.random_color_degeneration import RandomColorDegeneration  # noqa: E402
from kerasbridge.layers.preprocessing.random_color_jitter import RandomColorJitter  # noqa: E402
from kerasbridge.layers.preprocessing.random_grayscale import RandomGrayscale  # noqa: E402
from kerasbridge.layers.preprocessing.random_hue import RandomHue  # noqa: E402
from kerasbridge.layers.preprocessing.random_invert import RandomInvert  # noqa: E402
from kerasbridge.layers.preprocessing.random_posterization import RandomPosterization  # noqa: E402
from kerasbridge.layers.preprocessing.random_saturation import RandomSaturation  # noqa: E402
from kerasbridge.layers.preprocessing.random_sharpness import RandomSharpness  # noqa: E402
from kerasbridge.layers.preprocessing.solarization import Solarization  # noqa: E402

__all__ += [
    "AutoContrast", "ContrastLimitedAdaptiveHistogramEqualization", "Equalization", "RandomColorDegeneration",
    "RandomColorJitter", "RandomGrayscale", "RandomHue", "RandomInvert", "RandomPosterization", "RandomSaturation",
    "RandomSharpness", "Solarization",
]
