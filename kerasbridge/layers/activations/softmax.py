"""`Softmax`: softmax layer, with an optional mask of the entries to keep."""

from __future__ import annotations

import torch

from kerasbridge import activations
from kerasbridge.layers.layer import Layer


def _large_negative_number(dtype: torch.dtype) -> float:
    return -3e4 if dtype == torch.float16 else -1e9


class Softmax(Layer):
    """Softmax over `axis`; masked-out entries get probability 0.

    Args:
        axis: Integer or list of integers, the axis (or axes) normalised over.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Call arguments:
        inputs: The logits.
        mask: Optional mask broadcastable to `inputs` (true/1 = keep). Its
            dimensions must each be 1 or match `inputs`; non-boolean masks are
            compared with 0.5.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def call(self, inputs, mask=None):
        if mask is not None:
            mask = torch.as_tensor(mask, device=inputs.device)
            if mask.ndim > inputs.ndim:
                raise ValueError(
                    "The `mask` must be broadcastable to `inputs` and must not have more dimensions. "
                    f"Received: inputs.shape={tuple(inputs.shape)}, mask.shape={tuple(mask.shape)}"
                )
            for m_dim, i_dim in zip(mask.shape[::-1], inputs.shape[::-1]):
                if m_dim != 1 and m_dim != i_dim:
                    raise ValueError(
                        "The `mask` must be broadcastable to `inputs`. Each mask dimension must be 1 or match "
                        f"the corresponding input dimension. Received: inputs.shape={tuple(inputs.shape)}, "
                        f"mask.shape={tuple(mask.shape)}"
                    )
            if mask.dtype != torch.bool:
                mask = mask > 0.5
            inputs = torch.where(mask, inputs, torch.tensor(_large_negative_number(inputs.dtype), dtype=inputs.dtype,
                                                            device=inputs.device))
        if isinstance(self.axis, (tuple, list)):
            if len(self.axis) > 1:
                outputs = torch.exp(inputs - torch.logsumexp(inputs, dim=tuple(self.axis), keepdim=True))
            else:
                outputs = activations.softmax(inputs, axis=self.axis[0])
        else:
            outputs = activations.softmax(inputs, axis=self.axis)
        if mask is not None:
            outputs = torch.where(mask, outputs, torch.zeros((), dtype=outputs.dtype, device=outputs.device))
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}
