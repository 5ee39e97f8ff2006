"""Where new tensors live: the default device and a `device_scope` to change it."""

from __future__ import annotations

import contextlib
import os
import threading

import torch

_state = threading.local()


def _default_device() -> str:
    if "KERAS_TORCH_DEVICE" in os.environ:
        return os.environ["KERAS_TORCH_DEVICE"]
    if torch.cuda.is_available():
        return "cuda"
    return "cpu"


DEFAULT_DEVICE = _default_device()


def get_device() -> str:
    """Return the device on which new tensors and weights are placed."""
    return getattr(_state, "device", None) or DEFAULT_DEVICE


def _parse_device(device_name) -> str:
    if isinstance(device_name, torch.device):
        return str(device_name)
    if not isinstance(device_name, str):
        raise ValueError(
            "Invalid value for argument `device_name`. Expected a string like 'gpu:0' or 'cpu'. "
            f"Received: device_name='{device_name}'"
        )
    return device_name.lower().replace("gpu", "cuda")


@contextlib.contextmanager
def device_scope(device_name):
    """Context manager placing new tensors and weights on `device_name` (`"cpu"`, `"gpu:0"`...)."""
    previous = getattr(_state, "device", None)
    _state.device = _parse_device(device_name)
    try:
        yield torch.device(_state.device)
    finally:
        _state.device = previous
