"""`DTypePolicyMap`: a dict from layer paths (or regexes) to dtype policies."""

from __future__ import annotations

import re
from collections.abc import MutableMapping

from kerasbridge.dtype_policies.dtype_policy import DTypePolicy


class DTypePolicyMap(DTypePolicy, MutableMapping):
    """Maps layer paths to `DTypePolicy` instances, e.g. to mix quantized and float sublayers.

    Lookups first try the exact key, then every key as a regex (`re.fullmatch`);
    a path matching no key gets `default_policy`, a path matching several raises.

    Args:
        default_policy: The policy of paths not in the map (default: the global policy).
        policy_map: Optional dict from string keys to policies (or policy names).

    Example:

    ```python
    policy_map = DTypePolicyMap(default_policy="float32")
    policy_map["encoder/.*"] = "bfloat16"
    policy_map["encoder/attention/query"].name  # "bfloat16"
    ```
    """

    def __init__(self, default_policy=None, policy_map=None):
        if isinstance(default_policy, DTypePolicyMap):
            raise ValueError("`default_policy` cannot be a `DTypePolicyMap`.")
        if policy_map is not None and not isinstance(policy_map, dict):
            raise TypeError(
                f"If specified, `policy_map` must be a dict. Received: policy_map={policy_map} of type "
                f"{type(policy_map)}"
            )
        self._default_policy_arg = default_policy
        self._policy_map = dict(policy_map or {})

    @property
    def default_policy(self) -> DTypePolicy:
        """The policy of paths not in the map (the global policy when none was given)."""
        from kerasbridge import dtype_policies

        return dtype_policies.get(self._default_policy_arg)

    @property
    def name(self) -> str:
        return f"map_{self.default_policy.name}"

    @property
    def compute_dtype(self) -> str:
        return self.default_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self.default_policy.variable_dtype

    @property
    def quantization_mode(self):
        return self.default_policy.quantization_mode

    def __getitem__(self, key) -> DTypePolicy:
        if key in self._policy_map:
            return self._policy_map[key]
        matches = [pattern for pattern in self._policy_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(
                f"Path '{key}' matches multiple dtype policy specification keys: {matches}. Please make sure each "
                "path only matches at most one dtype policy specification key in the DTypePolicyMap."
            )
        if matches:
            return self._policy_map[matches[0]]
        return self.default_policy

    def __setitem__(self, key, policy) -> None:
        from kerasbridge import dtype_policies

        if key in self._policy_map:
            raise ValueError(
                f"{key} already exist in the DTypePolicyMap with value {self._policy_map[key]}. Please make sure "
                "to not use duplicated keys."
            )
        try:
            policy = dtype_policies.get(policy)
        except Exception:
            raise ValueError(
                "Cannot interpret the assigned value by `keras.dtype_policies.get`. "
                f"Received: {policy} of type {type(policy)}"
            ) from None
        self._policy_map[key] = policy

    def __delitem__(self, key) -> None:
        self._policy_map.pop(key)

    def __contains__(self, key) -> bool:
        return key in self._policy_map

    def __len__(self) -> int:
        return len(self._policy_map)

    def __iter__(self):
        return iter(self._policy_map)

    def get_config(self) -> dict:
        from kerasbridge import dtype_policies

        follow_global = self._default_policy_arg is None
        return {
            "default_policy": self._default_policy_arg,
            "policy_map": {key: dtype_policies.serialize(policy, follow_global=follow_global)
                           for key, policy in self._policy_map.items()},
        }

    @classmethod
    def from_config(cls, config, custom_objects=None) -> DTypePolicyMap:
        from kerasbridge import dtype_policies

        policy_map = {key: dtype_policies.deserialize(value) for key, value in (config.get("policy_map") or {}).items()}
        return cls(default_policy=config.get("default_policy"), policy_map=policy_map)

    def __eq__(self, other) -> bool:
        return (isinstance(other, DTypePolicyMap) and other._default_policy_arg == self._default_policy_arg
                and other._policy_map == self._policy_map)

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        mapping = [(key, policy.name) for key, policy in self._policy_map.items()]
        return f"<DTypePolicyMap at {hex(id(self))} default_policy={self.default_policy.name}, mapping={mapping}>"
