"""Vocabulary bookkeeping and output encoding shared by the lookup layers (`StringLookup`, `IntegerLookup`)."""

from __future__ import annotations

import collections

import numpy as np
import torch

from kerasbridge.backend.dtypes import to_torch_dtype
from kerasbridge.layers.preprocessing._string_hash import fingerprint64, siphash24


def bincount_encode(indices: np.ndarray, output_mode: str, depth: int, dtype) -> torch.Tensor:
    """Encode rows of indices as Keras's lookup layers do (TensorFlow's dense bincount).

    Indices outside `[0, depth)` (such as the mask's, or the `-1` padding of ragged
    rows) are ignored. `"one_hot"` encodes each element (rank 1 inputs, or rank 2
    with a last axis of size 1); `"multi_hot"` marks and `"count"` counts the
    indices of each row of a rank-2 input (of all elements for rank 1).
    """
    indices = np.asarray(indices, dtype=np.int64)
    if indices.ndim == 0:
        indices = indices.reshape(1)
    if output_mode == "one_hot" and indices.shape[-1] != 1:
        indices = indices[..., None]
    if indices.ndim > 2:
        raise ValueError(
            "When output_mode is not `'int'`, maximum supported output rank is 2. Received output_mode "
            f"{output_mode} and input shape {indices.shape}, which would result in output rank {indices.ndim}."
        )
    rows = indices if indices.ndim == 2 else indices[None]
    valid = (rows >= 0) & (rows < depth)
    counts = np.zeros((rows.shape[0], depth), dtype=np.int64)
    row_ids = np.broadcast_to(np.arange(rows.shape[0])[:, None], rows.shape)
    np.add.at(counts, (row_ids[valid], rows[valid]), 1)
    if output_mode in ("one_hot", "multi_hot"):
        counts = np.minimum(counts, 1)
    if indices.ndim == 1:
        counts = counts[0]
    return torch.from_numpy(counts).to(to_torch_dtype(dtype))


def count_tokens(rows) -> tuple[collections.Counter, collections.Counter, int]:
    """Token counts, per-document counts and the number of documents of a batch of token rows."""
    counts: collections.Counter = collections.Counter()
    document_counts: collections.Counter = collections.Counter()
    for row in rows:
        counts.update(row)
        document_counts.update(set(row))
    return counts, document_counts, len(rows)


def most_frequent_first(counts: collections.Counter) -> list:
    """Tokens by decreasing count; ties by decreasing token (Keras's `np.lexsort(...)[::-1]` order)."""
    return [token for token, _ in sorted(counts.items(), key=lambda item: (item[1], item[0]), reverse=True)]


def inverse_document_frequency(document_counts: np.ndarray, num_documents: int) -> np.ndarray:
    """`log(1 + num_documents / (1 + document_count))`, computed in float64 and returned as float32."""
    return np.log(1 + num_documents / (1 + document_counts.astype(np.float64))).astype(np.float32)


def check_vocabulary_tokens(vocabulary, tokens, special, mask_token, reserved_oov_token, max_tokens, token_start):
    """Raise Keras's errors for repeated tokens, misplaced mask/OOV tokens and oversized vocabularies."""
    repeated = [t for t, c in collections.Counter(tokens).items() if c > 1]
    if repeated:
        raise ValueError(
            "The passed vocabulary has at least one repeated term. Please uniquify your dataset. "
            f"The repeated terms are: {repeated}"
        )
    layout = (
        "Note that passed `vocabulary` does not need to include the OOV and mask tokens. Either remove all mask "
        f"and OOV tokens, or include them only at the start of the vocabulary in precisely this order: {special}."
    )
    if mask_token is not None and mask_token in tokens:
        index = len(vocabulary) - 1 - vocabulary[::-1].index(mask_token)
        raise ValueError(
            f"Found reserved mask token at unexpected location in `vocabulary`. {layout} "
            f"Received: mask_token={mask_token} at vocabulary index {index}"
        )
    if reserved_oov_token is not None and reserved_oov_token in tokens:
        raise ValueError(
            f"Found reserved OOV token at unexpected location in `vocabulary`. {layout} "
            f"Received: oov_token={reserved_oov_token}"
        )
    if max_tokens is not None and token_start + len(tokens) > max_tokens:
        raise ValueError(
            "Attempted to set a vocabulary larger than the maximum vocab size. Received vocabulary size is "
            f"{token_start + len(tokens)}; `max_tokens` is {max_tokens}."
        )


def pad_given_idf_weights(idf_weights, vocabulary_length: int, front: int, total) -> np.ndarray:
    """Given IDF weights padded in front (special tokens, with their average) and up to `total` entries."""
    idf_weights = np.asarray(idf_weights)
    if len(idf_weights) != vocabulary_length:
        raise ValueError(
            "`idf_weights` must be the same length as vocabulary. "
            f"len(idf_weights) is {len(idf_weights)}; len(vocabulary) is {vocabulary_length}"
        )
    if idf_weights.ndim != 1:
        raise ValueError(f"TF-IDF data must be a 1-index array. Received: type(idf_weights)={type(idf_weights)}")
    front_value = np.average(idf_weights) if front else 0
    back = total - front - len(idf_weights) if total else 0
    return np.pad(idf_weights, (front, back), constant_values=(front_value, 0))


def hash_to_buckets(keys: np.ndarray, num_buckets: int, salt=None) -> np.ndarray:
    """FarmHash64 (SipHash with a `salt`) of each key's UTF-8 text (integers in decimal), modulo `num_buckets`."""
    out = np.empty(keys.shape, dtype=np.int64)
    flat_keys, flat_out = keys.reshape(-1), out.reshape(-1)
    for i, key in enumerate(flat_keys):
        data = key.encode("utf-8") if isinstance(key, str) else str(int(key)).encode("ascii")
        flat_out[i] = (fingerprint64(data) if salt is None else siphash24(salt, data)) % num_buckets
    return out
