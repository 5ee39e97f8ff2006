"""`keras.preprocessing.sequence`: `pad_sequences` (the same object as `kerasbridge.utils.pad_sequences`)."""

from kerasbridge.utils.sequence_utils import pad_sequences

__all__ = ["pad_sequences"]
