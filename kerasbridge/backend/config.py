"""Global Keras configuration: float type, fuzz factor and image data format.

These mirror `keras.config`: `floatx()` is the default float dtype of new weights
and of Python floats converted to tensors, `epsilon()` the fuzz factor used by
losses and normalisation, `image_data_format()` the default axis order of image
layers.
"""

from __future__ import annotations

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
_ALLOWED_FLOATX = ("float16", "bfloat16", "float32", "float64")


def floatx() -> str:
    """Return the default float type, as a string (e.g. `"float32"`)."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Set the default float type: one of `float16`, `bfloat16`, `float32`, `float64`."""
    global _FLOATX
    value = str(value)
    if value not in _ALLOWED_FLOATX:
        raise ValueError(f"Unknown `floatx` value: {value}. Expected one of {set(_ALLOWED_FLOATX)}")
    _FLOATX = value


def epsilon() -> float:
    """Return the fuzz factor used in numeric expressions (default `1e-7`)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Set the fuzz factor used in numeric expressions.

    The value is stored as given, without conversion or validation, as Keras does.
    """
    global _EPSILON
    _EPSILON = value


def image_data_format() -> str:
    """Return the default image data format: `"channels_last"` or `"channels_first"`."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format: str) -> None:
    """Set the default image data format: `"channels_last"` or `"channels_first"`."""
    global _IMAGE_DATA_FORMAT
    data_format = str(data_format).lower()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format}"
        )
    _IMAGE_DATA_FORMAT = data_format


def standardize_data_format(data_format: str | None) -> str:
    """Resolve `None` to the global image data format and validate the value."""
    if data_format is None:
        return image_data_format()
    data_format = str(data_format).lower()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format}"
        )
    return data_format


def backend() -> str:
    """Return the name of the backend: always `"torch"`."""
    return "torch"
