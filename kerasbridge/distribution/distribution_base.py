"""`Distribution`: the base of `DataParallel` and `ModelParallel`, and the global setting."""

from __future__ import annotations

import contextlib
import os

_CURRENT: list = [None]


def distribution():
    """The distribution set with `set_distribution` (or a `scope()`), or `None`."""
    return _CURRENT[0]


def set_distribution(value) -> None:
    """Make `value` (a `Distribution`, or `None` for one process) apply to every later `fit`,
    `evaluate` and `predict`."""
    if value is not None and not isinstance(value, Distribution):
        raise ValueError(f"Expected a `Distribution` instance or None. Received: {value!r}")
    _CURRENT[0] = value


class Distribution:
    """How `fit`/`evaluate`/`predict` spread over devices; plain data that the engine maps onto a
    `lightning.Trainer` (see `kerasbridge/engine/strategy.py`).

    Args:
        device_mesh: The `DeviceMesh` of the devices used.
        batch_dim_name: The mesh axis the batch is split over.
        auto_shard_dataset: Whether array inputs are split across processes (each takes
            `batch_size / num_processes` samples of every global batch). Set `False` when every
            process already reads its own shard.
        trainer_kwargs: Extra `lightning.Trainer` arguments (plugins, loggers, a strategy object,
            ...), applied on top of the ones the distribution implies.
    """

    def __init__(self, device_mesh, batch_dim_name=None, auto_shard_dataset=True, trainer_kwargs=None):
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name
        self._auto_shard_dataset = bool(auto_shard_dataset)
        if trainer_kwargs is not None and not isinstance(trainer_kwargs, dict):
            raise TypeError(f"`trainer_kwargs` must be a dict. Received: {type(trainer_kwargs).__name__}")
        self._trainer_kwargs = dict(trainer_kwargs or {})

    @property
    def device_mesh(self):
        return self._device_mesh

    @property
    def batch_dim_name(self):
        return self._batch_dim_name

    @property
    def auto_shard_dataset(self) -> bool:
        return self._auto_shard_dataset

    @property
    def trainer_kwargs(self) -> dict:
        return dict(self._trainer_kwargs)

    @property
    def devices(self) -> list[str]:
        """The mesh's devices as a flat list of strings."""
        return [str(d) for d in self._device_mesh.devices.reshape(-1).tolist()]

    @property
    def num_processes(self) -> int:
        """Processes in the job: the world size once it runs, else the number of devices."""
        import torch.distributed as dist

        if dist.is_available() and dist.is_initialized():
            return dist.get_world_size()
        return int(os.environ.get("WORLD_SIZE", len(self.devices)))

    @property
    def process_id(self) -> int:
        """This process's global rank (0 outside a running job)."""
        import torch.distributed as dist

        if dist.is_available() and dist.is_initialized():
            return dist.get_rank()
        return int(os.environ.get("RANK", 0))

    @property
    def num_model_replicas(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define `num_model_replicas`.")

    @contextlib.contextmanager
    def scope(self):
        """Make this distribution the current one inside a `with` block."""
        previous = distribution()
        set_distribution(self)
        try:
            yield self
        finally:
            set_distribution(previous)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} devices={self.devices}>"
