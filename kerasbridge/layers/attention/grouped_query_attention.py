"""`GroupQueryAttention` (class `GroupedQueryAttention`, as in Keras): multi-head attention whose key/value heads are shared by groups of query heads."""

from __future__ import annotations

import math

import torch

from kerasbridge import constraints, initializers, regularizers
from kerasbridge.layers.activations.softmax import Softmax
from kerasbridge.layers.attention import attention_utils as utils
from kerasbridge.layers.core.einsum_dense import EinsumDense
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.regularization.dropout import Dropout


class GroupedQueryAttention(Layer):
    """Grouped-query attention (Ainslie et al., 2023).

    The query is projected to `num_query_heads` heads, key and value to
    `num_key_value_heads` heads; each key/value head serves
    `num_query_heads // num_key_value_heads` query heads. With as many
    key/value heads as query heads this is multi-head attention, with one it
    is multi-query attention. Sublayers: `query`, `key`, `value` and
    `attention_output` (`EinsumDense`), plus `gate` with `use_gate`.

    Without dropout or returned scores, the attention runs through torch's
    fused `scaled_dot_product_attention`.

    Args:
        head_dim: Size of each attention head.
        num_query_heads: Number of query heads.
        num_key_value_heads: Number of key and value heads; must divide
            `num_query_heads`.
        dropout: Dropout rate applied to the attention probabilities.
        use_bias: Whether the projections have biases.
        sliding_window: Optional window `w`: query step `i` only sees key
            steps with `|i - j| < w`.
        flash_attention: Whether to require flash attention (`True`), forbid
            it (`False`) or let torch decide (`None`).
        kernel_initializer: Initializer of the projection kernels.
        bias_initializer: Initializer of the projection biases.
        kernel_regularizer: Regularizer of the projection kernels.
        bias_regularizer: Regularizer of the projection biases.
        activity_regularizer: Regularizer of the projections' outputs and of the layer's output.
        kernel_constraint: Constraint of the projection kernels.
        bias_constraint: Constraint of the projection biases.
        use_gate: Whether a sigmoid gate computed from the query multiplies the
            attention output before the output projection.
        seed: Optional seed of the attention dropout.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Call arguments:
        query: Query tensor `(B, T, dim)`.
        value: Value tensor `(B, S, dim)`.
        key: Optional key tensor `(B, S, dim)` (defaults to `value`).
        query_mask, value_mask, key_mask: Optional boolean padding masks;
            taken from the inputs' Keras masks when not given.
        attention_mask: Optional boolean mask `(B, T, S)`, True where query
            step `t` may attend to key step `s`.
        return_attention_scores: Whether to also return the attention
            probabilities `(B, num_query_heads, T, S)`.
        training: Whether dropout is active.
        use_causal_mask: Whether step `t` may only attend to steps `s <= t`.

    Returns:
        The output `(B, T, dim)`, and with `return_attention_scores` also the scores.
    """

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0, use_bias=True,
                 sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError("`num_query_heads` must be divisible by `num_key_value_heads`.")
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout = dropout
        self.use_bias = use_bias
        self.use_gate = use_gate
        if sliding_window is not None and (
            not isinstance(sliding_window, int) or isinstance(sliding_window, bool) or sliding_window <= 0
        ):
            raise ValueError(
                f"`sliding_window` must be `None` or a positive integer. Received: sliding_window={sliding_window}"
            )
        self.sliding_window = sliding_window
        self._flash_attention = utils.flash_attention_default(flash_attention)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(self.head_dim))
        self._return_attention_scores = False
        if self._flash_attention and self.dropout > 0.0:
            raise ValueError(
                "Dropout is not supported when flash attention is enabled. Please set dropout to 0.0 to use "
                "flash attention."
            )

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        self.feature_dim = query_shape[-1]
        self._query_dense = self._projection("bqm,muh->bquh", self.num_query_heads, "uh", "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._projection("bkm,mvh->bkvh", self.num_key_value_heads, "vh", "key")
        self._key_dense.build(key_shape)
        if self.use_gate:
            self._gate_dense = self._projection("bqm,muh->bquh", self.num_query_heads, "uh", "gate",
                                                activation="sigmoid")
            self._gate_dense.build(query_shape)
        self._value_dense = self._projection("bkm,mvh->bkvh", self.num_key_value_heads, "vh", "value")
        self._value_dense.build(value_shape)
        self._softmax = Softmax(axis=-1, dtype=self.dtype_policy)
        self._dropout_layer = Dropout(rate=self.dropout, dtype=self.dtype_policy, seed=self.seed)
        self._dot_product_equation = "bquh,bkuh->buqk"
        self._combine_equation = "buqk,bkuh->bquh"
        self._output_dense = EinsumDense(
            "bquh,uhm->bqm",
            output_shape=(None, self.feature_dim),
            bias_axes="m" if self.use_bias else None,
            name="attention_output",
            **self._sublayer_kwargs(),
        )
        self._output_dense.build((None, None, self.num_query_heads, self.head_dim))

    def _projection(self, equation, heads, bias_axes, name, activation=None):
        return EinsumDense(
            equation,
            output_shape=(None, heads, self.head_dim),
            bias_axes=bias_axes if self.use_bias else None,
            activation=activation,
            name=name,
            **self._sublayer_kwargs(),
        )

    def _sublayer_kwargs(self) -> dict:
        """Arguments shared by the projections; each gets its own copy of the initializers."""
        return dict(
            kernel_regularizer=self.kernel_regularizer,
            bias_regularizer=self.bias_regularizer,
            activity_regularizer=self.activity_regularizer,
            kernel_constraint=self.kernel_constraint,
            bias_constraint=self.bias_constraint,
            dtype=self.dtype_policy,
            kernel_initializer=type(self.kernel_initializer).from_config(self.kernel_initializer.get_config()),
            bias_initializer=type(self.bias_initializer).from_config(self.bias_initializer.get_config()),
        )

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False):
        self._return_attention_scores = return_attention_scores
        if key is None:
            key = value
        causal_only = (
            use_causal_mask and query_mask is None and value_mask is None and key_mask is None
            and attention_mask is None and self.sliding_window is None
            and type(self)._compute_attention is GroupedQueryAttention._compute_attention
        )
        if causal_only:
            attention_mask = None
        else:
            attention_mask = utils.combined_attention_mask(
                query, value, query_mask=query_mask, value_mask=value_mask, key_mask=key_mask,
                attention_mask=attention_mask, use_causal_mask=use_causal_mask, sliding_window=self.sliding_window,
                always_cast=False,
            )
        query, key, value = utils.strip_mask(query), utils.strip_mask(key), utils.strip_mask(value)
        gate = self._gate_dense(query) if self.use_gate else None
        query = self._query_dense(query)
        key = torch.repeat_interleave(self._key_dense(key), self.num_repeats, dim=2)
        value = torch.repeat_interleave(self._value_dense(value), self.num_repeats, dim=2)
        extra = {"use_causal_mask": True} if causal_only else {}
        output, scores = self._compute_attention(query, key, value, attention_mask=attention_mask,
                                                 training=training, **extra)
        if gate is not None:
            output = output * gate
        output = self._output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

    def _compute_attention(self, query, key, value, attention_mask=None, training=None, use_causal_mask=False):
        if self._flash_attention and self._return_attention_scores:
            raise ValueError(
                "Returning attention scores is not supported when flash attention is enabled. Please disable "
                "flash attention to access attention scores."
            )
        if not (self.dropout > 0.0 or self._return_attention_scores or query.ndim != 4):
            output = utils.fused_attention(query, key, value, attention_mask, self._inverse_sqrt_head_dim,
                                           use_causal_mask, self._flash_attention)
            return output, None
        if use_causal_mask:
            causal = utils.causal_mask(query.shape[1], value.shape[1], query.device)
            if attention_mask is not None:
                causal = utils.as_bool_mask(attention_mask, query.device) & causal
            attention_mask = causal
        query = query * torch.tensor(self._inverse_sqrt_head_dim, dtype=query.dtype, device=query.device)
        scores = torch.einsum(self._dot_product_equation, query, key)
        if attention_mask is not None:
            attention_mask = utils.expand_mask(attention_mask, scores.ndim, 1)
        scores = self._softmax(scores, mask=attention_mask)
        dropped = self._dropout_layer(scores, training=training) if self.dropout > 0.0 else scores
        return torch.einsum(self._combine_equation, dropped, value), scores

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        value_shape = query_shape if value_shape is None else value_shape
        key_shape = value_shape if key_shape is None else key_shape
        if query_shape[-1] != value_shape[-1]:
            raise ValueError(
                "The last dimension of `query_shape` and `value_shape` must be equal, but are "
                f"{query_shape[-1]}, {value_shape[-1]}. Received: query_shape={query_shape}, "
                f"value_shape={value_shape}"
            )
        if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
            raise ValueError(
                "All dimensions of `value` and `key`, except the last one, must be equal. "
                f"Received: value_shape={value_shape} and key_shape={key_shape}"
            )
        return tuple(query_shape)

    def get_config(self) -> dict:
        config = {
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "use_bias": self.use_bias,
            "use_gate": self.use_gate,
            "sliding_window": self.sliding_window,
            "dropout": self.dropout,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "seed": self.seed,
        }
        return {**super().get_config(), **config}


# Keras exports the class under this name only (`keras.layers.GroupQueryAttention`).
GroupQueryAttention = GroupedQueryAttention
