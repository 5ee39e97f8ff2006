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



_flash_attention = None
_traceback_filtering = True
_max_epochs = None
_max_steps_per_epoch = None


def enable_flash_attention() -> None:
    """Let attention layers use flash attention where the inputs and device allow it (the default)."""
    global _flash_attention
    _flash_attention = None


def disable_flash_attention() -> None:
    """Forbid flash attention in attention layers that do not set `flash_attention` themselves."""
    global _flash_attention
    _flash_attention = False


def is_flash_attention_enabled():
    """`False` after `disable_flash_attention()`, else `None` (decide per call), as Keras."""
    return _flash_attention


def enable_traceback_filtering() -> None:
    """Turn traceback filtering on (kerasbridge's tracebacks are plain Python ones either way)."""
    global _traceback_filtering
    _traceback_filtering = True


def disable_traceback_filtering() -> None:
    """Turn traceback filtering off."""
    global _traceback_filtering
    _traceback_filtering = False


def is_traceback_filtering_enabled() -> bool:
    """Whether traceback filtering is on (True by default)."""
    return _traceback_filtering


def is_nnx_enabled() -> bool:
    """Flax NNX integration is a JAX feature; always False on kerasbridge's torch backend."""
    return False


def set_max_epochs(max_epochs) -> None:
    """Cap the number of epochs any `fit` runs (an int, or `None` for no cap)."""
    global _max_epochs
    _max_epochs = max_epochs


def max_epochs():
    """The global cap on `fit` epochs, or `None`."""
    return _max_epochs


def set_max_steps_per_epoch(max_steps_per_epoch) -> None:
    """Cap the number of steps per epoch (an int, or `None` for no cap)."""
    global _max_steps_per_epoch
    _max_steps_per_epoch = max_steps_per_epoch


def max_steps_per_epoch():
    """The global cap on steps per epoch, or `None`."""
    return _max_steps_per_epoch


def set_backend(backend):
    """Select the backend. kerasbridge has exactly one, `"torch"`.

    Args:
        backend: The backend name; only `"torch"` is accepted.

    Raises:
        ValueError: for any other backend name.
    """
    import os

    if backend != "torch":
        raise ValueError(
            f"kerasbridge runs on PyTorch only; `set_backend` accepts 'torch'. Received: backend={backend!r}"
        )
    os.environ["KERAS_BACKEND"] = backend


__all__ = [
    "backend",
    "disable_flash_attention",
    "disable_interactive_logging",
    "disable_traceback_filtering",
    "dtype_policy",
    "enable_flash_attention",
    "enable_interactive_logging",
    "enable_traceback_filtering",
    "enable_unsafe_deserialization",
    "epsilon",
    "floatx",
    "image_data_format",
    "is_flash_attention_enabled",
    "is_interactive_logging_enabled",
    "is_nnx_enabled",
    "is_traceback_filtering_enabled",
    "max_epochs",
    "max_steps_per_epoch",
    "set_backend",
    "set_dtype_policy",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "set_max_epochs",
    "set_max_steps_per_epoch",
]
