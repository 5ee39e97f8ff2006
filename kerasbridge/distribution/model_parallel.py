"""`ModelParallel`: shard the model's variables over the devices (Lightning's FSDP strategy)."""

from __future__ import annotations

from kerasbridge.distribution.distribution_base import Distribution
from kerasbridge.distribution.layout_map import LayoutMap


class ModelParallel(Distribution):
    """Shard model variables (and the batch) across devices.

    Mapping onto torch: this runs as Lightning's `ModelParallelStrategy` with torch's FSDP2
    (`fully_shard`), one process per device of the mesh (see `kerasbridge/engine/fsdp.py`).
    Every trainable weight, its gradient and its optimizer slots are split into one slice per
    process (a `DTensor`), and a layer's full weights are gathered just for its forward and
    backward. The split is over all processes: FSDP does not follow per-axis layouts, so the
    `LayoutMap` is kept for API compatibility and inspection (`get_variable_layout`), and the
    batch is split over all processes, as for `DataParallel`. Non-trainable weights stay whole
    in every process. After the loop the calling process holds the full weights and optimizer
    state again, so `fit` continues and `evaluate`/`predict`/`save` work. Use `trainer_kwargs`
    (e.g. `{"strategy": ModelParallelStrategy(...)}`) to change the strategy.

    Args:
        layout_map: A `LayoutMap` (its `device_mesh` gives the devices).
        batch_dim_name: The mesh axis of the batch; the mesh's first axis by default.
        auto_shard_dataset: Split array inputs across processes (default).
        trainer_kwargs: Extra `lightning.Trainer` arguments.
    """

    def __init__(self, *, layout_map=None, batch_dim_name=None, auto_shard_dataset=True, trainer_kwargs=None,
                 **kwargs):
        kwargs.pop("device_mesh", None)
        if kwargs:
            raise ValueError(f"Arguments not recognized: {sorted(kwargs)}")
        if layout_map is None:
            raise ValueError("You must specify a layout_map argument.")
        if not isinstance(layout_map, LayoutMap):
            raise ValueError(f"Argument `layout_map` must be a `LayoutMap` instance. Received: layout_map={layout_map}")
        device_mesh = layout_map.device_mesh
        batch_dim_name = batch_dim_name or device_mesh.axis_names[0]
        if batch_dim_name not in device_mesh.axis_names:
            raise ValueError(f"`batch_dim_name` {batch_dim_name!r} is not an axis of the mesh {device_mesh.axis_names}.")
        super().__init__(device_mesh, batch_dim_name, auto_shard_dataset, trainer_kwargs)
        self._layout_map = layout_map

    @property
    def layout_map(self) -> LayoutMap:
        return self._layout_map

    @property
    def num_model_replicas(self) -> int:
        return int(self.device_mesh.shape[self.device_mesh.axis_names.index(self.batch_dim_name)])

    def get_variable_layout(self, variable):
        """The `TensorLayout` the layout map gives `variable.path` (or `None`)."""
        return self._layout_map[variable.path]
