"""kerasbridge.quantizers: quantizers, quantization configs and quantization helpers."""

import inspect

from kerasbridge.quantizers.abs_max import (
    AbsMaxQuantizer,
    abs_max_quantize,
    abs_max_quantize_grouped_with_zero_point,
    dequantize_with_sz_map,
)
from kerasbridge.quantizers.fake_quant import fake_quant_with_min_max_vars
from kerasbridge.quantizers.float8_ops import (
    compute_float8_amax_history,
    compute_float8_scale,
    quantize_and_dequantize,
)
from kerasbridge.quantizers.int4_packing import pack_int4, unpack_int4
from kerasbridge.quantizers.quantization_config import (
    Float8QuantizationConfig,
    Int4QuantizationConfig,
    Int8QuantizationConfig,
    QuantizationConfig,
)
from kerasbridge.quantizers.quantizer import Quantizer

_ALL_OBJECTS = (Quantizer, AbsMaxQuantizer, QuantizationConfig, Int8QuantizationConfig, Int4QuantizationConfig,
                Float8QuantizationConfig)
_ALL_OBJECTS_DICT = {cls.__name__: cls for cls in _ALL_OBJECTS}
_ALL_OBJECTS_DICT.update({
    "quantizer": Quantizer, "abs_max_quantizer": AbsMaxQuantizer, "quantization_config": QuantizationConfig,
    "int8_quantization_config": Int8QuantizationConfig, "int4_quantization_config": Int4QuantizationConfig,
    "float8_quantization_config": Float8QuantizationConfig,
})


def serialize(quantizer):
    """The Keras config dict of a quantizer (or quantization config)."""
    from kerasbridge.saving import serialization_lib

    return serialization_lib.serialize_keras_object(quantizer)


def deserialize(config, custom_objects=None):
    """Rebuild a quantizer (or quantization config) from `serialize`'s output."""
    from kerasbridge.saving import serialization_lib

    return serialization_lib.deserialize_keras_object(config, custom_objects={**_ALL_OBJECTS_DICT,
                                                                              **(custom_objects or {})})


def get(identifier, **kwargs):
    """A quantizer from a config dict, a class name, or a quantizer instance (`None` stays `None`)."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = _ALL_OBJECTS_DICT.get(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj(**kwargs) if inspect.isclass(obj) else obj
    raise ValueError(f"Could not interpret quantizer identifier: {identifier}")


__all__ = [
    "AbsMaxQuantizer", "Float8QuantizationConfig", "Int4QuantizationConfig", "Int8QuantizationConfig",
    "QuantizationConfig", "Quantizer", "abs_max_quantize", "abs_max_quantize_grouped_with_zero_point",
    "compute_float8_amax_history", "compute_float8_scale", "dequantize_with_sz_map", "deserialize",
    "fake_quant_with_min_max_vars", "get", "pack_int4", "quantize_and_dequantize", "serialize", "unpack_int4",
]
