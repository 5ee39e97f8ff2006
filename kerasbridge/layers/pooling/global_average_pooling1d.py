"""`GlobalAveragePooling1D`: global average pooling over temporal data, mask-aware."""

from __future__ import annotations

from kerasbridge.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Global average pooling over the steps axis.

    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`.
        keepdims: Keep the steps axis with length 1 (default False).

    Call arguments:
        inputs: A 3-D tensor.
        mask: Optional `(batch, steps)` boolean mask; masked steps are excluded from the average.
    """

    _reduce = "mean"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        steps_axis = 1 if self.data_format == "channels_last" else 2
        if mask is None:
            return inputs.mean(dim=steps_axis, keepdim=self.keepdims)
        mask = mask.bool().unsqueeze(2 if self.data_format == "channels_last" else 1)
        inputs = inputs.masked_fill(~mask, 0)
        float_mask = mask.to(inputs.dtype)
        return inputs.sum(dim=steps_axis, keepdim=self.keepdims) / float_mask.sum(
            dim=steps_axis, keepdim=self.keepdims
        )

    def compute_mask(self, inputs, previous_mask):
        return None


GlobalAvgPool1D = GlobalAveragePooling1D
