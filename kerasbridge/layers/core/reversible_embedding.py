"""`ReversibleEmbedding`: an embedding that can also project vectors back to vocabulary logits."""

from __future__ import annotations

import torch

from kerasbridge.layers.core.embedding import Embedding


class ReversibleEmbedding(Embedding):
    """An `Embedding` whose `call(inputs, reverse=True)` maps hidden vectors back to logits.

    With `reverse=False` (the default) the layer is a plain embedding lookup. With
    `reverse=True` its input is a float tensor `(..., output_dim)` and the output
    is `inputs @ embeddings.T` (tied weights) or `inputs @ reverse_embeddings`
    (untied), optionally soft-capped as `tanh(logits / cap) * cap`. This is the
    tied input/output embedding of language models.

    Args:
        input_dim: Positive integer, size of the vocabulary.
        output_dim: Positive integer, size of each embedding vector.
        tie_weights: Whether the reverse projection reuses the embedding table.
            When `False`, a separate `(output_dim, input_dim)` weight
            `reverse_embeddings` is created.
        embeddings_initializer: Initializer of the table(s).
        embeddings_regularizer: Regularizer applied to the embedding table.
        embeddings_constraint: Constraint applied to the embedding table.
        mask_zero: Whether index `0` is padding (the forward lookup then emits a mask).
        reverse_dtype: Dtype of the reverse matmul (inputs and kernel are cast to it),
            or `None` for the compute dtype.
        logit_soft_cap: If set, reverse logits are `tanh(logits / cap) * cap`.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        `reverse=False`: integer tensor `(batch_size, ...)`.
        `reverse=True`: float tensor `(batch_size, ..., output_dim)`.

    Output shape:
        `reverse=False`: `(batch_size, ..., output_dim)`.
        `reverse=True`: `(batch_size, ..., input_dim)`.
    """

    def __init__(self, input_dim, output_dim, tie_weights=True, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False, reverse_dtype=None,
                 logit_soft_cap=None, **kwargs):
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer, embeddings_constraint=embeddings_constraint,
                         mask_zero=mask_zero, **kwargs)
        self.tie_weights = tie_weights
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = logit_soft_cap

    def build(self, input_shape=None):
        if self.built:
            return
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(
                shape=(self.output_dim, self.input_dim),
                initializer=self.embeddings_initializer,
                name="reverse_embeddings",
                trainable=True,
            )

    def call(self, inputs, reverse=False):
        if not reverse:
            outputs = super().call(inputs)
            if self.mask_zero:
                outputs._keras_mask = inputs != 0
            return outputs
        if self.tie_weights:
            kernel = self.embeddings
            kernel = (kernel.value if hasattr(kernel, "value") else kernel).transpose(0, 1)
        else:
            kernel = self.reverse_embeddings.value
        if self.reverse_dtype is not None:
            from kerasbridge.backend.dtypes import to_torch_dtype

            target = to_torch_dtype(self.reverse_dtype)
            inputs, kernel = inputs.to(target), kernel.to(target)
        elif kernel.dtype != inputs.dtype:
            kernel = kernel.to(inputs.dtype)
        if inputs.is_meta and not kernel.is_meta:
            kernel = kernel.to("meta")
        logits = torch.matmul(inputs, kernel)
        if self.logit_soft_cap is not None:
            logits = torch.tanh(logits / self.logit_soft_cap) * self.logit_soft_cap
        return logits

    def compute_mask(self, inputs, mask=None):
        return None  # the forward lookup attaches its mask inside `call`

    def compute_output_shape(self, input_shape, reverse=False):
        if reverse:
            return (*tuple(input_shape)[:-1], self.input_dim)
        return (*tuple(input_shape), self.output_dim)

    def save_own_variables(self, store) -> None:
        super().save_own_variables(store)
        if self.built and not self.tie_weights:
            store["1"] = self.reverse_embeddings.numpy()

    def load_own_variables(self, store) -> None:
        if self.tie_weights:
            super().load_own_variables(store)
            return
        if len(store.keys()) != 2:
            raise ValueError(
                f"Layer '{self.name}' expected 2 variables, but received {len(store.keys())} "
                "variables during loading."
            )
        self._embeddings.assign(store["0"])
        self.reverse_embeddings.assign(store["1"])
        self._reset_lora()

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "tie_weights": self.tie_weights,
            "reverse_dtype": self.reverse_dtype,
            "logit_soft_cap": self.logit_soft_cap,
        }
