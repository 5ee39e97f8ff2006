"""`EinsumDense`: a dense layer whose contraction is any einsum equation."""

from __future__ import annotations

import re

import torch

from kerasbridge import activations, constraints, initializers, regularizers
from kerasbridge.initializers.random_initializers import VarianceScaling
from kerasbridge.layers.core.dense_quantization import DENSE_VARIABLE_ORDER
from kerasbridge.layers.core.einsum_dense_quantization import EinsumDenseQuantizationMixin
from kerasbridge.layers.core.lora import LoraMixin
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.ops.keras_tensor import KerasTensor

_linear = activations.linear

# The three supported forms, on the equation with "..." replaced by "0": no ellipsis, an
# ellipsis in front of the input and output, or one behind them.
_PLAIN = re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)")
_LEFT_ELIDED = re.compile(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)")
_RIGHT_ELIDED = re.compile(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0")


class EinsumDense(EinsumDenseQuantizationMixin, LoraMixin, Layer):
    """A dense layer computing `activation(einsum(equation, inputs, kernel) + bias)`.

    The kernel's shape is read off the equation: each kernel axis takes its
    size from the output axis (`output_shape`) or the input axis with the same
    letter. `EinsumDense("ab,bc->ac", output_shape=64, bias_axes="c")` is a
    `Dense(64)`; `EinsumDense("abc,cde->abde", output_shape=(None, 8, 16),
    bias_axes="de")` projects each step of a sequence to 8 heads of size 16.

    Args:
        equation: Einsum equation of the form `ab,bc->ac`, `...ab,bc->...ac`
            or `ab...,bc->ac...` (input, kernel, output).
        output_shape: Expected output shape without the batch axis and the
            axes covered by an ellipsis; an int for a single axis. `None`
            entries are taken from the input.
        activation: Activation applied to the output (default: none, linear).
        bias_axes: Letters of the output axes that get a bias, or `None` for
            no bias.
        kernel_initializer: Initializer of the kernel. A variance-scaling
            initializer without `input_axes`/`output_axes` gets them from the
            equation (contracted and produced kernel axes).
        bias_initializer: Initializer of the bias.
        kernel_regularizer: Regularizer applied to the kernel.
        bias_regularizer: Regularizer applied to the bias.
        kernel_constraint: Constraint applied to the kernel after updates.
        bias_constraint: Constraint applied to the bias after updates.
        lora_rank: If set, enables LoRA with this rank when the layer is built:
            the kernel is frozen and a trainable delta `lora_kernel_a @
            lora_kernel_b` (factorised on the kernel's last axis) is learned.
        lora_alpha: Scale of the LoRA delta (`lora_alpha / lora_rank`);
            defaults to `lora_rank`.
        gptq_unpacked_column_size: Kept in the config for Keras compatibility.
        quantization_config: A `keras.quantizers.QuantizationConfig` used when the
            layer is built from a quantized dtype policy (set by `quantize()`).
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        N-D tensor matching the input part of `equation`.

    Output shape:
        N-D tensor matching the output part of `equation`.
    """

    _lora_weight = "_kernel"
    _lora_prefix = "lora_kernel"
    _lora_constraint = "kernel_constraint"
    _lora_regularizer = "kernel_regularizer"
    _lora_constraint_error = (
        "Lora is incompatible with kernel constraints. In order to enable lora on this layer, remove the "
        "`kernel_constraint` argument."
    )

    def __init__(self, equation, output_shape, activation=None, bias_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None,
                 lora_alpha=None, gptq_unpacked_column_size=None, quantization_config=None, **kwargs):
        if not isinstance(equation, str):
            raise TypeError(f"`equation` must be a string such as 'ab,bc->ac'. Received: equation={equation}")
        super().__init__(**kwargs)
        self.equation = equation
        self.partial_output_shape = (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._init_lora(lora_rank, lora_alpha)
        self.gptq_unpacked_column_size = gptq_unpacked_column_size
        self._init_quantization(quantization_config)

    def build(self, input_shape):
        kernel_shape, bias_shape, _, input_axes, output_axes = analyze_einsum_equation(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape
        )
        self.input_spec = InputSpec(ndim=len(input_shape))
        mode = self.quantization_mode
        if mode:
            self._quantized_build(kernel_shape, mode, self.quantization_config)
        if mode not in ("int8", "int4"):
            self._kernel = self.add_weight(
                name="kernel",
                shape=tuple(kernel_shape),
                initializer=self._kernel_initializer_for(input_axes, output_axes),
                regularizer=self.kernel_regularizer,
                constraint=self.kernel_constraint,
            )
        if bias_shape is not None:
            self.bias = self.add_weight(
                name="bias",
                shape=tuple(bias_shape),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.built = True
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    def _kernel_initializer_for(self, input_axes, output_axes):
        """A variance-scaling initializer told which kernel axes are fan-in and fan-out (same seed)."""
        initializer = self.kernel_initializer
        if not isinstance(initializer, VarianceScaling):
            return initializer
        if initializer.input_axes is not None and initializer.output_axes is not None:
            return initializer
        config = initializer.get_config()
        config.update(seed=initializer.seed, input_axes=input_axes, output_axes=output_axes)
        return type(initializer).from_config(config)

    @property
    def kernel(self):
        """The kernel `Variable`, or with LoRA enabled the merged kernel tensor."""
        if not self.built:
            raise AttributeError("You must build the layer before accessing `kernel`.")
        if self._is_quantized and self.quantization_mode == "int4":
            return self._unpacked_int4_kernel()
        if self.lora_enabled:
            return self._lora_merged_weight()
        return self._kernel

    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Freeze the kernel and learn a low-rank delta `lora_kernel_a @ lora_kernel_b` on top of it.

        Args:
            rank: Rank of the delta.
            lora_alpha: Scale of the delta (`lora_alpha / rank`); defaults to `rank`.
            a_initializer: Initializer of `lora_kernel_a`, shape `kernel.shape[:-1] + (rank,)`.
            b_initializer: Initializer of `lora_kernel_b`, shape `(rank, kernel.shape[-1])`.
        """
        with self._parent_scope():
            self._enable_lora(rank, lora_alpha, a_initializer, b_initializer)

    def _enable_lora(self, rank, lora_alpha, a_initializer, b_initializer) -> None:
        if self.kernel_constraint:
            raise ValueError(self._lora_constraint_error)
        if not self.built:
            raise ValueError("Cannot enable lora on a layer that isn't yet built.")
        if self.lora_enabled:
            raise ValueError("lora is already enabled. This can only be done once per layer.")
        kernel_shape = self._lora_kernel_shape()
        self.lora_kernel_a = self.add_weight(
            name="lora_kernel_a",
            shape=kernel_shape[:-1] + (rank,),
            initializer=initializers.get(a_initializer),
            dtype="float32",
            regularizer=self.kernel_regularizer,
        )
        self.lora_kernel_b = self.add_weight(
            name="lora_kernel_b",
            shape=(rank, kernel_shape[-1]),
            initializer=initializers.get(b_initializer),
            dtype="float32",
            regularizer=self.kernel_regularizer,
        )
        self._kernel.trainable = False
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def call(self, inputs, training=None):
        if self._is_quantized:
            return self._quantized_call(inputs, training)
        kernel = self.kernel if self.lora_enabled else self._kernel.value
        compute_dtype = self._torch_compute_dtype
        if kernel.dtype != compute_dtype and self.autocast:
            kernel = kernel.to(compute_dtype)
        if inputs.dtype != kernel.dtype:
            if not inputs.is_floating_point():
                inputs = inputs.to(kernel.dtype)
            else:
                common = torch.promote_types(inputs.dtype, kernel.dtype)
                inputs, kernel = inputs.to(common), kernel.to(common)
        if kernel.device != inputs.device and inputs.is_meta:
            kernel = kernel.to("meta")
        outputs = torch.einsum(self.equation, inputs, kernel)
        if self.bias is not None:
            bias = self.bias.value
            if bias.dtype != outputs.dtype:
                bias = bias.to(outputs.dtype)
            outputs = outputs + bias
        if self.activation is not _linear:
            outputs = self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        _, _, output_shape, _, _ = analyze_einsum_equation(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape
        )
        return tuple(output_shape)

    def compute_output_spec(self, inputs, training=None):
        """The output KerasTensor; as in Keras, axes left `None` in `output_shape` stay unknown."""
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.compute_dtype)

    def save_own_variables(self, store) -> None:
        """Write `kernel` (with any LoRA delta merged in) and `bias`, as Keras does."""
        if not self.built:
            return
        if self._is_quantized:
            self._save_variables_in_order(store, DENSE_VARIABLE_ORDER[self.quantization_mode],
                                          self._quantized_variables_by_name())
            return
        kernel = self.kernel
        store["0"] = (kernel.value if not self.lora_enabled else kernel).detach().cpu().numpy()
        if self.bias is not None:
            store["1"] = self.bias.numpy()

    def load_own_variables(self, store) -> None:
        """Read `kernel` and `bias` back; a LoRA delta restarts from zero."""
        if self._is_quantized:
            self._load_variables_in_order(store, list(self._quantized_variables_by_name(merge_lora=False).values()))
            self._reset_lora()
            return
        expected = 2 if self.bias is not None else 1
        if not self.lora_enabled and len(store.keys()) != expected:
            raise ValueError(
                f"Layer '{self.name}' expected {expected} variables, but received {len(store.keys())} "
                "variables during loading."
            )
        if not self.built:
            return
        self._kernel.assign(store["0"])
        if self.bias is not None:
            self.bias.assign(store["1"])
        self._reset_lora()

    def get_config(self) -> dict:
        config = {
            "output_shape": self.partial_output_shape,
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": self._quantization_config_dict(),
        }
        config.update(self._lora_config())
        if self.gptq_unpacked_column_size:
            config["gptq_unpacked_column_size"] = self.gptq_unpacked_column_size
        return {**super().get_config(), **config}


def analyze_einsum_equation(equation, bias_axes, input_shape, output_shape):
    """Kernel, bias and output shapes of an `EinsumDense` for inputs of `input_shape`.

    Args:
        equation: The layer's einsum equation.
        bias_axes: Output letters that get a bias, or `None`.
        input_shape: Shape of the input, batch axis included.
        output_shape: The layer's (partial) `output_shape`.

    Returns:
        `(kernel_shape, bias_shape, full_output_shape, input_axes, output_axes)`:
        `bias_shape` is `None` without `bias_axes`; `input_axes`/`output_axes`
        are the kernel axes that are contracted with the input / kept in the output.

    Raises:
        ValueError: if the equation has an unsupported form or its letters do
            not line up with the input and output shapes.
    """
    normalized = equation.replace("...", "0")
    for pattern, left_elided in ((_PLAIN, False), (_LEFT_ELIDED, True), (_RIGHT_ELIDED, False)):
        match = pattern.match(normalized)
        if match:
            return _shapes_from_specs(*match.groups(), bias_axes, list(input_shape), output_shape, left_elided)
    raise ValueError(
        f"Invalid einsum equation '{equation}'. Equations must be in the form [X],[Y]->[Z], ...[X],[Y]->...[Z], "
        "or [X]...,[Y]->[Z]...."
    )


def _shapes_from_specs(input_spec, weight_spec, output_spec, bias_axes, input_shape, output_shape, left_elided):
    elided = len(input_shape) - len(input_spec)
    partial = [output_shape] if isinstance(output_shape, int) else list(output_shape)
    full_output = [input_shape[0]]
    if elided > 0 and left_elided:
        full_output += input_shape[1:elided]
    full_output += partial
    if elided > 0 and not left_elided:
        full_output += input_shape[len(input_shape) - elided:]

    if left_elided:
        input_position = {dim: i + elided - len(input_shape) for i, dim in enumerate(input_spec)}
        output_position = {dim: i + elided for i, dim in enumerate(output_spec)}
    else:
        input_position = {dim: i for i, dim in enumerate(input_spec)}
        output_position = {dim: i for i, dim in enumerate(output_spec)}

    for dim in input_spec:
        size = input_shape[input_position[dim]]
        if dim in output_position:
            declared = full_output[output_position[dim]]
            if declared is not None and declared != size:
                raise ValueError(
                    f"Input shape and output shape do not match at shared dimension '{dim}'. Input shape is "
                    f"{size}, and output shape is {declared}."
                )
    for dim in output_spec:
        if dim not in input_spec and dim not in weight_spec:
            raise ValueError(
                f"Dimension '{dim}' was specified in the output '{output_spec}' but has no corresponding dim in "
                f"the input spec '{input_spec}' or weight spec '{weight_spec}'"
            )

    kernel_shape, input_axes, output_axes = [], [], []
    for axis, dim in enumerate(weight_spec):
        if dim in output_position:
            kernel_shape.append(full_output[output_position[dim]])
            output_axes.append(axis)
        elif dim in input_position:
            kernel_shape.append(input_shape[input_position[dim]])
            input_axes.append(axis)
        else:
            raise ValueError(
                f"Weight dimension '{dim}' did not have a match in either the input spec '{input_spec}' or the "
                f"output spec '{output_spec}'. For this layer, the weight must be fully specified."
            )

    bias_shape = None
    if bias_axes is not None:
        for char in bias_axes:
            if char not in output_spec:
                raise ValueError(f"Bias dimension '{char}' was requested, but is not part of the output spec "
                                 f"'{output_spec}'")
        offset = elided if left_elided else 0
        first = min(output_spec.find(char) for char in bias_axes)
        bias_shape = [
            full_output[i + offset] if char in bias_axes else 1
            for i, char in enumerate(output_spec) if i >= first
        ]
        if not left_elided and elided > 0:
            bias_shape += [1] * elided
    return kernel_shape, bias_shape, full_output, input_axes, output_axes


EinsumDense._quantizable_class = EinsumDense
