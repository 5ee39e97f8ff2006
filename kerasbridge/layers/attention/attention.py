"""`Attention`: dot-product (Luong-style) attention between a query and a value sequence."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.layers.layer import Layer


class Attention(Layer):
    """Dot-product attention layer, a.k.a. Luong-style attention.

    For `query` `(batch, Tq, dim)`, `value` `(batch, Tv, dim)` and `key`
    `(batch, Tv, dim)` (defaults to `value`): scores `query @ key^T`
    (`score_mode="dot"`) or `sum(tanh(query + key))` (`"concat"`), a softmax
    over the key steps, and the output `probabilities @ value`.

    Args:
        use_scale: Whether to learn a scalar `scale` multiplying the scores
            (`"dot"`) or the summed terms inside the `tanh` (`"concat"`).
        score_mode: `"dot"` or `"concat"` (the latter with a learned scalar
            `concat_score_weight`).
        dropout: Fraction of the attention probabilities dropped in training.
        seed: Optional seed of the dropout.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Call arguments:
        inputs: List `[query, value]` or `[query, value, key]`.
        mask: Optional list `[query_mask, value_mask]` of boolean masks
            `(batch, Tq)` and `(batch, Tv)`; taken from the inputs' Keras masks
            when not given. Masked value steps get no attention; masked query
            steps give zero outputs.
        training: Whether dropout is active.
        return_attention_scores: Whether to also return the probabilities.
        use_causal_mask: Whether query step `i` only sees value steps `j <= i`.

    Output:
        Attention outputs `(batch, Tq, dim)`, and with `return_attention_scores`
        also the probabilities `(batch, Tq, Tv)`.
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        if self.dropout > 0:
            self.seed_generator = random.SeedGenerator(seed=seed)
        if self.score_mode not in ("dot", "concat"):
            raise ValueError(
                f"Invalid value for argument score_mode. Expected one of {{'dot', 'concat'}}. "
                f"Received: score_mode={score_mode}"
            )

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        scale = self.add_weight(name="scale", shape=(), initializer="ones") if self.use_scale else None
        concat_score_weight = None
        if self.score_mode == "concat":
            concat_score_weight = self.add_weight(name="concat_score_weight", shape=(), initializer="ones")
        self.scale = scale
        self.concat_score_weight = concat_score_weight

    def _calculate_scores(self, query, key):
        """Scores `(batch, Tq, Tv)` of every query step against every key step."""
        if self.score_mode == "dot":
            scores = torch.matmul(query, key.transpose(-2, -1))
            if self.scale is not None:
                scores = scores * self.scale.value
            return scores
        pairwise = query.unsqueeze(-2) + key.unsqueeze(-3)
        if self.scale is not None:
            pairwise = self.scale.value * pairwise
        return self.concat_score_weight.value * torch.tanh(pairwise).sum(dim=-1)

    def _apply_scores(self, scores, value, scores_mask=None, training=False):
        """Softmax of the masked scores (with dropout in training), and the weighted sum of `value`."""
        if scores_mask is not None:
            padding = torch.logical_not(torch.as_tensor(scores_mask, device=scores.device))
            large = 65504.0 if scores.dtype == torch.float16 else 1.0e9
            if padding.ndim == 2:
                padding = padding.unsqueeze(-2)
            scores = torch.where(padding, scores - large, scores)
        weights = torch.softmax(scores, dim=-1)
        if training and self.dropout > 0:
            weights = random.dropout(weights, self.dropout, seed=self.seed_generator)
        return torch.matmul(weights, value), weights

    @staticmethod
    def _score_mask(scores, value_mask, use_causal_mask):
        if not use_causal_mask:
            return value_mask
        rows = torch.arange(scores.shape[-2], device=scores.device).reshape(1, -1, 1)
        cols = torch.arange(scores.shape[-1], device=scores.device).reshape(1, 1, -1)
        causal = rows >= cols
        if value_mask is None:
            return causal
        return torch.logical_and(torch.as_tensor(value_mask, device=scores.device).unsqueeze(-2), causal)

    def call(self, inputs, mask=None, training=False, return_attention_scores=False, use_causal_mask=False):
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = mask[0] if mask else None
        value_mask = mask[1] if mask else None
        scores = self._calculate_scores(query, key)
        scores_mask = self._score_mask(scores, value_mask, use_causal_mask)
        outputs, attention_scores = self._apply_scores(scores, value, scores_mask, training=training)
        if query_mask is not None:
            keep = torch.as_tensor(query_mask, device=outputs.device).unsqueeze(-1)
            outputs = torch.where(keep, outputs, torch.zeros((), dtype=outputs.dtype, device=outputs.device))
        if return_attention_scores:
            return outputs, attention_scores
        return outputs

    def compute_mask(self, inputs, mask=None):
        self._validate_inputs(inputs, mask)
        if mask is None or mask[0] is None:
            return None
        return torch.as_tensor(mask[0])

    def compute_output_shape(self, input_shape):
        query_shape, value_shape = input_shape[0], input_shape[1]
        return (*query_shape[:-1], value_shape[-1])

    def _validate_inputs(self, inputs, mask=None):
        name = type(self).__name__
        if not isinstance(inputs, list):
            raise ValueError(
                f"{name} layer must be called on a list of inputs, namely [query, value] or [query, value, key]. "
                f"Received: inputs={inputs}."
            )
        if not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{name} layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, key]. "
                f"Received length: {len(inputs)}."
            )
        if mask is not None:
            if not isinstance(mask, list):
                raise ValueError(
                    f"{name} layer mask must be a list, namely [query_mask, value_mask]. Received: mask={mask}."
                )
            if not 2 <= len(mask) <= 3:
                raise ValueError(
                    f"{name} layer accepts mask list of length 2 or 3. Received: inputs={inputs}, mask={mask}."
                )

    def get_config(self) -> dict:
        config = {"use_scale": self.use_scale, "score_mode": self.score_mode, "dropout": self.dropout,
                  "seed": self.seed}
        return {**super().get_config(), **config}
