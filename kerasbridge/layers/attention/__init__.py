"""Keras's attention layers."""

from kerasbridge.layers.attention.additive_attention import AdditiveAttention
from kerasbridge.layers.attention.attention import Attention
from kerasbridge.layers.attention.grouped_query_attention import GroupQueryAttention
from kerasbridge.layers.attention.multi_head_attention import MultiHeadAttention

__all__ = ["AdditiveAttention", "Attention", "GroupQueryAttention", "MultiHeadAttention"]
