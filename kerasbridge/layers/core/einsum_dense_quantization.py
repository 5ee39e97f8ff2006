"""Quantized `EinsumDense`: int8 / int4 kernels and float8 training (the mixin `EinsumDense` inherits)."""

from __future__ import annotations

import math

import torch

from kerasbridge.layers.core import quantized_ops
from kerasbridge.layers.core.dense_quantization import DENSE_VARIABLE_ORDER
from kerasbridge.layers.core.einsum_quantization_axes import (
    analyze_quantization_axes,
    scale_for_kernel,
    scale_for_output,
)
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


class EinsumDenseQuantizationMixin(QuantizationMixin):
    """`quantize()` of `EinsumDense`: scales per kernel axis kept in the output (int8), or on the kernel
    flattened to `(contracted, kept)` rows and columns (int4, packed along the columns)."""

    def _quantization_axes(self):
        axes = self.__dict__.get("_einsum_quantization_axes")
        if axes is None:
            axes = analyze_quantization_axes(self.equation, self.input_spec.ndim)
            self.__dict__["_einsum_quantization_axes"] = axes
        return axes

    def _flat_kernel_shape(self, kernel_shape):
        reduced = self._quantization_axes().kernel_reduced_axes
        rows = math.prod(d for i, d in enumerate(kernel_shape) if i in reduced)
        columns = math.prod(d for i, d in enumerate(kernel_shape) if i not in reduced)
        return rows, columns

    def _quantized_build(self, kernel_shape, mode, config=None) -> None:
        kernel_shape = tuple(kernel_shape)
        axes = self._quantization_axes() if mode in ("int8", "int4") else None
        if mode == "int8":
            self.inputs_quantizer = QuantizationConfig.activation_quantizer_or_default(config, AbsMaxQuantizer())
            self._kernel = self._add_quantized_weight("kernel", kernel_shape, dtype="int8")
            keepdims = [1 if i in axes.kernel_reduced_axes else d for i, d in enumerate(kernel_shape)]
            scale_shape = scale_for_output(torch.empty(keepdims, device="meta"), axes.kernel_transpose_axes,
                                           axes.kernel_expand_axes, axes.kernel_squeeze_axes).shape
            self.kernel_scale = self._add_quantized_weight("kernel_scale", tuple(scale_shape), initializer="ones")
        elif mode == "int4":
            self.inputs_quantizer = QuantizationConfig.activation_quantizer_or_default(config, None)
            self.original_kernel_shape = kernel_shape
            rows, columns = self._flat_kernel_shape(kernel_shape)
            block_size = block_size_for_layer(self, config)
            self._int4_block_size = block_size
            self._int4_unpacked_column_size = columns
            self._kernel = self._add_quantized_weight("kernel", (rows, (columns + 1) // 2), dtype="int8")
            scale_shape = (columns,) if block_size is None else (math.ceil(rows / block_size), columns)
            self.kernel_scale = self._add_quantized_weight("kernel_scale", scale_shape, initializer="ones")
            if block_size is not None:
                self.kernel_zero = self._add_quantized_weight("kernel_zero", scale_shape, dtype="int8")
                self.g_idx = self._add_quantized_weight("g_idx", (rows,))
                self.g_idx.assign(torch.div(torch.arange(rows, dtype=torch.float32), block_size,
                                            rounding_mode="floor"))
        elif mode == "float8":
            self._add_float8_weights()
        else:
            raise NotImplementedError(
                f"Invalid quantization mode. Expected one of {self._quantization_modes}. "
                f"Received: quantization_mode={mode}"
            )
        self._is_quantized = True

    def _quantize_weights(self, mode, config) -> None:
        kernel_shape = tuple(self._kernel.shape)
        kernel = self._kernel.value.detach()
        values = {}
        if mode == "int8":
            axes = self._quantization_axes()
            quantizer = QuantizationConfig.weight_quantizer_or_default(
                config, AbsMaxQuantizer(axis=axes.kernel_reduced_axes))
            values["_kernel"], scale = quantizer(kernel, to_numpy=True)
            values["kernel_scale"] = scale_for_output(scale, axes.kernel_transpose_axes, axes.kernel_expand_axes,
                                                      axes.kernel_squeeze_axes)
        elif mode == "int4":
            flat = kernel.reshape(self._flat_kernel_shape(kernel_shape))
            block_size = config.block_size if isinstance(config, Int4QuantizationConfig) else None
            if block_size is None or block_size == -1:
                int4_values, scale = abs_max_quantize(flat, axis=0, value_range=(-8, 7), dtype="int8",
                                                      to_numpy=True)
                values["kernel_scale"] = scale.squeeze(0)
            else:
                int4_values, values["kernel_scale"], values["kernel_zero"] = (
                    abs_max_quantize_grouped_with_zero_point(flat, block_size=block_size, to_numpy=True))
            values["_kernel"] = pack_int4(int4_values, axis=-1)[0]
        if mode in ("int8", "int4"):
            self._drop_variable("_kernel")
        self._quantized_build(kernel_shape, mode, config)
        for attribute, value in values.items():
            getattr(self, attribute).assign(value)

    def _unpacked_int4_kernel(self):
        """The int4 kernel unpacked to int8 values, in the kernel's original shape."""
        unpacked = unpack_int4(self._kernel.value, self._int4_unpacked_column_size, axis=-1)
        return unpacked.reshape(self.original_kernel_shape)

    # -- forward passes --------------------------------------------------------------------------
    def _quantized_call(self, inputs, training=None):
        mode = self.quantization_mode
        if mode == "int8":
            outputs = self._int8_call(inputs)
        elif mode == "int4":
            outputs = self._int4_call(inputs)
        else:
            if self.lora_enabled:
                raise NotImplementedError("Currently, `_float8_call` doesn't support LoRA")
            outputs = self._float8_call(inputs, training)
        if self.lora_enabled:
            delta = torch.matmul(torch.einsum(self.equation, inputs, self._autocast_value(self.lora_kernel_a)),
                                 self._autocast_value(self.lora_kernel_b))
            outputs = (outputs + (self.lora_alpha / self.lora_rank) * delta).to(self._torch_compute_dtype)
        if self.bias is not None:
            bias = self._autocast_value(self.bias)
            if mode == "float8":
                bias = quantized_ops.float8_bias(bias, self.compute_dtype)
            outputs = outputs + bias.to(outputs.dtype)
        return self.activation(outputs)

    def _quantized_inputs(self, inputs):
        axes = self._quantization_axes()
        quantized, scale = self.inputs_quantizer(inputs, axis=axes.input_reduced_axes)
        return quantized, scale_for_output(scale, axes.input_transpose_axes, axes.input_expand_axes,
                                           axes.input_squeeze_axes)

    def _int8_call(self, inputs):
        axes = self._quantization_axes()
        kernel, kernel_scale = self._kernel.value, self._autocast_value(self.kernel_scale)
        compute = self._torch_compute_dtype

        def float_kernel():
            return kernel.to(compute) / scale_for_kernel(kernel_scale, axes)

        def forward(x):
            if self.inputs_quantizer:
                quantized, inputs_scale = self._quantized_inputs(x)
                outputs = quantized_ops.int8_einsum(self.equation, quantized, kernel).to(compute)
                return outputs / (inputs_scale * kernel_scale)
            return torch.einsum(self.equation, x, float_kernel())

        return quantized_ops.with_inputs_gradient(
            inputs, forward, lambda upstream: torch.einsum(axes.gradient_equation, upstream, float_kernel()))

    def _int4_call(self, inputs):
        axes = self._quantization_axes()
        compute = self._torch_compute_dtype
        unpacked = unpack_int4(self._kernel.value, self._int4_unpacked_column_size, axis=-1)
        if self._int4_block_size is None:
            float_kernel = unpacked.to(compute) / self._autocast_value(self.kernel_scale)
        else:
            scale, g_idx = self._autocast_value(self.kernel_scale), self._autocast_value(self.g_idx)
            float_kernel = dequantize_with_sz_map(unpacked, scale, self.kernel_zero.value, g_idx,
                                                  group_axis=0).to(compute)
        float_kernel = float_kernel.reshape(self.original_kernel_shape)

        def forward(x):
            if self.inputs_quantizer and self._int4_block_size is None:
                quantized, inputs_scale = self._quantized_inputs(x)
                return torch.einsum(self.equation, quantized.to(compute), float_kernel) / inputs_scale
            return torch.einsum(self.equation, x, float_kernel)

        return quantized_ops.with_inputs_gradient(
            inputs, forward, lambda upstream: torch.einsum(axes.gradient_equation, upstream, float_kernel))

    def _float8_call(self, inputs, training):
        compute = self.compute_dtype
        x = quantized_ops.float8_qdq_inputs(inputs, self.inputs_scale.value, self.inputs_amax_history.value,
                                            training, compute)
        kernel = quantized_ops.float8_qdq_inputs(self._autocast_value(self._kernel), self.kernel_scale.value,
                                                 self.kernel_amax_history.value, training, compute)
        outputs = torch.einsum(self.equation, x, kernel)
        return quantized_ops.float8_qdq_outputs_gradient(outputs, self.outputs_grad_scale.value,
                                                         self.outputs_grad_amax_history.value, compute)

    def _lora_kernel_shape(self):
        """The kernel shape the LoRA factors follow (the original shape for a packed int4 kernel)."""
        if self._is_quantized and self.quantization_mode == "int4":
            return tuple(self.original_kernel_shape)
        return tuple(self._kernel.shape)

    def _quantized_variables_by_name(self, merge_lora: bool = True) -> dict:
        """The quantized variables by saved name; with `merge_lora`, LoRA folded in (as values to save)."""
        names = DENSE_VARIABLE_ORDER[self.quantization_mode]
        variables = {name: getattr(self, "_kernel" if name == "kernel" else name, None) for name in names}
        if merge_lora and self.lora_enabled and self.quantization_mode in ("int8", "int4"):
            variables.update(self._requantized_with_lora())
        return variables

    def _requantized_with_lora(self) -> dict:
        """Kernel, scale (and zero point) of the float kernel plus the LoRA delta, quantized again (as Keras saves)."""
        axes = self._quantization_axes()
        scale = self.kernel_scale.value.detach()
        if self.quantization_mode == "int8":
            float_kernel = self._kernel.value / scale_for_kernel(scale, axes)
        else:
            unpacked = unpack_int4(self._kernel.value, self._int4_unpacked_column_size, axis=-1)
            if self._int4_block_size is None:
                float_kernel = unpacked.to(self._torch_compute_dtype) / scale
            else:
                float_kernel = dequantize_with_sz_map(unpacked, scale, self.kernel_zero.value, self.g_idx.value,
                                                      group_axis=0)
            float_kernel = float_kernel.reshape(self.original_kernel_shape)
        merged = float_kernel + self._lora_delta()
        if self.quantization_mode == "int8":
            values, scale = abs_max_quantize(merged, axis=axes.kernel_reduced_axes, to_numpy=True)
            return {"kernel": values, "kernel_scale": scale_for_output(
                scale, axes.kernel_transpose_axes, axes.kernel_expand_axes, axes.kernel_squeeze_axes)}
        flat = merged.reshape(self._flat_kernel_shape(self.original_kernel_shape))
        if self._int4_block_size is not None:
            values, scale, zero = abs_max_quantize_grouped_with_zero_point(flat, block_size=self._int4_block_size,
                                                                           to_numpy=True)
            return {"kernel": pack_int4(values, axis=-1)[0], "kernel_scale": scale, "kernel_zero": zero}
        values, scale = abs_max_quantize(flat, axis=0, value_range=(-8, 7), dtype="int8", to_numpy=True)
        return {"kernel": pack_int4(values, axis=-1)[0], "kernel_scale": scale.squeeze(0)}
