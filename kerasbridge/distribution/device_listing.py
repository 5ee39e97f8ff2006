"""`list_devices` and `get_device_count`: the local devices a distribution can run on."""

from __future__ import annotations

import importlib.util

import torch

_DEVICE_TYPES = ("cpu", "gpu", "cuda", "tpu")


def _default_device_type() -> str:
    if torch.cuda.is_available():
        return "gpu"
    if importlib.util.find_spec("torch_xla") is not None:
        return "tpu"
    return "cpu"


def _xla_device_count() -> int:
    import torch_xla.runtime as xr

    return int(xr.global_runtime_device_count())


def list_devices(device_type=None) -> list[str]:
    """The available devices of one type, as `"type:index"` strings.

    Args:
        device_type: `"cpu"`, `"gpu"` (alias `"cuda"`) or `"tpu"`. Defaults to the GPUs when
            CUDA is available, else the TPU/XLA devices when torch-xla is installed, else the CPU.

    Returns:
        A list such as `["cpu:0"]`, `["cuda:0", "cuda:1"]` or `["tpu:0", ...]`. GPUs are named
        `cuda:i`, as torch names them. The CPU counts as one device; several CPU processes are
        requested with explicit names, e.g. `DataParallel(devices=["cpu:0", "cpu:1"])`.
    """
    device_type = _default_device_type() if device_type is None else str(device_type).lower()
    if device_type not in _DEVICE_TYPES:
        raise ValueError(f"Invalid `device_type`: expected one of {list(_DEVICE_TYPES)}. Received: {device_type}")
    if device_type in ("gpu", "cuda"):
        return [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if device_type == "tpu":
        if importlib.util.find_spec("torch_xla") is None:
            return []
        return [f"tpu:{i}" for i in range(_xla_device_count())]
    return ["cpu:0"]


def get_device_count(device_type=None) -> int:
    """The number of devices `list_devices(device_type)` returns."""
    return len(list_devices(device_type))
