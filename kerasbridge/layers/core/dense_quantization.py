"""Quantized `Dense`: int8 / int4 weights and float8 training (the mixin `Dense` inherits)."""

from __future__ import annotations

import math

import torch

from kerasbridge.layers.core import quantized_ops
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
DENSE_VARIABLE_ORDER = {
    None: ("kernel", "bias"),
    "int8": ("kernel", "bias", "kernel_scale"),
    "int4": ("kernel", "bias", "kernel_scale", "kernel_zero", "g_idx"),
    "float8": ("kernel", "bias", "inputs_scale", "inputs_amax_history", "kernel_scale", "kernel_amax_history",
               "outputs_grad_scale", "outputs_grad_amax_history"),
}


class DenseQuantizationMixin(QuantizationMixin):
    """`quantize()`, the quantized variables and forward passes of `Dense` (kernel `(input_dim, units)`)."""

    # -- variables -----------------------------------------------------------------------------
    def _quantized_build(self, kernel_shape, mode, config=None) -> None:
        if mode == "int8":
            self.inputs_quantizer = QuantizationConfig.activation_quantizer_or_default(config, AbsMaxQuantizer())
            self._kernel = self._add_quantized_weight("kernel", kernel_shape, dtype="int8")
            self.kernel_scale = self._add_quantized_weight("kernel_scale", (self.units,), initializer="ones")
        elif mode == "int4":
            self._int4_build(kernel_shape, config)
        elif mode == "float8":
            self._add_float8_weights()
        else:
            raise NotImplementedError(
                f"Invalid quantization mode. Expected one of {self._quantization_modes}. "
                f"Received: quantization_mode={mode}"
            )
        self._is_quantized = True

    def _int4_build(self, kernel_shape, config) -> None:
        self.inputs_quantizer = QuantizationConfig.activation_quantizer_or_default(config, None)
        input_dim, output_dim = kernel_shape
        self._kernel = self._add_quantized_weight("kernel", (input_dim, (output_dim + 1) // 2), dtype="int8")
        block_size = block_size_for_layer(self, config)
        self._int4_block_size = block_size
        scale_shape = (self.units,) if block_size is None else (math.ceil(input_dim / block_size), self.units)
        self.kernel_scale = self._add_quantized_weight("kernel_scale", scale_shape, initializer="ones")
        if block_size is not None:
            self.kernel_zero = self._add_quantized_weight("kernel_zero", scale_shape, dtype="int8")
            self.g_idx = self._add_quantized_weight("g_idx", (input_dim,))
            self.g_idx.assign(torch.div(torch.arange(input_dim, dtype=torch.float32), block_size,
                                        rounding_mode="floor"))
        self._orig_input_dim, self._orig_output_dim = input_dim, output_dim

    def _quantize_weights(self, mode, config) -> None:
        kernel_shape = tuple(self._kernel.shape)
        kernel = self._kernel.value.detach()
        values = {}
        if mode == "int8":
            quantizer = QuantizationConfig.weight_quantizer_or_default(config, AbsMaxQuantizer(axis=0))
            values["_kernel"], scale = quantizer(kernel, to_numpy=True)
            values["kernel_scale"] = scale.squeeze(0)
        elif mode == "int4":
            block_size = config.block_size if isinstance(config, Int4QuantizationConfig) else None
            if block_size is None or block_size == -1:
                quantizer = QuantizationConfig.weight_quantizer_or_default(
                    config, AbsMaxQuantizer(axis=0, value_range=(-8, 7), output_dtype="int8"))
                int4_values, scale = quantizer(kernel, to_numpy=True)
                values["kernel_scale"] = scale.squeeze(0)
            else:
                int4_values, values["kernel_scale"], values["kernel_zero"] = (
                    abs_max_quantize_grouped_with_zero_point(kernel, block_size=block_size, to_numpy=True))
            values["_kernel"] = pack_int4(int4_values, axis=-1)[0]
        if mode in ("int8", "int4"):
            self._drop_variable("_kernel")
        self._quantized_build(kernel_shape, mode, config)
        for attribute, value in values.items():
            getattr(self, attribute).assign(value)

    # -- forward passes --------------------------------------------------------------------------
    def _quantized_call(self, inputs, training=None):
        mode = self.quantization_mode
        if mode == "int8":
            outputs = self._int8_call(inputs)
        elif mode == "int4":
            outputs = self._int4_call(inputs)
        else:
            outputs = self._float8_call(inputs, training)
        if self.lora_enabled:
            lora_a, lora_b = self._lora_factors()
            delta = torch.matmul(torch.matmul(inputs, self._autocast_value(lora_a)), self._autocast_value(lora_b))
            outputs = (outputs + (self.lora_alpha / self.lora_rank) * delta).to(self._torch_compute_dtype)
        if self.bias is not None:
            bias = self._autocast_value(self.bias)
            if mode == "float8":
                bias = quantized_ops.float8_bias(bias, self.compute_dtype)
            outputs = outputs + bias.to(outputs.dtype)
        return self.activation(outputs)

    def _scaled_integer_matmul(self, inputs, integer_kernel, kernel_scale, compute):
        """`inputs @ kernel / scale`, the inputs first quantized by `inputs_quantizer` when there is one."""
        if self.inputs_quantizer:
            quantized_inputs, inputs_scale = self.inputs_quantizer(inputs, axis=-1)
            outputs = quantized_ops.int8_matmul(quantized_inputs, integer_kernel)
            return outputs.to(compute) / (kernel_scale * inputs_scale)
        outputs = torch.matmul(inputs, integer_kernel.to(inputs.dtype))
        return outputs.to(compute) / kernel_scale

    def _int8_call(self, inputs):
        kernel, kernel_scale = self._kernel.value, self._autocast_value(self.kernel_scale)
        compute = self._torch_compute_dtype

        def backward(upstream):
            return torch.matmul(upstream, (kernel.to(compute) / kernel_scale).T)

        return quantized_ops.with_inputs_gradient(
            inputs, lambda x: self._scaled_integer_matmul(x, kernel, kernel_scale, compute), backward)

    def _int4_call(self, inputs):
        compute = self._torch_compute_dtype
        unpacked = unpack_int4(self._kernel.value, self._orig_output_dim, axis=-1)
        kernel_scale = self._autocast_value(self.kernel_scale)
        if self._int4_block_size is None:
            def forward(x):
                return self._scaled_integer_matmul(x, unpacked, kernel_scale, compute)

            def backward(upstream):
                return torch.matmul(upstream, (unpacked.to(compute) / kernel_scale).T)

            return quantized_ops.with_inputs_gradient(inputs, forward, backward)
        g_idx = self._autocast_value(self.g_idx)
        float_kernel = dequantize_with_sz_map(unpacked, kernel_scale, self.kernel_zero.value, g_idx,
                                              group_axis=0).to(compute)
        return quantized_ops.with_inputs_gradient(
            inputs, lambda x: torch.matmul(x, float_kernel), lambda upstream: torch.matmul(upstream, float_kernel.T))

    def _float8_call(self, inputs, training):
        if self.lora_enabled:
            raise NotImplementedError("Currently, `_float8_call` doesn't support LoRA")
        compute = self.compute_dtype
        x = quantized_ops.float8_qdq_inputs(inputs, self.inputs_scale.value, self.inputs_amax_history.value,
                                            training, compute)
        kernel = quantized_ops.float8_qdq_inputs(self._autocast_value(self._kernel), self.kernel_scale.value,
                                                 self.kernel_amax_history.value, training, compute)
        outputs = torch.matmul(x, kernel)
        return quantized_ops.float8_qdq_outputs_gradient(outputs, self.outputs_grad_scale.value,
                                                         self.outputs_grad_amax_history.value, compute)

    # -- weights files -----------------------------------------------------------------------------
    def _unpacked_weight_shape(self):
        if self.quantization_mode == "int4":
            return (self._orig_input_dim, self._orig_output_dim)
        return None

    def _quantized_variables_by_name(self, merge_lora: bool = True) -> dict:
        """The quantized variables by saved name; with `merge_lora`, LoRA folded in (as values to save)."""
        names = DENSE_VARIABLE_ORDER[self.quantization_mode]
        variables = {name: getattr(self, "_kernel" if name == "kernel" else name, None) for name in names}
        if merge_lora and self.lora_enabled and self.quantization_mode in ("int8", "int4"):
            variables.update(self._requantized_with_lora())
        return variables

    def _requantized_with_lora(self) -> dict:
        """Kernel, scale (and zero point) of the float kernel plus the LoRA delta, quantized again (as Keras saves)."""
        compute = self._torch_compute_dtype
        scale = self.kernel_scale.value.detach()
        if self.quantization_mode == "int8":
            float_kernel = self._kernel.value.to(compute) / scale
        else:
            unpacked = unpack_int4(self._kernel.value, self._orig_output_dim, axis=-1)
            if self._int4_block_size is None:
                float_kernel = unpacked.to(compute) / scale
            else:
                float_kernel = dequantize_with_sz_map(unpacked, scale, self.kernel_zero.value, self.g_idx.value,
                                                      group_axis=0).to(compute)
        merged = float_kernel + self._lora_delta()
        if self.quantization_mode == "int4" and self._int4_block_size is not None:
            values, scale, zero = abs_max_quantize_grouped_with_zero_point(merged, block_size=self._int4_block_size,
                                                                           to_numpy=True)
            return {"kernel": pack_int4(values, axis=-1)[0], "kernel_scale": scale, "kernel_zero": zero}
        value_range = (-127, 127) if self.quantization_mode == "int8" else (-8, 7)
        values, scale = abs_max_quantize(merged, axis=0, value_range=value_range, dtype="int8", to_numpy=True)
        if self.quantization_mode == "int4":
            values = pack_int4(values, axis=-1)[0]
        return {"kernel": values, "kernel_scale": scale.squeeze(0)}
