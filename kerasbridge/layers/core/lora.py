"""LoRA (low-rank adaptation), shared by `Dense` and `Embedding`."""

from __future__ import annotations

import torch

from kerasbridge import initializers


class LoraMixin:
    """Freezes a layer's main weight and learns a low-rank delta `a @ b` on top of it.

    A layer using it names its weight in the class attributes below, calls
    `_init_lora` in `__init__`, returns `_lora_merged_weight()` from its weight
    property while `lora_enabled`, and merges `_lora_config()` into its config.
    """

    _lora_weight: str  # attribute holding the frozen weight, e.g. "_kernel"
    _lora_prefix: str  # prefix of the delta factors, e.g. "lora_kernel" -> `lora_kernel_a`, `lora_kernel_b`
    _lora_constraint: str  # attribute holding the weight's constraint, e.g. "kernel_constraint"
    _lora_regularizer: str  # attribute holding the weight's regularizer, e.g. "kernel_regularizer"
    _lora_constraint_error: str  # message raised when enabling LoRA on a constrained weight

    def _init_lora(self, lora_rank, lora_alpha) -> None:
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False

    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Freeze the weight and learn a low-rank delta `lora_<weight>_a @ lora_<weight>_b` on top of it.

        Args:
            rank: Rank of the delta.
            lora_alpha: Scale of the delta (`lora_alpha / rank`); defaults to `rank`.
            a_initializer: Initializer of the `a` factor, shape `(weight.shape[0], rank)`.
            b_initializer: Initializer of the `b` factor, shape `(rank, weight.shape[1])`.
        """
        if getattr(self, self._lora_constraint):
            raise ValueError(self._lora_constraint_error)
        if not self.built:
            raise ValueError("Cannot enable lora on a layer that isn't yet built.")
        if self.lora_enabled:
            raise ValueError("lora is already enabled. This can only be done once per layer.")
        weight = getattr(self, self._lora_weight)
        rows, cols = weight.shape
        regularizer = getattr(self, self._lora_regularizer)
        prefix = self._lora_prefix
        setattr(
            self,
            f"{prefix}_a",
            self.add_weight(
                name=f"{prefix}_a",
                shape=(rows, rank),
                initializer=initializers.get(a_initializer),
                dtype="float32",
                regularizer=regularizer,
            ),
        )
        setattr(
            self,
            f"{prefix}_b",
            self.add_weight(
                name=f"{prefix}_b",
                shape=(rank, cols),
                initializer=initializers.get(b_initializer),
                dtype="float32",
                regularizer=regularizer,
            ),
        )
        weight.trainable = False
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def _lora_factors(self):
        prefix = self._lora_prefix
        return getattr(self, f"{prefix}_a"), getattr(self, f"{prefix}_b")

    def _lora_merged_weight(self) -> torch.Tensor:
        """The frozen weight plus the scaled delta, in the compute dtype."""
        lora_a, lora_b = self._lora_factors()
        delta = torch.matmul(lora_a.value, lora_b.value)
        merged = getattr(self, self._lora_weight).value + (self.lora_alpha / self.lora_rank) * delta
        return merged.to(self._torch_compute_dtype)

    def _reset_lora(self) -> None:
        """Restart the delta from zero (after loading a merged weight)."""
        if self.lora_enabled:
            for factor in self._lora_factors():
                factor.assign(torch.zeros(factor.shape))

    def _lora_config(self) -> dict:
        if self.lora_rank:
            return {"lora_rank": self.lora_rank, "lora_alpha": self.lora_alpha}
        return {}
