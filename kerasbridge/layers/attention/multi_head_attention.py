"""`MultiHeadAttention`: attention with learned query/key/value projections and several heads."""

from __future__ import annotations

import math

import torch

from kerasbridge import constraints, initializers, regularizers
from kerasbridge.layers.activations.softmax import Softmax
from kerasbridge.layers.attention import attention_utils as utils
from kerasbridge.layers.core.einsum_dense import EinsumDense
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.regularization.dropout import Dropout


class MultiHeadAttention(Layer):
    """Multi-head attention, as in "Attention Is All You Need".

    `query`, `key` and `value` are projected to `num_heads` heads (sublayers
    `query`, `key`, `value`, each an `EinsumDense`), every query step attends
    to the key steps with scaled dot products, and the heads are projected back
    by the `attention_output` sublayer. With `key` omitted, `value` serves as
    both key and value (self-attention when `query` is `value` too).

    Without dropout, returned scores or extra attention axes, the attention
    runs through torch's fused `scaled_dot_product_attention`.

    Args:
        num_heads: Number of attention heads.
        key_dim: Size of each head for query and key.
        value_dim: Size of each head for value (defaults to `key_dim`).
        dropout: Dropout rate applied to the attention probabilities.
        use_bias: Whether the projections have biases.
        output_shape: Shape of the output's trailing axes (an int or tuple);
            defaults to the query's last axis.
        attention_axes: Axes of the inputs attended over (default: all axes
            between the batch and the features).
        sliding_window: Optional window `w`: query step `i` only sees key
            steps with `|i - j| < w`.
        flash_attention: Whether to require flash attention (`True`), forbid
            it (`False`) or let torch decide (`None`).
        kernel_initializer: Initializer of the projection kernels.
        bias_initializer: Initializer of the projection biases.
        kernel_regularizer: Regularizer of the projection kernels.
        bias_regularizer: Regularizer of the projection biases.
        activity_regularizer: Regularizer of the projections' outputs.
        kernel_constraint: Constraint of the projection kernels.
        bias_constraint: Constraint of the projection biases.
        use_gate: Whether a sigmoid gate (sublayer `gate`, computed from the
            query) multiplies the attention output before the output projection.
        seed: Optional seed of the attention dropout.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Call arguments:
        query: Query tensor `(B, T, dim)`.
        value: Value tensor `(B, S, dim)`.
        key: Optional key tensor `(B, S, dim)` (defaults to `value`).
        query_mask, value_mask, key_mask: Optional boolean padding masks
            `(B, T)` / `(B, S)`; taken from the inputs' Keras masks (e.g. from
            `Embedding(mask_zero=True)`) when not given.
        attention_mask: Optional boolean mask `(B, T, S)`, True where query
            step `t` may attend to key step `s`.
        return_attention_scores: Whether to also return the attention
            probabilities `(B, num_heads, T, S)`.
        training: Whether dropout is active.
        use_causal_mask: Whether step `t` may only attend to steps `s <= t`.

    Returns:
        The output `(B, T, E)` (`E` the query's last axis unless `output_shape`
        is given), and with `return_attention_scores` also the scores.
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        if not _is_positive_int(num_heads):
            raise ValueError(
                "Received an invalid value for argument `num_heads`, expected a positive integer. "
                f"Received: num_heads={num_heads}"
            )
        if not _is_positive_int(key_dim):
            raise ValueError(
                "Received an invalid value for argument `key_dim`, expected a positive integer. "
                f"Received: key_dim={key_dim}"
            )
        if value_dim is not None and not _is_positive_int(value_dim):
            raise ValueError(
                "Received an invalid value for argument `value_dim`, expected a positive integer or `None`. "
                f"Received: value_dim={value_dim}"
            )
        super().__init__(**kwargs)
        self.supports_masking = True
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout = dropout
        self._use_bias = use_bias
        self._use_gate = use_gate
        self._output_shape = _normalize_output_shape(output_shape)
        self._flash_attention = utils.flash_attention_default(flash_attention)
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(f"`attention_axes` must be an int, list, or tuple.Received: attention_axes={attention_axes}")
        self._attention_axes = attention_axes
        if sliding_window is not None and not _is_positive_int(sliding_window):
            raise ValueError(
                f"`sliding_window` must be `None` or a positive integer. Received: sliding_window={sliding_window}"
            )
        self._sliding_window = sliding_window
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(self._key_dim))
        if self._flash_attention and self._dropout > 0.0:
            raise ValueError(
                "Dropout is not supported when flash attention is enabled. Please set dropout to 0.0 to use "
                "flash attention."
            )

    num_heads = property(lambda self: self._num_heads, doc="Number of attention heads.")
    key_dim = property(lambda self: self._key_dim, doc="Size of each query/key head.")
    value_dim = property(lambda self: self._value_dim, doc="Size of each value head.")
    dropout = property(lambda self: self._dropout, doc="Dropout rate of the attention probabilities.")
    use_bias = property(lambda self: self._use_bias, doc="Whether the projections have biases.")
    attention_axes = property(lambda self: self._attention_axes, doc="Axes attended over.")
    query_dense = property(lambda self: self._query_dense, doc="The query projection (`EinsumDense`).")
    key_dense = property(lambda self: self._key_dense, doc="The key projection (`EinsumDense`).")
    value_dense = property(lambda self: self._value_dense, doc="The value projection (`EinsumDense`).")
    output_dense = property(lambda self: self._output_dense, doc="The output projection (`EinsumDense`).")

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
            raise ValueError(
                "All dimensions of `value` and `key`, except the last one, must be equal. "
                f"Received: value_shape={value_shape} and key_shape={key_shape}"
            )
        query_rank, value_rank, key_rank = len(query_shape), len(value_shape), len(key_shape)
        self._query_dense = self._projection(query_rank, self._key_dim, "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._projection(key_rank, self._key_dim, "key")
        self._key_dense.build(key_shape)
        if self._use_gate:
            self._gate_dense = self._projection(query_rank, self._value_dim, "gate", activation="sigmoid")
            self._gate_dense.build(query_shape)
        self._value_dense = self._projection(value_rank, self._value_dim, "value")
        self._value_dense.build(value_shape)
        self._build_attention(value_rank + 1)
        output_shape = self._output_shape or [query_shape[-1]]
        equation, bias_axes, output_rank = utils.projection_equation(query_rank - 1, 2, len(output_shape))
        self._output_dense = EinsumDense(
            equation,
            output_shape=utils.partial_output_shape(output_rank - 1, output_shape),
            bias_axes=bias_axes if self._use_bias else None,
            name="attention_output",
            **self._sublayer_kwargs(),
        )
        projected_query = list(self._query_dense.compute_output_shape(query_shape))
        projected_query[-1] = self._value_dim
        self._output_dense.build(tuple(projected_query))

    def _projection(self, input_rank, head_size, name, activation=None):
        equation, bias_axes, output_rank = utils.projection_equation(input_rank - 1, 1, 2)
        return EinsumDense(
            equation,
            output_shape=utils.partial_output_shape(output_rank - 1, [self._num_heads, head_size]),
            bias_axes=bias_axes if self._use_bias else None,
            activation=activation,
            name=name,
            **self._sublayer_kwargs(),
        )

    def _sublayer_kwargs(self) -> dict:
        """Arguments shared by the projections; each gets its own copy of the initializers."""
        return dict(
            kernel_regularizer=self._kernel_regularizer,
            bias_regularizer=self._bias_regularizer,
            activity_regularizer=self._activity_regularizer,
            kernel_constraint=self._kernel_constraint,
            bias_constraint=self._bias_constraint,
            dtype=self.dtype_policy,
            kernel_initializer=type(self._kernel_initializer).from_config(self._kernel_initializer.get_config()),
            bias_initializer=type(self._bias_initializer).from_config(self._bias_initializer.get_config()),
        )

    def _build_attention(self, rank):
        """Resolve `attention_axes` for projected tensors of `rank` and create the softmax and dropout."""
        if self._attention_axes is None:
            self._attention_axes = tuple(range(1, rank - 2))
        else:
            self._attention_axes = tuple(axis if axis >= 0 else (rank - 1) + axis for axis in self._attention_axes)
        self._dot_product_equation, self._combine_equation, scores_rank = utils.attention_equations(
            rank, self._attention_axes
        )
        norm_axes = tuple(range(scores_rank - len(self._attention_axes), scores_rank))
        self._softmax = Softmax(axis=norm_axes, dtype=self.dtype_policy)
        self._dropout_layer = Dropout(rate=self._dropout, dtype=self.dtype_policy, seed=self.seed)

    def _masked_softmax(self, attention_scores, attention_mask=None):
        if attention_mask is not None:
            attention_mask = utils.expand_mask(attention_mask, attention_scores.ndim, len(self._attention_axes))
        return self._softmax(attention_scores, mask=attention_mask)

    def _compute_attention(self, query, key, value, attention_mask=None, training=None,
                           return_attention_scores=False, use_causal_mask=False):
        if self._flash_attention and return_attention_scores:
            raise ValueError(
                "Returning attention scores is not supported when flash attention is enabled. Please disable "
                "flash attention to access attention scores."
            )
        if not (self._dropout > 0.0 or return_attention_scores or query.ndim != 4):
            output = utils.fused_attention(query, key, value, attention_mask, self._inverse_sqrt_key_dim,
                                           use_causal_mask, self._flash_attention)
            return output, None
        if use_causal_mask:
            causal = utils.causal_mask(query.shape[1], value.shape[1], query.device)
            if attention_mask is not None:
                causal = utils.as_bool_mask(attention_mask, query.device) & causal
            attention_mask = causal
        query = query * torch.tensor(self._inverse_sqrt_key_dim, dtype=query.dtype, device=query.device)
        attention_scores = torch.einsum(self._dot_product_equation, key, query)
        attention_scores = self._masked_softmax(attention_scores, attention_mask)
        if self._dropout > 0.0:
            dropped_scores = self._dropout_layer(attention_scores, training=training)
        else:
            dropped_scores = attention_scores
        output = torch.einsum(self._combine_equation, dropped_scores, value)
        return output, attention_scores

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False):
        if key is None:
            key = value
        query_mask = getattr(query, "_keras_mask", None)
        for tensor in (query, value, key):
            if getattr(tensor, "_keras_mask", None) is not None:
                tensor._keras_mask = None
        causal_only = (
            use_causal_mask and query_mask is None and value_mask is None and key_mask is None
            and attention_mask is None and self._sliding_window is None
            and type(self)._compute_attention is MultiHeadAttention._compute_attention
        )
        if causal_only:
            attention_mask = None
        else:
            attention_mask = utils.combined_attention_mask(
                query, value, query_mask=query_mask, value_mask=value_mask, key_mask=key_mask,
                attention_mask=attention_mask, use_causal_mask=use_causal_mask, sliding_window=self._sliding_window,
            )
        gate = self._gate_dense(query) if self._use_gate else None
        projected_query = self._query_dense(query)
        projected_key = self._key_dense(key)
        projected_value = self._value_dense(value)
        extra = {"use_causal_mask": True} if causal_only else {}
        attention_output, attention_scores = self._compute_attention(
            projected_query, projected_key, projected_value, attention_mask, training, return_attention_scores,
            **extra,
        )
        if gate is not None:
            attention_output = attention_output * gate
        attention_output = self._output_dense(attention_output)
        if query_mask is not None:
            attention_output._keras_mask = query_mask
        if return_attention_scores:
            return attention_output, attention_scores
        return attention_output

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        query_shape = tuple(query_shape)
        value_shape = query_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                "All dimensions of `value` and `key`, except the last one, must be equal. "
                f"Received: value_shape={value_shape} and key_shape={key_shape}"
            )
        if self._output_shape:
            return query_shape[:-1] + self._output_shape
        return query_shape

    def get_config(self) -> dict:
        config = {
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "use_gate": self._use_gate,
            "output_shape": self._output_shape,
            "attention_axes": self._attention_axes,
            "sliding_window": self._sliding_window,
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            "kernel_regularizer": regularizers.serialize(self._kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self._bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "kernel_constraint": constraints.serialize(self._kernel_constraint),
            "bias_constraint": constraints.serialize(self._bias_constraint),
            "seed": self.seed,
        }
        return {**super().get_config(), **config}


def _is_positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _normalize_output_shape(output_shape):
    if not output_shape:
        return output_shape
    if isinstance(output_shape, int):
        return (output_shape,)
    try:
        return tuple(output_shape)
    except TypeError:
        raise ValueError(
            f"Invalid `output_shape`: {output_shape}. When specified, the `output_shape` should be of type tuple, "
            "list, or int."
        ) from None
