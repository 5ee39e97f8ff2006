"""`Initializer`: the base class of every weight initializer."""

from __future__ import annotations

_PLAIN_TYPES = (str, int, float, bool, type(None))


def serialize_value(value):
    """Serialize a config value; plain Python values are kept as they are."""
    if isinstance(value, _PLAIN_TYPES):
        return value
    from kerasbridge.saving.serialization_lib import serialize_keras_object

    return serialize_keras_object(value)


def deserialize_value(config):
    """Inverse of `serialize_value`: dicts are deserialized, plain values kept."""
    if not isinstance(config, dict):
        return config
    from kerasbridge.saving.serialization_lib import deserialize_keras_object

    return deserialize_keras_object(config)


class Initializer:
    """Base class of initializers: callables `(shape, dtype=None) -> tensor`.

    Subclasses implement `__call__` and, when their constructor takes arguments,
    `get_config` (the constructor's keyword arguments as a JSON-serializable dict).

    Example:

    ```python
    class Scaled(Initializer):
        def __init__(self, scale):
            self.scale = scale

        def __call__(self, shape, dtype=None):
            return self.scale * kerasbridge.random.normal(shape, dtype=dtype)

        def get_config(self):
            return {"scale": self.scale}
    ```
    """

    def __call__(self, shape, dtype=None):
        """Return a tensor of shape `shape` and dtype `dtype`.

        Args:
            shape: Shape of the tensor.
            dtype: Optional dtype of the tensor; `None` means `floatx()`.
        """
        raise NotImplementedError("Initializer subclasses must implement the `__call__()` method.")

    def get_config(self) -> dict:
        """Return the constructor arguments as a JSON-serializable dict."""
        return {}

    @classmethod
    def from_config(cls, config: dict):
        """Create an initializer from the output of `get_config()`.

        Args:
            config: A dict returned by `get_config()`.
        """
        return cls(**config)

    def clone(self):
        """Return a new initializer with the same configuration."""
        return self.__class__.from_config(self.get_config())
