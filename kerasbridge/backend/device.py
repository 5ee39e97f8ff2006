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


def _stack() -> list:
    stack = getattr(_state, "stack", None)
    if stack is None:
        stack = _state.stack = []
    return stack


def get_device() -> str:
    """Return the device on which new tensors are placed."""
    stack = _stack()
    return stack[-1] if stack else DEFAULT_DEVICE


def get_variable_device() -> str:
    """Return the device for new weights: the innermost scope that is not `meta`.

    Shape inference runs layers on `meta` tensors; weights a layer creates on the way
    must still hold real values.
    """
    for device in reversed(_stack()):
        if device != "meta":
            return device
    return DEFAULT_DEVICE


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
    stack = _stack()
    device = _parse_device(device_name)
    stack.append(device)
    try:
        yield torch.device(device)
    finally:
        stack.pop()
