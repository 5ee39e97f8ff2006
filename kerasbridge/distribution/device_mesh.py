"""`DeviceMesh`: devices arranged in named axes."""

from __future__ import annotations

import math

import numpy as np


class DeviceMesh:
    """A grid of devices with one name per axis (e.g. `("batch",)` or `("batch", "model")`).

    Args:
        shape: The mesh shape, e.g. `(8,)` for data parallelism or `(4, 2)` for data x model.
        axis_names: One name per axis of `shape`.
        devices: Device strings (`"cuda:0"`, `"cpu:1"`, ...); defaults to `list_devices()`.
    """

    def __init__(self, shape, axis_names, devices=None):
        if not shape or not axis_names:
            raise ValueError(
                f"Shape and axis_names cannot be empty. Received: shape={shape}, axis_names={axis_names}"
            )
        if len(shape) != len(axis_names):
            raise ValueError(
                f"Shape and axis_names should have same size. Received: shape={shape}, axis_names={axis_names}"
            )
        if devices is None:
            from kerasbridge.distribution.device_listing import list_devices

            devices = list_devices()
        devices = np.array(devices)
        if math.prod(shape) != devices.size:
            raise ValueError(
                f"Shape does not match the number of devices. Received: shape={shape}; "
                f"devices.shape={devices.shape}"
            )
        self._shape = tuple(shape)
        self._axis_names = list(axis_names)
        self._devices = np.reshape(devices, shape)

    @property
    def shape(self) -> tuple:
        return self._shape

    @property
    def axis_names(self) -> list:
        return self._axis_names

    @property
    def devices(self) -> np.ndarray:
        return self._devices

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} shape={self.shape}, axis_names={self.axis_names}>"
