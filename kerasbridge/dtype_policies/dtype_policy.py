"""`DTypePolicy`: the variable dtype and compute dtype of a layer (mixed precision)."""

from __future__ import annotations

from kerasbridge.backend import config
from kerasbridge.backend.dtypes import standardize_dtype

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}
_global_policy: DTypePolicy | None = None


class DTypePolicy:
    """A dtype policy: the dtype of a layer's variables and the dtype it computes in.

    Args:
        name: `"float32"`, `"float16"`, `"bfloat16"`, `"float64"`, `"mixed_float16"`
            (float16 compute, float32 variables) or `"mixed_bfloat16"`. `None` takes
            the global policy's name.
    """

    def __init__(self, name: str | None = None):
        if name is None:
            name = dtype_policy().name
        if not isinstance(name, str):
            raise TypeError(f"'name' must be a string, such as 'mixed_float16'. Received: name={name} (of type {type(name)})")
        self._name = name
        if name in _MIXED:
            self._compute_dtype, self._variable_dtype = _MIXED[name], "float32"
        else:
            try:
                dtype = standardize_dtype(name)
            except ValueError:
                raise ValueError(
                    f"Cannot convert '{name}' to a mixed precision DTypePolicy. Valid policies include "
                    "'mixed_float16', 'mixed_bfloat16', and the name of any float dtype such as 'float32'."
                ) from None
            self._compute_dtype = self._variable_dtype = dtype

    @property
    def name(self) -> str:
        return self._name

    @property
    def compute_dtype(self) -> str:
        """The dtype of the layer's computations (its inputs are cast to it)."""
        return self._compute_dtype

    @property
    def variable_dtype(self) -> str:
        """The dtype of the layer's weights."""
        return self._variable_dtype

    @property
    def quantization_mode(self):
        return None

    def get_config(self) -> dict:
        return {"name": self._name}

    @classmethod
    def from_config(cls, config: dict) -> DTypePolicy:
        return cls(**config)

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self._name}">'

    def __eq__(self, other) -> bool:
        return isinstance(other, DTypePolicy) and other.name == self.name

    __hash__ = object.__hash__


def get(identifier) -> DTypePolicy:
    """Return a `DTypePolicy` from a policy, a name, a dtype, a config dict or `None`."""
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    try:
        return DTypePolicy(standardize_dtype(identifier))
    except ValueError:
        raise ValueError(f"Cannot interpret `dtype` argument. Expected a string or an instance of DTypePolicy. Received: dtype={identifier}") from None


def serialize(policy: DTypePolicy) -> dict:
    """Keras's serialized form of a policy."""
    return {"module": "keras", "class_name": "DTypePolicy", "config": policy.get_config(), "registered_name": None}


def deserialize(config: dict) -> DTypePolicy:
    """Rebuild a policy from `serialize`'s output."""
    inner = config.get("config", config)
    return DTypePolicy(inner.get("name"))


def set_dtype_policy(policy) -> None:
    """Set the global policy used by layers that are not given a `dtype`."""
    global _global_policy
    if policy is None:
        _global_policy = None
        return
    policy = policy if isinstance(policy, DTypePolicy) else DTypePolicy(policy)
    if not policy.compute_dtype.startswith(("float", "bfloat")):
        raise ValueError(f"set_dtype_policy() only accepts floating point policies. Received: policy={policy}")
    _global_policy = policy


def dtype_policy() -> DTypePolicy:
    """The global dtype policy (`floatx()` unless `set_dtype_policy` changed it)."""
    if _global_policy is not None:
        return _global_policy
    return DTypePolicy(config.floatx())
