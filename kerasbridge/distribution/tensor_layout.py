"""`TensorLayout`: which mesh axis each tensor dimension is split over."""

from __future__ import annotations


class TensorLayout:
    """The sharding of one tensor over a `DeviceMesh`.

    Args:
        axes: One entry per tensor dimension: a mesh axis name, or `None` for a replicated dimension.
        device_mesh: Optional `DeviceMesh`; a `LayoutMap` fills it in when the layout is inserted.
    """

    def __init__(self, axes, device_mesh=None):
        self._axes = tuple(axes)
        self._device_mesh = None
        if device_mesh is not None:
            self.device_mesh = device_mesh

    @property
    def axes(self) -> tuple:
        return self._axes

    @property
    def device_mesh(self):
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, device_mesh) -> None:
        if self._device_mesh is not None:
            raise ValueError(
                "Cannot override device mesh value. Existing value is "
                f"{self._device_mesh}, new value is {device_mesh}."
            )
        unknown = [axis for axis in self._axes if axis is not None and axis not in device_mesh.axis_names]
        if unknown:
            raise ValueError(
                f"Invalid axis names for Layout. Valid axis names: {device_mesh.axis_names}, Got {unknown}"
            )
        self._device_mesh = device_mesh

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} axes={self.axes}, device_mesh={self.device_mesh}>"
