"""Normalization layers."""

from kerasbridge.layers.normalization.batch_normalization import BatchNormalization
from kerasbridge.layers.normalization.group_normalization import GroupNormalization
from kerasbridge.layers.normalization.layer_normalization import LayerNormalization
from kerasbridge.layers.normalization.rms_normalization import RMSNormalization
from kerasbridge.layers.normalization.unit_normalization import UnitNormalization

__all__ = [
    "BatchNormalization",
    "GroupNormalization",
    "LayerNormalization",
    "RMSNormalization",
    "UnitNormalization",
]

# Spectral normalization.
from kerasbridge.layers.normalization.spectral_normalization import SpectralNormalization  # noqa: E402

__all__ += ["SpectralNormalization"]
