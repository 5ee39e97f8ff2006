"""kerasbridge.config: global settings (float type, epsilon, image format, dtype policy, safe mode)."""

from kerasbridge.backend.config import (
    backend,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from kerasbridge.dtype_policies.dtype_policy import dtype_policy, set_dtype_policy

_interactive_logging = True


def enable_interactive_logging() -> None:
    """Print progress bars and summaries to stdout (the default)."""
    global _interactive_logging
    _interactive_logging = True


def disable_interactive_logging() -> None:
    """Send progress output to Python logging instead of stdout."""
    global _interactive_logging
    _interactive_logging = False


def is_interactive_logging_enabled() -> bool:
    return _interactive_logging


def enable_unsafe_deserialization() -> None:
    """Allow loading Lambda layers and other Python bytecode from saved files."""
    from kerasbridge.saving.safe_mode import enable_unsafe_deserialization as enable

    enable()


__all__ = [
    "backend",
    "disable_interactive_logging",
    "dtype_policy",
    "enable_interactive_logging",
    "enable_unsafe_deserialization",
    "epsilon",
    "floatx",
    "image_data_format",
    "is_interactive_logging_enabled",
    "set_dtype_policy",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
]
