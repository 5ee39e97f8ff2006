"""`StringLookup`: map strings to integer indices through a vocabulary (no TensorFlow needed)."""

from __future__ import annotations

import numpy as np

from kerasbridge.layers.preprocessing._string_arrays import as_array, as_string_array
from kerasbridge.layers.preprocessing.index_lookup import IndexLookup


class StringLookup(IndexLookup):
    """Maps strings to integer indices from a vocabulary given or learned with `adapt()`.

    Keras 3 needs TensorFlow for this layer; kerasbridge implements it in Python and
    returns torch tensors: int64 indices for `output_mode="int"`, int64 encodings for
    `"one_hot"`/`"multi_hot"`/`"count"` (the dtype Keras's torch backend returns) and
    float32 for `"tf_idf"`. With `invert=True` it returns a numpy array of `str`.

    Index layout: `[mask] [OOV ...] [vocabulary ...]`: with `mask_token` set (and
    `output_mode="int"`) index 0 is the mask, then `num_oov_indices` OOV indices
    (strings spread over several by FarmHash64, as Keras), then the tokens, most
    frequent first (ties in decreasing string order) when adapted.

    Args:
        max_tokens: Maximum vocabulary size including the mask and OOV indices.
        num_oov_indices: Number of out-of-vocabulary indices (default 1).
        mask_token: String meaning "masked" (default `None`: no mask index).
        oov_token: String returned for OOV indices with `invert=True` (default `"[UNK]"`).
        vocabulary: Optional list/array of strings or path to a text file (one per line).
        idf_weights: IDF weights of `vocabulary` for `output_mode="tf_idf"`.
        invert: Map indices back to strings.
        output_mode: `"int"`, `"one_hot"`, `"multi_hot"`, `"count"` or `"tf_idf"`.
        pad_to_max_tokens: Pad encoded outputs to `max_tokens` columns.
        sparse: Must be `False`.
        encoding: Text encoding of bytes inputs (default `"utf-8"`).
        name: Name of the layer.
        salt: Optional key (int or pair) switching OOV hashing to SipHash.

    Input shape:
        Strings of any shape (lists of str, numpy `str`/`bytes`/object arrays).

    Output shape:
        `"int"`: as the input. Encoded modes: see `CategoryEncoding`.
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]", vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 encoding="utf-8", name=None, salt=None, **kwargs):
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         salt=salt, vocabulary_dtype="string", **kwargs)

    def _as_token(self, token):
        if isinstance(token, bytes):
            return token.decode(self.encoding)
        return token if isinstance(token, str) else str(token)

    def _as_keys(self, inputs, invert=False) -> np.ndarray:
        if invert:
            return as_array(inputs).astype(np.int64)
        return as_string_array(inputs, self.encoding)

    def get_config(self):
        config = super().get_config()
        del config["vocabulary_dtype"]
        return {**config, "encoding": self.encoding}
