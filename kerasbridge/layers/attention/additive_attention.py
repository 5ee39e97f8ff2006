"""`AdditiveAttention`: Bahdanau-style attention between a query and a value sequence."""

from __future__ import annotations

import torch

from kerasbridge.layers.attention.attention import Attention


class AdditiveAttention(Attention):
    """Additive attention layer, a.k.a. Bahdanau-style attention.

    For `query` `(batch, Tq, dim)`, `value` `(batch, Tv, dim)` and `key`
    `(batch, Tv, dim)` (defaults to `value`), the scores are
    `sum(scale * tanh(query + key), axis=-1)` for every query/key pair,
    followed by a softmax over the key steps and the weighted sum of `value`.

    Args:
        use_scale: Whether to learn a `scale` vector of size `dim` (glorot
            uniform initialised) weighting the `tanh` terms; otherwise they are
            summed unweighted.
        dropout: Fraction of the attention probabilities dropped in training.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, `seed`, ...).

    Call arguments:
        inputs: List `[query, value]` or `[query, value, key]`.
        mask: Optional list `[query_mask, value_mask]` of boolean masks
            `(batch, Tq)` and `(batch, Tv)`.
        training: Whether dropout is active.
        return_attention_scores: Whether to also return the probabilities.
        use_causal_mask: Whether query step `i` only sees value steps `j <= i`.

    Output:
        Attention outputs `(batch, Tq, dim)`, and with `return_attention_scores`
        also the probabilities `(batch, Tq, Tv)`.
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        scale = None
        if self.use_scale:
            scale = self.add_weight(name="scale", shape=(input_shape[0][-1],), initializer="glorot_uniform")
        self.scale = scale

    def _calculate_scores(self, query, key):
        terms = torch.tanh(query.unsqueeze(-2) + key.unsqueeze(-3))
        if self.use_scale:
            terms = self.scale.value * terms
        return terms.sum(dim=-1)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["score_mode"]
        return config
