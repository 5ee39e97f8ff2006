"""`DTypePolicy`: the variable dtype and compute dtype of a layer (mixed precision)."""

from __future__ import annotations

from kerasbridge.backend import config
from kerasbridge.backend.dtypes import standardize_dtype

QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")
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
        if identifier.startswith(QUANTIZATION_MODES):
            from kerasbridge.dtype_policies.quantized_dtype_policy import quantized_policy_from_name

            return quantized_policy_from_name(identifier)
        return DTypePolicy(identifier)
    try:
        return DTypePolicy(standardize_dtype(identifier))
    except ValueError:
        raise ValueError(f"Cannot interpret `dtype` argument. Expected a string or an instance of DTypePolicy. Received: dtype={identifier}") from None


def serialize(policy: DTypePolicy, follow_global: bool = False) -> dict:
    """Keras's serialized form of a policy.

    Args:
        policy: The policy.
        follow_global: Write the source/name as `None` (as Keras does inside a
            `DTypePolicyMap` without default policy), so loading takes the global policy.
    """
    class_name = type(policy).__name__
    if class_name == "DTypePolicy":
        config = {"name": None if follow_global else policy.name}
        return {"module": "keras", "class_name": "DTypePolicy", "config": config, "registered_name": None}
    config = policy.get_config()
    if follow_global and "source_name" in config:
        config["source_name"] = None
    return {"module": "keras.dtype_policies", "class_name": class_name, "config": config, "registered_name": None}


def deserialize(config: dict, custom_objects=None) -> DTypePolicy:
    """Rebuild a policy from `serialize`'s output (any Keras dtype policy class)."""
    from kerasbridge import dtype_policies

    class_name = config.get("class_name", "DTypePolicy")
    inner = config.get("config", config)
    if class_name in ("DTypePolicy", "FloatDTypePolicy"):
        return DTypePolicy(inner.get("name"))
    cls = getattr(dtype_policies, class_name, None)
    if cls is None or not (isinstance(cls, type) and issubclass(cls, DTypePolicy)):
        if custom_objects and class_name in custom_objects:
            return custom_objects[class_name].from_config(inner)
        raise ValueError(f"Unknown dtype policy class '{class_name}'. Received: config={config}")
    return cls.from_config(inner)


def set_dtype_policy(policy) -> None:
    """Set the global policy used by layers that are not given a `dtype`."""
    global _global_policy
    if policy is None:
        _global_policy = None
        return
    policy = policy if isinstance(policy, DTypePolicy) else get(policy)
    if not policy.compute_dtype.startswith(("float", "bfloat")):
        raise ValueError(f"set_dtype_policy() only accepts floating point policies. Received: policy={policy}")
    _global_policy = policy


def dtype_policy() -> DTypePolicy:
    """The global dtype policy (`floatx()` unless `set_dtype_policy` changed it)."""
    if _global_policy is not None:
        return _global_policy
    return DTypePolicy(config.floatx())
