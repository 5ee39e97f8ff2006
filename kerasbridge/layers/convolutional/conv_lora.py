"""LoRA (low-rank adaptation) for convolution kernels."""

from __future__ import annotations

from kerasbridge import initializers
from kerasbridge.layers.core.lora import LoraMixin


class ConvLoraMixin(LoraMixin):
    """LoRA on a convolution kernel of shape `kernel_size + (input_channels // groups, filters)`.

    The delta is `lora_kernel_a @ lora_kernel_b` with `lora_kernel_a` of shape
    `kernel_size + (input_channels // groups, rank)` and `lora_kernel_b` of shape
    `(rank, filters)`, the matrix product contracting the last axis of `a`, as in Keras.
    """

    _lora_weight = "_kernel"
    _lora_prefix = "lora_kernel"
    _lora_constraint = "kernel_constraint"
    _lora_regularizer = "kernel_regularizer"
    _lora_constraint_error = (
        "Lora is incompatible with kernel constraints. In order to enable lora on this layer, "
        "remove the `kernel_constraint` argument."
    )

    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Freeze the kernel and learn a low-rank delta `lora_kernel_a @ lora_kernel_b` on top of it.

        Args:
            rank: Rank of the delta.
            lora_alpha: Scale of the delta (`lora_alpha / rank`); defaults to `rank`.
            a_initializer: Initializer of `lora_kernel_a`, shape `kernel.shape[:-1] + (rank,)`.
            b_initializer: Initializer of `lora_kernel_b`, shape `(rank, filters)`.
        """
        if self.kernel_constraint:
            raise ValueError(self._lora_constraint_error)
        if not self.built:
            raise ValueError("Cannot enable lora on a layer that isn't yet built.")
        if self.lora_enabled:
            raise ValueError("lora is already enabled. This can only be done once per layer.")
        self.lora_kernel_a = self.add_weight(
            name="lora_kernel_a",
            shape=tuple(self._kernel.shape[:-1]) + (rank,),
            initializer=initializers.get(a_initializer),
            dtype="float32",
            regularizer=self.kernel_regularizer,
        )
        self.lora_kernel_b = self.add_weight(
            name="lora_kernel_b",
            shape=(rank, self.filters),
            initializer=initializers.get(b_initializer),
            dtype="float32",
            regularizer=self.kernel_regularizer,
        )
        self._kernel.trainable = False
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def save_own_variables(self, store) -> None:
        """Write `kernel` (with any LoRA delta merged in) and `bias`, as Keras does."""
        if not self.built:
            return
        kernel = self._lora_merged_weight() if self.lora_enabled else self._kernel.value
        store["0"] = kernel.detach().cpu().numpy()
        if self.bias is not None:
            store["1"] = self.bias.numpy()

    def load_own_variables(self, store) -> None:
        """Read `kernel` and `bias` back; a LoRA delta restarts from zero."""
        if not self.lora_enabled:
            super().load_own_variables(store)
            return
        self._kernel.assign(store["0"])
        if self.bias is not None:
            self.bias.assign(store["1"])
        self._reset_lora()
