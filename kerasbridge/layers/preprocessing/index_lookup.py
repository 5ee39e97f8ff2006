"""`IndexLookup`: the shared base of `StringLookup` and `IntegerLookup`, in pure Python/torch.

Learning the vocabulary from data (`adapt`) lives in `_index_lookup_adapt`.
"""

from __future__ import annotations

import os

import numpy as np
import torch

from kerasbridge.backend.config import floatx
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.preprocessing import _lookup_encoding as enc
from kerasbridge.layers.preprocessing._categorical import validate_string_arg
from kerasbridge.layers.preprocessing._index_lookup_adapt import IndexLookupAdaptMixin
from kerasbridge.layers.preprocessing._string_arrays import on_current_device
from kerasbridge.ops.keras_tensor import KerasTensor


class IndexLookup(IndexLookupAdaptMixin, Layer):
    """Maps tokens to integer indices through a vocabulary (or indices back to tokens with `invert=True`).

    Index layout: `[mask] [oov_1 ... oov_n] [token_1 ... token_k]`; the mask index exists
    only when `mask_token` is set and `output_mode="int"`. Tokens out of the vocabulary
    map to the OOV index (with several OOV indices, by `floormod` for integers or by
    FarmHash64 otherwise, as Keras). An adapted vocabulary is ordered by decreasing
    frequency, ties by decreasing token. Subclasses fix `vocabulary_dtype` and how
    inputs become numpy arrays (`_as_keys`).

    Args:
        max_tokens: Maximum vocabulary size, special tokens included (`None`: no limit).
        num_oov_indices: Number of out-of-vocabulary indices.
        mask_token: Token meaning "masked" (index 0 in `"int"` mode), or `None`.
        oov_token: Token returned for OOV indices when `invert=True`.
        vocabulary_dtype: `"string"` or `"int64"`.
        vocabulary: Optional list/array of tokens, or a path to a one-token-per-line file.
        idf_weights: With `output_mode="tf_idf"` and a given vocabulary, its IDF weights.
        invert: Map indices back to tokens.
        output_mode: `"int"`, `"one_hot"`, `"multi_hot"`, `"count"` or `"tf_idf"`.
        sparse: Must be `False` (no sparse tensors on torch).
        pad_to_max_tokens: Pad encoded outputs to `max_tokens` columns.
        oov_method: `"floormod"` or `"farmhash"` (how integers pick among OOV indices).
        name: Name of the layer.
        salt: Optional key (int or pair) switching OOV hashing to SipHash.
    """

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype, vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", name=None, salt=None, **kwargs):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"If set, `max_tokens` must be greater than 1. Received: max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(
                f"If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens={max_tokens}"
            )
        if num_oov_indices < 0:
            raise ValueError(
                f"`num_oov_indices` must be greater than or equal to 0. Received: num_oov_indices={num_oov_indices}"
            )
        validate_string_arg(oov_method, ("floormod", "farmhash"), type(self).__name__, "oov_method")
        if salt is not None:
            if vocabulary_dtype != "string" and oov_method != "farmhash":
                raise ValueError(
                    "`salt` is only used when `oov_method='farmhash'` for integer vocabularies. "
                    f"Received: salt={salt} and oov_method={oov_method}"
                )
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = list(salt)
            elif isinstance(salt, int):
                salt = [salt, salt]
            else:
                raise ValueError(
                    f"`salt` can only be a tuple of size 2 integers, or a single integer. Received: salt={salt}."
                )
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        validate_string_arg(output_mode, ("int", "one_hot", "multi_hot", "count", "tf_idf"), type(self).__name__,
                            "output_mode")
        if invert and output_mode != "int":
            raise ValueError(
                f"`output_mode` must be `'int'` when `invert` is true. Received: output_mode={output_mode}"
            )
        if sparse:
            raise ValueError("`sparse=True` can only be used with the TensorFlow backend.")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(
                "`idf_weights` should only be set if `output_mode` is `'tf_idf'`. "
                f"Received: idf_weights={idf_weights} and output_mode={output_mode}"
            )
        self._frozen_vocab_size = kwargs.pop("vocabulary_size", None)
        self._has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("trainable", None)
        kwargs.pop("dtype", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword argument(s): {kwargs}")
        super().__init__(name=name)
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True
        self.invert = invert
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = sparse
        self.pad_to_max_tokens = pad_to_max_tokens
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = salt
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self._tokens: list = []
        self._token_index: dict = {}
        self.idf_weights = None
        if output_mode == "tf_idf" and self._has_input_vocabulary and idf_weights is None and vocabulary is not None:
            raise ValueError(
                "When specifying the `vocabulary` argument, in TF-IDF output mode, the `idf_weights` argument "
                "must also be provided."
            )
        if idf_weights is not None:
            self.idf_weights = torch.as_tensor(np.asarray(idf_weights), dtype=torch.float32)
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.reset_state()
        self.built = True

    # -- index layout -------------------------------------------------------------------------
    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self):
        """Number of indices: the special tokens plus the learned/given tokens."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary in index order (special tokens first unless `include_special_tokens=False`)."""
        vocab = [self.oov_token] * self._token_start_index() + list(self._tokens)
        if self.mask_token is not None and self.output_mode == "int":
            vocab[0] = self.mask_token
        if not include_special_tokens:
            vocab = vocab[self._token_start_index():]
        return vocab

    def _record_vocabulary_size(self):
        if self.output_mode != "int" and not self.pad_to_max_tokens:
            size = self.vocabulary_size()
            if self._frozen_vocab_size is not None and size != self._frozen_vocab_size:
                raise RuntimeError(
                    f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, the vocabulary "
                    "size cannot be changed after the layer is called. Old vocab size is "
                    f"{self._frozen_vocab_size}, new vocab size is {size}"
                )
        self._frozen_vocab_size = self.vocabulary_size()

    def _set_tokens(self, tokens):
        self._tokens = [self._as_token(t) for t in tokens]
        start = self._token_start_index()
        self._token_index = {token: start + i for i, token in enumerate(self._tokens)}

    # -- vocabulary ---------------------------------------------------------------------------
    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Set the vocabulary (a list/array of tokens or a file path) and, for `"tf_idf"`, its IDF weights."""
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        elif idf_weights is not None:
            raise ValueError(
                f"`idf_weights` should only be set if output_mode is `'tf_idf'`. Received: output_mode="
                f"{self.output_mode} and idf_weights={idf_weights}"
            )
        if isinstance(vocabulary, str):
            if not os.path.exists(vocabulary):
                raise ValueError(f"Vocabulary file {vocabulary} does not exist.")
            if self.output_mode == "tf_idf":
                raise ValueError("output_mode `'tf_idf'` does not support loading a vocabulary from file.")
            with open(vocabulary, encoding="utf-8") as f:
                lines = f.read().splitlines()
            self._set_tokens(lines)
            self._record_vocabulary_size()
            return
        if isinstance(vocabulary, torch.Tensor):
            vocabulary = vocabulary.detach().cpu().numpy()
        vocabulary = [self._as_token(t) for t in np.asarray(vocabulary, dtype=object).reshape(-1)]
        if not vocabulary:
            raise ValueError(
                f"Cannot set an empty vocabulary. Received: vocabulary={vocabulary}"
            )
        token_start = self._token_start_index()
        special = [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices
        found_special = vocabulary[:token_start] == special
        tokens = vocabulary[token_start:] if found_special else vocabulary
        enc.check_vocabulary_tokens(vocabulary, tokens, special, self.mask_token, self.oov_token if self.invert else None,
                                    self.max_tokens, token_start)
        self._set_tokens(tokens)
        self._record_vocabulary_size()
        if self.output_mode == "tf_idf" and idf_weights is not None:
            self._set_given_idf_weights(np.asarray(idf_weights), len(vocabulary), found_special)

    def _set_given_idf_weights(self, idf_weights, vocabulary_length, found_special):
        front = 0 if found_special else self._token_start_index()
        total = self.max_tokens if self.pad_to_max_tokens and self.max_tokens else None
        weights = enc.pad_given_idf_weights(idf_weights, vocabulary_length, front, total)
        self.idf_weights = torch.as_tensor(weights.astype(floatx()))

    # -- lookup -------------------------------------------------------------------------------
    def _default_index(self):
        return self._oov_start_index() if self.num_oov_indices == 1 else -1

    def _oov_indices(self, keys: np.ndarray) -> np.ndarray:
        """The OOV index of each key when there are several OOV indices."""
        if self.vocabulary_dtype != "string" and self.oov_method != "farmhash":
            return np.mod(keys.astype(np.int64), self.num_oov_indices)
        return enc.hash_to_buckets(keys, self.num_oov_indices, self.salt)

    def lookup_indices(self, keys: np.ndarray) -> np.ndarray:
        """Indices (int64 array) of `keys`, with mask and OOV handling."""
        default = self._default_index()
        table = self._token_index
        indices = np.fromiter((table.get(k, default) for k in keys.reshape(-1).tolist()), dtype=np.int64,
                              count=keys.size).reshape(keys.shape)
        if self.mask_token is not None:
            mask_value = 0 if self.output_mode == "int" else np.iinfo(np.int64).max
            indices = np.where(keys == self._as_token(self.mask_token), mask_value, indices)
        if self.num_oov_indices == 0 and (indices == -1).any():
            raise ValueError(
                "When `num_oov_indices=0` all inputs should be in vocabulary, found OOV values "
                f"{keys[indices == -1].tolist()}, consider setting `num_oov_indices=1`."
            )
        if self.num_oov_indices > 1:
            oov = indices == default
            if oov.any():
                indices = np.where(oov, self._oov_indices(keys) + self._oov_start_index(), indices)
        return indices

    def lookup_tokens(self, indices: np.ndarray) -> np.ndarray:
        """Tokens (object array) of integer `indices` (`invert=True`)."""
        start = self._token_start_index()
        tokens = self._tokens
        flat = indices.reshape(-1).tolist()
        out = np.empty(len(flat), dtype=object)
        for i, index in enumerate(flat):
            out[i] = tokens[index - start] if start <= index < start + len(tokens) else self.oov_token
        out = out.reshape(indices.shape)
        if self.mask_token is not None:
            out = np.where(indices == 0, self.mask_token, out)
        return out

    def _ensure_known_vocab_size(self):
        if self.output_mode == "int" or self.pad_to_max_tokens:
            return
        if self._frozen_vocab_size is None:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, you must set the "
                "layer's vocabulary before calling it. Either pass a `vocabulary` argument to the layer, or call "
                "`adapt` with some sample data."
            )

    def _encode(self, indices: np.ndarray):
        """Encode looked-up indices for the non-`"int"` output modes."""
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        output = enc.bincount_encode(indices, mode, depth, "int64")
        if self.output_mode == "tf_idf":
            if self.idf_weights is None:
                raise ValueError("When `output_mode` is `'tf_idf'`, `idf_weights` must be provided.")
            output = output.to(self.idf_weights.dtype) * self.idf_weights
        return output

    def call(self, inputs):
        self._ensure_known_vocab_size()
        keys = self._as_keys(inputs, invert=self.invert)
        if self.invert:
            return self._format_inverted(self.lookup_tokens(keys))
        indices = self.lookup_indices(keys)
        if self.output_mode == "int":
            return on_current_device(torch.from_numpy(indices))
        return on_current_device(self._encode(indices))

    # -- shapes, config, assets ------------------------------------------------------------------
    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        if self.output_mode == "one_hot" and not (len(input_shape) > 1 and input_shape[-1] == 1):
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    def compute_output_spec(self, inputs):
        dtype = "int64" if self.output_mode == "int" else floatx()
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=dtype)

    def get_build_config(self):
        return {}

    def build_from_config(self, config):
        self.built = True

    def get_config(self):
        def listify(x):
            if isinstance(x, torch.Tensor):
                x = x.detach().cpu().numpy()
            return x.tolist() if isinstance(x, np.ndarray) else x

        return {
            **super().get_config(),
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": self.vocabulary_dtype,
            "idf_weights": listify(self.input_idf_weights),
            "vocabulary": listify(self.input_vocabulary),
            "vocabulary_size": self._frozen_vocab_size,
            "oov_method": self.oov_method,
            "salt": self.salt,
        }

    def save_own_variables(self, store):
        if self.output_mode == "tf_idf":
            store["idf_weights"] = self.idf_weights.numpy()

    def load_own_variables(self, store):
        if self.output_mode == "tf_idf":
            self.idf_weights = torch.as_tensor(np.asarray(store["idf_weights"]))

    def save_assets(self, dir_path):
        """Write an adapted vocabulary to `dir_path/vocabulary.txt` (one token per line), as Keras does."""
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(str(w) for w in self.get_vocabulary(include_special_tokens=True)))

    def load_assets(self, dir_path):
        """Read back the vocabulary written by `save_assets`."""
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), encoding="utf-8") as f:
            lines = f.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        values = lines if self.vocabulary_dtype == "string" else [int(line) for line in lines]
        if self.output_mode == "tf_idf":
            self.set_vocabulary(values, idf_weights=self.idf_weights.numpy())
        else:
            self.set_vocabulary(values)

    # -- subclass hooks ---------------------------------------------------------------------------
    def _as_token(self, token):
        return token

    def _as_keys(self, inputs, invert=False) -> np.ndarray:
        raise TypeError(f"{type(self).__name__} must implement `_as_keys`.")

    def _format_inverted(self, tokens: np.ndarray):
        return tokens
