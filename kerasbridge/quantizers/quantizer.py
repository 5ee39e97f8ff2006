"""`keras.Quantizer`: the base class of quantizers."""

from __future__ import annotations


class Quantizer:
    """Base class of quantizers: callables that map a float tensor to a lower-precision one.

    Subclasses override `__call__` and `get_config`. The base class passes values through.

    Args:
        output_dtype: The dtype the quantizer produces, `"int8"` by default.
    """

    def __init__(self, output_dtype="int8"):
        self.output_dtype = output_dtype

    def __call__(self, x):
        return x

    @classmethod
    def from_config(cls, config):
        """Rebuild a quantizer from the dict `get_config` returned."""
        return cls(**config)

    def get_config(self):
        """The constructor arguments as a dict; subclasses must provide it (as in Keras)."""
        raise NotImplementedError(f"{self} does not implement get_config()")
