"""Quantized `Embedding`: int8 and int4 tables (the mixin `Embedding` inherits)."""

from __future__ import annotations

import math

import torch

from kerasbridge.layers.core.quantization_mixin import QuantizationMixin
from kerasbridge.quantizers.abs_max import (
    AbsMaxQuantizer,
    abs_max_quantize,
    abs_max_quantize_grouped_with_zero_point,
    dequantize_with_sz_map,
)
from kerasbridge.quantizers.int4_packing import pack_int4, unpack_int4
from kerasbridge.quantizers.quantization_config import (
    Int4QuantizationConfig,
    QuantizationConfig,
    block_size_for_layer,
)

# The variables Keras writes to weights files, in order, for each mode.
EMBEDDING_VARIABLE_ORDER = {
    None: ("embeddings",),
    "int8": ("embeddings", "embeddings_scale"),
    "int4": ("embeddings", "embeddings_scale", "embeddings_zero", "g_idx"),
}


class EmbeddingQuantizationMixin(QuantizationMixin):
    """`quantize()` of `Embedding`: one scale per row (int8, int4) or per group of columns (int4 blocks)."""

    _quantization_modes = ("int8", "int4")

    def _quantized_build(self, embeddings_shape, mode, config=None) -> None:
        input_dim, output_dim = embeddings_shape
        if mode == "int8":
            self._embeddings = self._add_quantized_weight("embeddings", embeddings_shape, dtype="int8")
            self.embeddings_scale = self._add_quantized_weight("embeddings_scale", (input_dim,), initializer="ones")
        elif mode == "int4":
            self._embeddings = self._add_quantized_weight("embeddings", (input_dim, (output_dim + 1) // 2),
                                                          dtype="int8")
            block_size = block_size_for_layer(self, config)
            self._int4_block_size = block_size
            scale_shape = (input_dim,) if block_size is None else (input_dim, math.ceil(output_dim / block_size))
            self.embeddings_scale = self._add_quantized_weight("embeddings_scale", scale_shape, initializer="ones")
            if block_size is not None:
                self.embeddings_zero = self._add_quantized_weight("embeddings_zero", scale_shape, dtype="int8")
                self.g_idx = self._add_quantized_weight("g_idx", (output_dim,))
                self.g_idx.assign(torch.div(torch.arange(output_dim, dtype=torch.float32), block_size,
                                            rounding_mode="floor"))
            self._orig_output_dim = output_dim
        else:
            raise NotImplementedError(
                f"Invalid quantization mode. Expected one of ('int8', 'int4'). Received: quantization_mode={mode}"
            )
        self._is_quantized = True

    def _quantize_weights(self, mode, config) -> None:
        table = self._embeddings.value.detach()
        values = {}
        if mode == "int8":
            quantizer = QuantizationConfig.weight_quantizer_or_default(config, AbsMaxQuantizer(axis=-1))
            values["_embeddings"], scale = quantizer(table, to_numpy=True)
            values["embeddings_scale"] = scale.squeeze(-1)
        else:
            block_size = config.block_size if isinstance(config, Int4QuantizationConfig) else None
            if block_size is None or block_size == -1:
                quantizer = QuantizationConfig.weight_quantizer_or_default(
                    config, AbsMaxQuantizer(axis=-1, value_range=(-8, 7), output_dtype="int8"))
                int4_values, scale = quantizer(table, to_numpy=True)
                values["embeddings_scale"] = scale.squeeze(-1)
            else:
                int4_t, scale_t, zero_t = abs_max_quantize_grouped_with_zero_point(
                    table.T, block_size=block_size, value_range=(-8, 7), dtype="int8", to_numpy=True)
                int4_values, values["embeddings_scale"], values["embeddings_zero"] = int4_t.T, scale_t.T, zero_t.T
            values["_embeddings"] = pack_int4(int4_values.contiguous(), axis=-1)[0]
        self._drop_variable("_embeddings")
        self._quantized_build((self.input_dim, self.output_dim), mode, config)
        for attribute, value in values.items():
            getattr(self, attribute).assign(value)

    def _quantized_table(self):
        """The table as stored (int8, or int4 unpacked to int8)."""
        if self.quantization_mode == "int4":
            return unpack_int4(self._embeddings.value, self._orig_output_dim, axis=-1)
        return self._embeddings.value

    def _quantized_call(self, inputs):
        if inputs.dtype not in (torch.int32, torch.int64):
            inputs = inputs.to(torch.int32)
        indices = inputs.long()
        compute = self._torch_compute_dtype
        rows = self._quantized_table()[indices]
        scale = self.embeddings_scale.value[indices]
        if self.quantization_mode == "int4" and self._int4_block_size is not None:
            outputs = dequantize_with_sz_map(rows.to(compute), scale, self.embeddings_zero.value[indices],
                                             self.g_idx.value, group_axis=-1)
        else:
            outputs = rows.to(compute) / scale.unsqueeze(-1)
        if self.lora_enabled:
            lora_a, lora_b = self._lora_factors()
            delta = torch.matmul(lora_a.value[indices], lora_b.value)
            outputs = (outputs + (self.lora_alpha / self.lora_rank) * delta).to(compute)
        return outputs

    def _unpacked_weight_shape(self):
        return (self.input_dim, self.output_dim) if self.quantization_mode == "int4" else None

    def _quantized_variables_by_name(self, merge_lora: bool = True) -> dict:
        """The quantized variables by saved name; with `merge_lora`, LoRA folded in (as values to save)."""
        names = EMBEDDING_VARIABLE_ORDER[self.quantization_mode]
        variables = {name: getattr(self, "_embeddings" if name == "embeddings" else name, None) for name in names}
        if merge_lora and self.lora_enabled:
            variables.update(self._requantized_with_lora())
        return variables

    def _requantized_with_lora(self) -> dict:
        """Table, scale (and zero point) of the float table plus the LoRA delta, quantized again (as Keras saves)."""
        compute = self._torch_compute_dtype
        table = self._quantized_table().to(compute)
        scale = self.embeddings_scale.value.detach()
        grouped = self.quantization_mode == "int4" and self._int4_block_size is not None
        if grouped:
            float_table = dequantize_with_sz_map(table, scale, self.embeddings_zero.value, self.g_idx.value,
                                                 group_axis=-1)
        else:
            float_table = table / scale.unsqueeze(-1)
        merged = float_table + self._lora_delta()
        if grouped:
            values_t, scale_t, zero_t = abs_max_quantize_grouped_with_zero_point(
                merged.T, block_size=self._int4_block_size, value_range=(-8, 7), dtype="int8", to_numpy=True)
            return {"embeddings": pack_int4(values_t.T.contiguous(), axis=-1)[0], "embeddings_scale": scale_t.T,
                    "embeddings_zero": zero_t.T}
        value_range = (-127, 127) if self.quantization_mode == "int8" else (-8, 7)
        values, scale = abs_max_quantize(merged, axis=-1, value_range=value_range, dtype="int8", to_numpy=True)
        if self.quantization_mode == "int4":
            values = pack_int4(values, axis=-1)[0]
        return {"embeddings": values, "embeddings_scale": scale.squeeze(-1)}
