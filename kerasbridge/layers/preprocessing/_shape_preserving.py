"""Symbolic outputs of the augmentation layers whose warps are slow to trace on `meta` tensors."""

from __future__ import annotations

from kerasbridge.layers.layer import shapes_to_specs
from kerasbridge.utils import tree


class ShapePreservingSpecMixin:
    """Describes symbolic outputs as the inputs' shapes in the compute dtype, without running `call`.

    This is what Keras does for layers that define `compute_output_shape`; running a
    per-pixel warp (perspective, elastic, RandAugment's chain) on `meta` tensors takes
    seconds, so these layers skip it.
    """

    def compute_output_spec(self, *args, **kwargs):
        inputs = self._first_arg(args, kwargs)
        shapes = tree.map_structure(lambda x: tuple(x.shape), inputs)
        return shapes_to_specs(self.compute_output_shape(shapes), self.compute_dtype)
