"""`QuantizationMixin`: the `quantize()` entry point and bookkeeping shared by quantizable layers."""

from __future__ import annotations

import contextlib

import torch

from kerasbridge import dtype_policies
from kerasbridge.backend import naming, state_version
from kerasbridge.quantizers.quantization_config import block_size_for_layer
from kerasbridge.quantizers.quantization_config import validate_and_resolve_config as _resolve_config


class QuantizationMixin:
    """Post-training quantization of a layer's weights (`layer.quantize("int8")`), as in Keras.

    A layer using it sets `_quantizable_class` (the exact class `quantize` accepts when
    `type_check`), `_quantization_modes` (the modes it implements), and provides
    `_quantize_weights(mode, config)`, which replaces the float weights by the quantized
    variables (`_quantized_build` creates them when a layer is built from a quantized policy).
    """

    _quantizable_class: type
    _quantization_modes: tuple = ("int8", "int4", "float8")

    @property
    def quantization_mode(self):
        """The quantization mode of this layer (`"int8"`, `"int4"`, `"float8"`), `None` if not quantized."""
        return self._policy_for_path().quantization_mode

    @property
    def dtype_policy(self):
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value) -> None:
        """Set the policy; a quantized policy set on a built float layer quantizes it, as in Keras."""
        mro = type(self).__mro__
        for klass in mro[mro.index(QuantizationMixin) + 1:]:
            if "dtype_policy" in klass.__dict__:
                klass.__dict__["dtype_policy"].fset(self, value)
                break
        policy = self._policy_for_path()
        mode = policy.quantization_mode
        if mode is not None and self.__dict__.get("built") and not self.__dict__.get("_is_quantized", False):
            config = None
            if isinstance(policy, dtype_policies.Int4DTypePolicy):
                from kerasbridge.quantizers import Int4QuantizationConfig

                config = Int4QuantizationConfig(block_size=policy.block_size)
            self.quantize(mode, config=config)

    def _policy_for_path(self):
        policy = self.dtype_policy
        if isinstance(policy, dtype_policies.DTypePolicyMap) and self.path:
            return policy[self.path]
        return policy

    def _init_quantization(self, quantization_config) -> None:
        if isinstance(quantization_config, dict):
            from kerasbridge import quantizers

            quantization_config = quantizers.deserialize(quantization_config)
        self.quantization_config = quantization_config
        self._is_quantized = False

    @classmethod
    def from_config(cls, config):
        """Recreate the layer, keeping a serialized quantized (or map) dtype policy as a policy object."""
        if isinstance(config.get("dtype"), dict):
            config = {**config, "dtype": dtype_policies.deserialize(config["dtype"])}
        return super().from_config(config)

    def _quantization_config_dict(self):
        from kerasbridge.saving import serialization_lib

        return serialization_lib.serialize_keras_object(self.quantization_config)

    def quantize(self, mode=None, type_check=True, config=None):
        """Quantize the layer's weights in place.

        Args:
            mode: `"int8"`, `"int4"` or `"float8"` (may be omitted when `config` is given).
            type_check: Refuse subclasses (their `call` may not use the quantized weights).
            config: A `keras.quantizers.QuantizationConfig` choosing quantizers (and the
                int4 block size); defaults to the mode's default config.

        Raises:
            ValueError: for an unbuilt or already quantized layer, an unknown or unavailable
                mode, or int8 with a float16 compute dtype.
            NotImplementedError: for a subclass (with `type_check`) or a mode this layer lacks.
        """
        config = _resolve_config(mode, config)
        mode = config.mode
        self._check_quantize_args(mode)
        if type_check and type(self) is not self._quantizable_class:
            raise NotImplementedError(
                f"Layer {type(self).__name__} does not have a `quantize` method implemented."
            )
        self.quantization_config = config  # kept even when the mode is refused below, as Keras does
        if mode not in self._quantization_modes:
            raise NotImplementedError(
                f"Invalid quantization mode. Expected one of {self._quantization_modes}. "
                f"Received: quantization_mode={mode}"
            )
        with self._parent_scope():
            self._quantize_weights(mode, config)
        self._is_quantized = True
        if self.dtype_policy.quantization_mode is None:
            name = mode
            if mode == "int4":
                block_size = block_size_for_layer(self, config)
                name = f"int4/{-1 if block_size is None else block_size}"
            policy = dtype_policies.get(f"{name}_from_{self._policy_for_path().name}")
            if isinstance(self.dtype_policy, dtype_policies.DTypePolicyMap) and self.path:
                if self.path in self.dtype_policy:  # as Keras: the map gets this layer's new policy
                    del self.dtype_policy[self.path]
                self.dtype_policy[self.path] = policy
            else:
                self.dtype_policy = policy
        state_version.bump()

    @contextlib.contextmanager
    def _parent_scope(self):
        """Re-enter the scopes the layer was built in, so variables created later get the same paths."""
        with contextlib.ExitStack() as stack:
            if self._path and not naming.current_path():
                for part in self._path.split("/"):
                    stack.enter_context(naming.name_scope(part))
            yield

    def _check_quantize_args(self, mode) -> None:
        if not self.built:
            raise ValueError(
                f"Cannot quantize a layer that isn't yet built. Layer '{self.name}' (of type "
                f"'{type(self).__name__}') is not built yet."
            )
        if self._is_quantized:
            raise ValueError(
                f"Layer '{self.name}' is already quantized with dtype_policy='{self.dtype_policy.name}'. "
                f"Received: mode={mode}"
            )
        if mode == "int8" and self.compute_dtype == "float16":
            raise ValueError(
                f"Quantization mode='{mode}' doesn't work well with compute_dtype='float16'. Consider loading "
                "model/layer with another dtype policy such as 'mixed_bfloat16' or 'mixed_float16' before "
                "calling `quantize()`."
            )

    # -- LoRA on a quantized layer (QLoRA) -------------------------------------------------------------
    def _unpacked_weight_shape(self):
        """The float shape of an int4 layer's packed weight (LoRA factors follow it); `None` otherwise."""
        return None

    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Enable LoRA; on an int4 layer the factors follow the unpacked (float) weight shape."""
        with self._parent_scope():
            self._enable_lora(rank, lora_alpha, a_initializer, b_initializer)

    def _enable_lora(self, rank, lora_alpha, a_initializer, b_initializer) -> None:
        shape = self._unpacked_weight_shape() if self.built and self._is_quantized else None
        if shape is None:
            super().enable_lora(rank, lora_alpha=lora_alpha, a_initializer=a_initializer, b_initializer=b_initializer)
            return
        from kerasbridge import initializers

        if getattr(self, self._lora_constraint):
            raise ValueError(self._lora_constraint_error)
        if self.lora_enabled:
            raise ValueError("lora is already enabled. This can only be done once per layer.")
        regularizer = getattr(self, self._lora_regularizer)
        for suffix, factor_shape, initializer in (("a", tuple(shape[:-1]) + (rank,), a_initializer),
                                                  ("b", (rank, shape[-1]), b_initializer)):
            name = f"{self._lora_prefix}_{suffix}"
            setattr(self, name, self.add_weight(name=name, shape=factor_shape, dtype="float32",
                                                initializer=initializers.get(initializer), regularizer=regularizer))
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def _lora_delta(self):
        """`lora_alpha / lora_rank * (a @ b)` in float32, shaped like the float weight."""
        lora_a, lora_b = (getattr(self, f"{self._lora_prefix}_{suffix}").value.detach() for suffix in ("a", "b"))
        return (self.lora_alpha / self.lora_rank) * torch.matmul(lora_a, lora_b)

    def _autocast_value(self, variable):
        """The variable's tensor, cast to the compute dtype as Keras's autocast does (float variables only)."""
        value = variable.value
        compute = self._torch_compute_dtype
        if self.autocast and variable.autocast and value.is_floating_point() and value.dtype != compute:
            return value.to(compute)
        return value

    def _drop_variable(self, attribute: str) -> None:
        """Untrack and delete the variable held in `attribute` (its torch parameter included)."""
        variable = getattr(self, attribute)
        for owned in (self._trainable_variables, self._non_trainable_variables):
            for index, existing in enumerate(owned):
                if existing is variable:
                    del owned[index]
                    break
        key = variable._key
        if key is not None and variable._owner is self:
            self._parameters.pop(key, None)
        object.__delattr__(self, attribute)
        state_version.bump()

    def _add_quantized_weight(self, name, shape, dtype="float32", initializer="zeros", trainable=False, **kwargs):
        return self.add_weight(name=name, shape=shape, initializer=initializer, dtype=dtype, trainable=trainable,
                               **kwargs)

    def _add_float8_weights(self) -> None:
        """The six float8 scaling variables, in Keras's order."""
        from kerasbridge.dtype_policies import QuantizedFloat8DTypePolicy

        length = getattr(self._policy_for_path(), "amax_history_length",
                         QuantizedFloat8DTypePolicy.default_amax_history_length)
        for prefix in ("inputs", "kernel", "outputs_grad"):
            for suffix, shape, initializer in (("scale", (), "ones"), ("amax_history", (length,), "zeros")):
                name = f"{prefix}_{suffix}"
                setattr(self, name, self.add_weight(name=name, shape=shape, initializer=initializer, dtype="float32",
                                                    trainable=True, autocast=False, overwrite_with_gradient=True))

    # -- weights files: Keras's per-mode variable order ----------------------------------------------
    def _save_variables_in_order(self, store, names, values) -> None:
        """Write `values[name]` for each of `names` that has a value, numbered from 0."""
        index = 0
        for name in names:
            value = values.get(name)
            if value is None:
                continue
            if hasattr(value, "detach"):
                value = value.detach().cpu().numpy()
            elif hasattr(value, "numpy"):
                value = value.numpy()
            store[str(index)] = value
            index += 1

    def _load_variables_in_order(self, store, variables) -> None:
        """Assign `store["0"]`, `store["1"]`, ... to `variables` (a list with `None` for absent ones)."""
        present = [variable for variable in variables if variable is not None]
        if len(store.keys()) != len(present):
            raise ValueError(
                f"Layer '{self.name}' expected {len(present)} variables, but received {len(store.keys())} "
                f"variables during loading. Expected: {[v.name for v in present]}"
            )
        for index, variable in enumerate(present):
            variable.assign(store[str(index)])
