"""`Dense`: the fully-connected layer."""

from __future__ import annotations

import torch

from kerasbridge import activations, constraints, initializers, regularizers
from kerasbridge.layers.core.dense_quantization import DENSE_VARIABLE_ORDER, DenseQuantizationMixin
from kerasbridge.layers.core.lora import LoraMixin
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.quantizers.int4_packing import unpack_int4

_linear = activations.linear


class Dense(DenseQuantizationMixin, LoraMixin, Layer):
    """A densely-connected layer: `output = activation(inputs @ kernel + bias)`.

    For inputs of rank above 2 the kernel contracts the last axis, so an input
    of shape `(batch, d0, d1)` gives an output of shape `(batch, d0, units)`.

    Args:
        units: Positive integer, the size of the output's last axis.
        activation: Activation applied to the output (default: none, linear).
        use_bias: Whether to add a bias vector.
        kernel_initializer: Initializer of the `(input_dim, units)` kernel.
        bias_initializer: Initializer of the bias vector.
        kernel_regularizer: Regularizer applied to the kernel.
        bias_regularizer: Regularizer applied to the bias.
        activity_regularizer: Regularizer applied to the output.
        kernel_constraint: Constraint applied to the kernel after updates.
        bias_constraint: Constraint applied to the bias after updates.
        lora_rank: If set, enables LoRA with this rank when the layer is built:
            the kernel is frozen and a trainable low-rank delta
            `lora_kernel_a @ lora_kernel_b` is learned on top of it.
        lora_alpha: Scale of the LoRA delta (`lora_alpha / lora_rank`);
            defaults to `lora_rank`.
        quantization_config: A `keras.quantizers.QuantizationConfig` used when the
            layer is built from a quantized dtype policy (set by `quantize()`).
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        N-D tensor of shape `(batch_size, ..., input_dim)`.

    Output shape:
        N-D tensor of shape `(batch_size, ..., units)`.
    """

    _lora_weight = "_kernel"
    _lora_prefix = "lora_kernel"
    _lora_constraint = "kernel_constraint"
    _lora_regularizer = "kernel_regularizer"
    _lora_constraint_error = (
        "Lora is incompatible with kernel constraints. In order to enable lora on this layer, "
        "remove the `kernel_constraint` argument."
    )

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None,
                 lora_alpha=None, quantization_config=None, **kwargs):
        if not isinstance(units, int) or units <= 0:
            raise ValueError(
                f"Received an invalid value for `units`, expected a positive integer. Received: units={units}"
            )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._init_lora(lora_rank, lora_alpha)
        self._init_quantization(quantization_config)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        kernel_shape = (input_shape[-1], self.units)
        mode = self.quantization_mode
        if mode:
            self._quantized_build(kernel_shape, mode, self.quantization_config)
        if mode not in ("int8", "int4"):
            self._kernel = self.add_weight(
                name="kernel",
                shape=kernel_shape,
                initializer=self.kernel_initializer,
                regularizer=self.kernel_regularizer,
                constraint=self.kernel_constraint,
            )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_shape[-1]})
        self.built = True
        if self.lora_rank:
            self.enable_lora(self.lora_rank)

    @property
    def kernel(self):
        """The kernel `Variable`, or with LoRA enabled the merged kernel tensor."""
        if not self.built:
            raise AttributeError("You must build the layer before accessing `kernel`.")
        if self._is_quantized and self.quantization_mode == "int4":
            return unpack_int4(self._kernel.value, self._orig_output_dim, axis=-1)
        if self.lora_enabled:
            return self._lora_merged_weight()
        return self._kernel

    def call(self, inputs, training=None):
        if self._is_quantized:
            return self._quantized_call(inputs, training)
        kernel = self._kernel.value if not self.lora_enabled else self.kernel
        compute_dtype = self._torch_compute_dtype
        if kernel.dtype != compute_dtype and self.autocast:
            kernel = kernel.to(compute_dtype)
        if inputs.dtype != kernel.dtype:
            inputs, kernel = _promote(inputs, kernel)
        outputs = torch.matmul(inputs, kernel)
        if self.bias is not None:
            bias = self.bias.value
            if bias.dtype != outputs.dtype:
                bias = bias.to(outputs.dtype)
            outputs = outputs + bias
        if self.activation is not _linear:
            outputs = self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape)[:-1], self.units)

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
        if len(store.keys()) != expected:
            raise ValueError(
                f"Layer '{self.name}' expected {expected} variables, but received {len(store.keys())} "
                "variables during loading."
            )
        self._kernel.assign(store["0"])
        if self.bias is not None:
            self.bias.assign(store["1"])
        self._reset_lora()

    def get_config(self) -> dict:
        base_config = super().get_config()
        config = {
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": self._quantization_config_dict(),
        }
        return {**base_config, **config, **self._lora_config()}


def _promote(inputs, kernel):
    """Cast `inputs` and `kernel` to their common dtype (integer and bool inputs take the kernel's)."""
    if not inputs.is_floating_point():
        return inputs.to(kernel.dtype), kernel
    dtype = torch.promote_types(inputs.dtype, kernel.dtype)
    return inputs.to(dtype), kernel.to(dtype)


Dense._quantizable_class = Dense
