"""`DataParallel`: one model replica per device, each fed a slice of every global batch."""

from __future__ import annotations

import warnings

import numpy as np

from kerasbridge.distribution.device_listing import list_devices
from kerasbridge.distribution.device_mesh import DeviceMesh
from kerasbridge.distribution.distribution_base import Distribution

DEFAULT_BATCH_DIM_NAME = "batch"


class DataParallel(Distribution):
    """Data parallelism: replicate the model on every device and split each batch between them.

    Runs as Lightning's DDP strategy: one process per device (`"cpu:0", "cpu:1"` gives two CPU
    processes talking over gloo; `"cuda:i"` one process per GPU over NCCL). `batch_size` in
    `fit` stays the *global* batch: each of the N replicas computes `batch_size / N` samples and
    the gradients are averaged, so the update equals the one-process update on the whole batch.

    Pass either `device_mesh` or `devices`, not both; with neither, all local accelerators
    (`list_devices()`) are used.

    Args:
        device_mesh: Optional 1D `DeviceMesh` (with more axes, the first one is the batch axis).
        devices: Optional list of device strings.
        auto_shard_dataset: Split array inputs across processes (default). Set `False` when every
            process already reads its own part of the data.
        trainer_kwargs: Extra `lightning.Trainer` arguments (e.g. `{"plugins": [...]}` or
            `{"strategy": DDPStrategy(static_graph=True)}`).
    """

    def __init__(self, device_mesh=None, devices=None, auto_shard_dataset=True, trainer_kwargs=None):
        if device_mesh is not None and devices is not None:
            raise ValueError("Pass either `device_mesh` or `devices` to `DataParallel`, not both.")
        if device_mesh is not None:
            if not isinstance(device_mesh, DeviceMesh):
                raise ValueError(
                    "Expect `mesh` to be an instance of `DeviceMesh`. "
                    f"Received: mesh={device_mesh} (of type {type(device_mesh)})"
                )
            if device_mesh.devices.ndim != 1:
                warnings.warn(
                    f"Expect the input mesh to be 1D, but received mesh.devices.ndim={device_mesh.devices.ndim}. "
                    "The first axis will be used for data-parallel sharding.",
                    stacklevel=2,
                )
            batch_dim_name = device_mesh.axis_names[0]
        else:
            devices = np.array(list(devices) if devices else list_devices())
            if devices.size == 0:
                raise ValueError("`DataParallel` needs at least one device; `list_devices()` found none.")
            device_mesh = DeviceMesh(shape=devices.shape, axis_names=[DEFAULT_BATCH_DIM_NAME], devices=devices)
            batch_dim_name = DEFAULT_BATCH_DIM_NAME
        super().__init__(device_mesh, batch_dim_name, auto_shard_dataset, trainer_kwargs)

    @property
    def num_model_replicas(self) -> int:
        return int(self.device_mesh.devices.size)
