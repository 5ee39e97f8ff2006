"""kerasbridge.quantizers: quantizer base class."""

from kerasbridge.quantizers.quantizer import Quantizer

__all__ = ["Quantizer"]
