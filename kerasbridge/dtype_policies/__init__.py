"""kerasbridge.dtype_policies: per-layer and global dtype policies."""

from kerasbridge.dtype_policies.dtype_policy import (
    DTypePolicy,
    deserialize,
    dtype_policy,
    get,
    serialize,
    set_dtype_policy,
)

FloatDTypePolicy = DTypePolicy

__all__ = ["DTypePolicy", "FloatDTypePolicy", "deserialize", "dtype_policy", "get", "serialize", "set_dtype_policy"]
