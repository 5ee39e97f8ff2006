"""`LayoutMap`: variable paths (or regular expressions over them) to `TensorLayout`s."""

from __future__ import annotations

import collections
import re

from kerasbridge.distribution.tensor_layout import TensorLayout


class LayoutMap(collections.abc.MutableMapping):
    """A dict from variable-path patterns to `TensorLayout`s.

    Lookup first tries the exact key, then every stored key as a regular expression that must
    match the whole path; more than one matching pattern is an error, none gives `None`.
    Tuples of axis names may be stored directly and become `TensorLayout`s.

    Args:
        device_mesh: The `DeviceMesh` the layouts refer to.
    """

    def __init__(self, device_mesh):
        self._layouts: collections.OrderedDict = collections.OrderedDict()
        self._device_mesh = device_mesh

    def __getitem__(self, key):
        if key in self._layouts:
            return self._layouts[key]
        matches = [pattern for pattern in self._layouts if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(
                f"Path '{key}' matches multiple layout specification keys: {matches}. Please make sure each "
                "tensor/variable path only matches at most one layout specification key in the LayoutMap."
            )
        return self._layouts[matches[0]] if matches else None

    def __setitem__(self, key, layout) -> None:
        if key in self._layouts:
            raise ValueError(
                f"{key} already exist in the LayoutMap with value {self._layouts[key]}. Please make sure to "
                "not use duplicated keys."
            )
        if isinstance(layout, (tuple, list)):
            layout = TensorLayout(axes=layout)
        if not isinstance(layout, TensorLayout):
            raise ValueError(f"{layout} should be a TensorLayout type, got {type(layout)}")
        if layout.device_mesh is None:
            layout.device_mesh = self._device_mesh
        self._layouts[key] = layout

    def __delitem__(self, key):
        return self._layouts.pop(key)

    def __len__(self) -> int:
        return len(self._layouts)

    def __iter__(self):
        return iter(self._layouts)

    @property
    def device_mesh(self):
        return self._device_mesh
