"""Quantization configs: which quantizers (and int4 block size) `quantize()` uses."""

from __future__ import annotations

QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")
SUPPORTED_MODES = ("int8", "int4", "float8")


def _serialize(obj):
    from kerasbridge.saving import serialization_lib

    return serialization_lib.serialize_keras_object(obj)


def _deserialize(config):
    from kerasbridge.saving import serialization_lib

    return serialization_lib.deserialize_keras_object(config)


class QuantizationConfig:
    """Base class of quantization configs: a weight and an activation quantizer.

    Subclasses name their `mode` (`"int8"`, `"int4"`, `"float8"`).

    Args:
        weight_quantizer: Quantizer of the weights (`None`: the layer's default).
        activation_quantizer: Quantizer of the inputs (`None`: inputs stay float).
    """

    def __init__(self, weight_quantizer=None, activation_quantizer=None):
        self.weight_quantizer = weight_quantizer
        self.activation_quantizer = activation_quantizer

    @property
    def mode(self):
        raise NotImplementedError(
            "Subclasses must implement this property. Do not instantiate QuantizationConfig directly."
        )

    def get_config(self):
        return {
            "weight_quantizer": _serialize(self.weight_quantizer),
            "activation_quantizer": _serialize(self.activation_quantizer),
        }

    @classmethod
    def from_config(cls, config):
        return cls(
            weight_quantizer=_deserialize(config.get("weight_quantizer")),
            activation_quantizer=_deserialize(config.get("activation_quantizer")),
        )

    @staticmethod
    def weight_quantizer_or_default(config, default):
        """`config.weight_quantizer` when given, else `default`."""
        if config is not None and config.weight_quantizer is not None:
            return config.weight_quantizer
        return default

    @staticmethod
    def activation_quantizer_or_default(config, default):
        """`config.activation_quantizer` (possibly `None`) when a config is given, else `default`."""
        if config is not None:
            return config.activation_quantizer
        return default


class Int8QuantizationConfig(QuantizationConfig):
    """Int8 quantization: int8 weights, inputs quantized on the fly (`AbsMaxQuantizer` by default).

    Args:
        weight_quantizer: Quantizer of the weights (output dtype int8).
        activation_quantizer: Quantizer of the inputs; `"default"` is an `AbsMaxQuantizer()`.
    """

    def __init__(self, weight_quantizer=None, activation_quantizer="default"):
        from kerasbridge.quantizers.abs_max import AbsMaxQuantizer

        if isinstance(activation_quantizer, str) and activation_quantizer == "default":
            activation_quantizer = AbsMaxQuantizer()
        super().__init__(weight_quantizer, activation_quantizer)
        if self.weight_quantizer is not None and self.weight_quantizer.output_dtype != "int8":
            raise ValueError(
                "Int8QuantizationConfig requires a weight_quantizer with output_dtype='int8'. Received: "
                f"output_dtype={self.weight_quantizer.output_dtype}"
            )

    @property
    def mode(self):
        return "int8"


class Int4QuantizationConfig(QuantizationConfig):
    """Int4 quantization: weights packed two per byte, inputs stay float by default.

    Args:
        weight_quantizer: Quantizer of the weights (value range `(-8, 7)`, int8 output).
        activation_quantizer: Quantizer of the inputs; `"default"` means none.
        block_size: Rows per group for sub-channel quantization with zero points
            (`ceil(input_dim / block_size)` groups); `None` or `-1` for one scale per
            output channel. Defaults to 128.
    """

    def __init__(self, weight_quantizer=None, activation_quantizer="default", block_size=128):
        if isinstance(activation_quantizer, str) and activation_quantizer == "default":
            activation_quantizer = None
        super().__init__(weight_quantizer, activation_quantizer)
        if block_size is not None and block_size != -1 and block_size <= 0:
            raise ValueError(f"block_size must be None, -1, or a positive integer. Received: block_size={block_size}")
        self.block_size = block_size
        sub_channel = block_size is not None and block_size > 0
        if sub_channel and (self.weight_quantizer is not None or self.activation_quantizer is not None):
            raise ValueError(
                "Int4 sub-channel quantization (block_size > 0) does not support custom quantizers. Either set "
                "block_size to None or -1 for per-channel quantization, or remove the custom quantizer "
                f"arguments. Received: block_size={block_size}"
            )
        if self.weight_quantizer is not None:
            if tuple(self.weight_quantizer.value_range) != (-8, 7):
                raise ValueError(
                    "Int4QuantizationConfig requires a weight_quantizer with value_range=(-8, 7). Received: "
                    f"value_range={self.weight_quantizer.value_range}"
                )
            if self.weight_quantizer.output_dtype != "int8":
                raise ValueError(
                    "Int4QuantizationConfig requires a weight_quantizer with output_dtype='int8'. Received: "
                    f"output_dtype={self.weight_quantizer.output_dtype}"
                )

    @property
    def mode(self):
        return "int4"

    def get_config(self):
        return {**super().get_config(), "block_size": self.block_size}

    @classmethod
    def from_config(cls, config):
        return cls(
            weight_quantizer=_deserialize(config.get("weight_quantizer")),
            activation_quantizer=_deserialize(config.get("activation_quantizer")),
            block_size=config.get("block_size", None),
        )


class Float8QuantizationConfig(QuantizationConfig):
    """Float8 training (delayed scaling); takes no custom quantizers."""

    def __init__(self):
        super().__init__(None, None)

    @property
    def mode(self):
        return "float8"

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls()


def validate_and_resolve_config(mode, config):
    """The `QuantizationConfig` for `quantize(mode, config)`: a default one for `mode`, or `config` checked.

    Raises:
        ValueError: for an unknown or unavailable mode, a config that is not a
            `QuantizationConfig`, or a mode contradicting `config.mode`.
    """
    if isinstance(config, str):
        mode, config = config, None
    _validate_mode(mode)
    if config is None:
        if mode is None:
            raise ValueError("You must provide either `mode` or `config` to `quantize`.")
        config = {"int8": Int8QuantizationConfig, "int4": Int4QuantizationConfig,
                  "float8": Float8QuantizationConfig}[mode]()
    elif not isinstance(config, QuantizationConfig):
        raise ValueError(
            "Argument `config` must be an instance of `QuantizationConfig`. "
            f"Received: config={config} (of type {type(config)})"
        )
    if mode is not None and config.mode != mode:
        raise ValueError(f"Contradictory arguments: mode='{mode}' but config.mode='{config.mode}'")
    _validate_mode(config.mode)
    return config


def _validate_mode(mode):
    if mode is None:
        return
    if mode not in QUANTIZATION_MODES:
        raise ValueError(f"Invalid quantization mode. Expected one of {QUANTIZATION_MODES}. Received: mode={mode}")
    if mode not in SUPPORTED_MODES:
        raise ValueError(
            f"mode '{mode}' is not available in kerasbridge yet; supported: {', '.join(SUPPORTED_MODES)}"
        )


def block_size_for_layer(layer, config):
    """The int4 block size: from an `Int4QuantizationConfig`, else the layer's `Int4DTypePolicy`, else `None`."""
    from kerasbridge.dtype_policies.quantized_dtype_policy import Int4DTypePolicy

    if isinstance(config, Int4QuantizationConfig):
        block_size = config.block_size
    else:
        policy = layer.dtype_policy
        if hasattr(policy, "_policy_map"):
            policy = policy[layer.path]
        block_size = policy.block_size if isinstance(policy, Int4DTypePolicy) else None
    return None if block_size is None or block_size == -1 else block_size
