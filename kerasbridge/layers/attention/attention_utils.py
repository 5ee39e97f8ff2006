"""Pieces shared by `MultiHeadAttention` and `GroupQueryAttention`.

Einsum equations for the projections and the attention product, the boolean
masks (padding, causal, sliding window) combined into one attention mask, and
the fused path through torch's `scaled_dot_product_attention`.
"""

from __future__ import annotations

import string

import torch

from kerasbridge.ops.nn import dot_product_attention

_LETTERS = string.ascii_lowercase


def projection_equation(free_dims: int, bound_dims: int, output_dims: int):
    """The einsum equation of a projection inside multi-head attention.

    Args:
        free_dims: Leading input axes kept in the output (batch, sequence...).
        bound_dims: Trailing input axes contracted with the kernel.
        output_dims: Axes the kernel adds to the output (e.g. heads, head size).

    Returns:
        `(equation, bias_axes, output_rank)`, e.g. `("abc,cde->abde", "de", 4)`
        for `(1 + 1, 1, 2)`.
    """
    free = _LETTERS[:free_dims]
    bound = _LETTERS[free_dims:free_dims + bound_dims]
    produced = _LETTERS[free_dims + bound_dims:free_dims + bound_dims + output_dims]
    return f"{free}{bound},{bound}{produced}->{free}{produced}", produced, free_dims + output_dims


def partial_output_shape(output_rank: int, known_last_dims) -> list:
    """`output_shape` for an `EinsumDense`: unknown leading axes, then `known_last_dims`."""
    known_last_dims = list(known_last_dims)
    return [None] * (output_rank - len(known_last_dims)) + known_last_dims


def attention_equations(rank: int, attention_axes: tuple):
    """The einsum equations of attention over `attention_axes` of projected tensors of `rank`.

    Args:
        rank: Rank of the projected query/key/value, `(batch, *axes, heads, size)`.
        attention_axes: Non-negative axes attended over.

    Returns:
        `(dot_product_equation, combine_equation, scores_rank)`: the first maps
        `(key, query)` to scores `(batch dims..., query attention axes..., key
        attention axes...)`, the second maps `(scores, value)` to the output.
    """
    target = _LETTERS[:rank]
    batch_dims = [i for i in range(rank) if i not in attention_axes and i != rank - 1]
    fresh = iter(_LETTERS[rank:])
    source = "".join(target[i] if (i in batch_dims or i == rank - 1) else next(fresh) for i in range(rank))
    product = (
        "".join(target[i] for i in batch_dims)
        + "".join(target[i] for i in attention_axes)
        + "".join(source[i] for i in attention_axes)
    )
    return f"{source},{target}->{product}", f"{product},{source}->{target}", len(product)


def causal_mask(query_length: int, value_length: int, device) -> torch.Tensor:
    """Boolean `(1, T, S)` mask letting query step `i` see key steps `j <= i`."""
    rows = torch.arange(query_length, device=device).reshape(1, query_length, 1)
    cols = torch.arange(value_length, device=device).reshape(1, 1, value_length)
    return rows >= cols


def sliding_window_mask(query_length: int, value_length: int, window: int, device) -> torch.Tensor:
    """Boolean `(1, T, S)` mask letting query step `i` see key steps with `|i - j| < window`."""
    rows = torch.arange(query_length, device=device).reshape(1, query_length, 1)
    cols = torch.arange(value_length, device=device).reshape(1, 1, value_length)
    return (rows - cols).abs() < window


def combined_attention_mask(query, value, *, query_mask=None, value_mask=None, key_mask=None,
                            attention_mask=None, use_causal_mask=False, sliding_window=None,
                            always_cast=True):
    """One attention mask from the padding masks, causality, a sliding window and `attention_mask`.

    Args:
        query: Query tensor `(B, T, ...)`.
        value: Value tensor `(B, S, ...)`.
        query_mask: Optional `(B, T)` padding mask of the query.
        value_mask: Optional `(B, S)` padding mask of the value.
        key_mask: Optional `(B, S)` padding mask of the key.
        attention_mask: Optional mask broadcastable to `(B, T, S)`.
        use_causal_mask: Whether query step `i` may only see steps `j <= i`.
        sliding_window: Optional window size `w`: step `i` sees `|i - j| < w`.
        always_cast: Whether `attention_mask` is cast to bool even when no other
            mask applies (`MultiHeadAttention`); `GroupQueryAttention` passes it
            through unchanged in that case.

    Returns:
        The boolean mask (True = attend), `attention_mask` itself, or `None`.
    """
    auto_mask = None
    device = query.device

    def both(first, second):
        return second if first is None else first & second

    if query_mask is not None:
        auto_mask = as_bool_mask(query_mask, device).unsqueeze(-1)
    if value_mask is not None:
        auto_mask = both(auto_mask, as_bool_mask(value_mask, device).unsqueeze(-2))
    if key_mask is not None:
        auto_mask = both(auto_mask, as_bool_mask(key_mask, device).unsqueeze(-2))
    if use_causal_mask:
        auto_mask = both(auto_mask, causal_mask(query.shape[1], value.shape[1], query.device))
    if sliding_window is not None:
        auto_mask = both(auto_mask, sliding_window_mask(query.shape[1], value.shape[1], sliding_window, query.device))
    if attention_mask is not None and (always_cast or auto_mask is not None):
        attention_mask = as_bool_mask(attention_mask, device)
    if auto_mask is not None:
        attention_mask = auto_mask if attention_mask is None else attention_mask & auto_mask
    return attention_mask


def expand_mask(mask, target_rank: int, num_attention_axes: int):
    """Add axes in front of the attention axes of `mask` until it has `target_rank` (e.g. a heads axis)."""
    axis = -2 * num_attention_axes - 1
    while mask.ndim < target_rank:
        mask = mask.unsqueeze(axis)
    return mask


def fused_attention(query, key, value, attention_mask, scale: float, use_causal_mask: bool, flash_attention):
    """Attention of `(B, T, N, H)` tensors through `scaled_dot_product_attention`, masks as Keras applies them."""
    if use_causal_mask and attention_mask is None:
        return dot_product_attention._eager(query, key, value, scale=scale, is_causal=True,
                                            flash_attention=flash_attention)
    if attention_mask is not None:
        attention_mask = expand_mask(as_bool_mask(attention_mask, query.device), 4, 1)
    return dot_product_attention._eager(query, key, value, mask=attention_mask, scale=scale,
                                        is_causal=use_causal_mask, flash_attention=flash_attention)


def flash_attention_default(flash_attention):
    """`flash_attention` as given, else the global setting (`keras.config.enable_flash_attention`)."""
    if flash_attention:
        return flash_attention
    from kerasbridge import config

    enabled = getattr(config, "is_flash_attention_enabled", None)
    return enabled() if enabled is not None else False


def strip_mask(tensor):
    """A view of `tensor` without its Keras mask, so sublayers that ignore masks do not warn about it."""
    if getattr(tensor, "_keras_mask", None) is None:
        return tensor
    return tensor.view_as(tensor)


def as_bool_mask(mask, device=None):
    """`mask` as a boolean tensor (nonzero = True) on `device`."""
    mask = torch.as_tensor(mask, device=device)
    return mask if mask.dtype == torch.bool else mask.to(torch.bool)
