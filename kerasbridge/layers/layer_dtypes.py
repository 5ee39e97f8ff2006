"""`LayerDTypeMixin`: a layer's dtype policy and the dtypes it implies (a mixin of `Layer`)."""

from __future__ import annotations

from kerasbridge import dtype_policies


class LayerDTypeMixin:
    """`dtype_policy`, `dtype`/`variable_dtype`, `compute_dtype`, `input_dtype` and quantization."""

    @property
    def dtype_policy(self):
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value) -> None:
        policy = dtype_policies.get(value)
        object.__setattr__(self, "_dtype_policy", policy)
        from kerasbridge.backend.dtypes import to_torch_dtype

        object.__setattr__(self, "_torch_compute_dtype", to_torch_dtype(policy.compute_dtype))

    @property
    def dtype(self) -> str:
        """The dtype of the layer's weights (alias of `variable_dtype`)."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self) -> str:
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._dtype_policy.variable_dtype

    @property
    def input_dtype(self) -> str:
        return self._dtype_policy.compute_dtype

    @property
    def quantization_mode(self):
        """The quantization mode of the layer's dtype policy (`"int8"`, ...), `None` if not quantized."""
        return self._dtype_policy.quantization_mode

    def quantize(self, mode=None, type_check=True, config=None):
        """Quantize the layer's weights; only layers with quantized variants (e.g. `Dense`) implement it."""
        raise NotImplementedError(f"Layer {type(self).__name__} does not have a `quantize` method implemented.")
