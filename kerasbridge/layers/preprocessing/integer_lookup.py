"""`IntegerLookup`: map integer features to contiguous indices through a vocabulary."""

from __future__ import annotations

import numpy as np
import torch

from kerasbridge.layers.preprocessing._string_arrays import as_array, on_current_device
from kerasbridge.layers.preprocessing.index_lookup import IndexLookup


class IntegerLookup(IndexLookup):
    """Maps integers to contiguous indices from a vocabulary given or learned with `adapt()`.

    Keras 3 needs TensorFlow for this layer; kerasbridge implements it in Python and
    returns torch tensors (int64 indices, or encodings as `StringLookup`).

    Index layout: `[mask] [OOV ...] [vocabulary ...]`. With several OOV indices an
    unknown value `x` goes to `x mod num_oov_indices` (`oov_method="floormod"`) or to
    FarmHash64 of its decimal text (`"farmhash"`).

    Args:
        max_tokens: Maximum vocabulary size including the mask and OOV indices.
        num_oov_indices: Number of out-of-vocabulary indices (default 1).
        mask_token: Integer meaning "masked" (default `None`).
        oov_token: Integer returned for OOV indices with `invert=True` (default `-1`).
        vocabulary: Optional list/array of integers or path to a text file.
        vocabulary_dtype: Must be `"int64"`.
        idf_weights: IDF weights of `vocabulary` for `output_mode="tf_idf"`.
        invert: Map indices back to the integers.
        output_mode: `"int"`, `"one_hot"`, `"multi_hot"`, `"count"` or `"tf_idf"`.
        sparse: Must be `False`.
        pad_to_max_tokens: Pad encoded outputs to `max_tokens` columns.
        oov_method: `"floormod"` (default) or `"farmhash"`.
        salt: Optional key for `"farmhash"` (switches to SipHash).
        name: Name of the layer.

    Input shape:
        Integers of any shape.

    Output shape:
        `"int"`: as the input. Encoded modes: see `CategoryEncoding`.
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary=None,
                 vocabulary_dtype="int64", idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, oov_method="floormod", salt=None, name=None, **kwargs):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(
                f"If `max_tokens` is set for `IntegerLookup`, it must be greater than 1. Received: max_tokens={max_tokens}"
            )
        if num_oov_indices < 0:
            raise ValueError(
                "The value of `num_oov_indices` argument for `IntegerLookup` must >= 0. Received: num_oov_indices="
                f"{num_oov_indices}"
            )
        if vocabulary_dtype != "int64":
            raise ValueError(
                f"Only `vocabulary_dtype='int64'` is supported at this time. Received: vocabulary_dtype={vocabulary_dtype}"
            )
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, vocabulary_dtype=vocabulary_dtype,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method, salt=salt, name=name, **kwargs)

    def _as_token(self, token):
        return int(token)

    def _as_keys(self, inputs, invert=False) -> np.ndarray:
        array = as_array(inputs)
        if array.dtype.kind not in ("i", "u", "b", "f"):
            raise ValueError(f"`IntegerLookup` expects integer inputs. Received an array of dtype {array.dtype}.")
        return array.astype(np.int64)

    def _format_inverted(self, tokens: np.ndarray):
        return on_current_device(torch.from_numpy(tokens.astype(np.int64)))

    def get_config(self):
        config = super().get_config()
        for key in ("oov_token", "mask_token"):
            if config[key] is not None:
                config[key] = int(config[key])
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config
