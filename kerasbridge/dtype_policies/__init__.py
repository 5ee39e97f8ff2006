"""kerasbridge.dtype_policies: per-layer and global dtype policies (float, mixed and quantized)."""

from kerasbridge.dtype_policies.dtype_policy import (
    QUANTIZATION_MODES,
    DTypePolicy,
    deserialize,
    dtype_policy,
    get,
    serialize,
    set_dtype_policy,
)
from kerasbridge.dtype_policies.dtype_policy_map import DTypePolicyMap
from kerasbridge.dtype_policies.quantized_dtype_policy import (
    Int4DTypePolicy,
    QuantizedDTypePolicy,
    QuantizedFloat8DTypePolicy,
)

FloatDTypePolicy = DTypePolicy

__all__ = [
    "QUANTIZATION_MODES", "DTypePolicy", "DTypePolicyMap", "FloatDTypePolicy", "Int4DTypePolicy",
    "QuantizedDTypePolicy", "QuantizedFloat8DTypePolicy", "deserialize", "dtype_policy", "get", "serialize",
    "set_dtype_policy",
]
