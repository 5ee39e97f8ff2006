"""`TextVectorization`: turn raw strings into token indices or bag-of-words vectors, without TensorFlow."""

from __future__ import annotations

import numpy as np
import torch

from kerasbridge.backend.config import floatx
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.preprocessing import _text_ops
from kerasbridge.layers.preprocessing._adapt_data import iterate_batches
from kerasbridge.layers.preprocessing._categorical import validate_string_arg
from kerasbridge.layers.preprocessing._string_arrays import as_string_array, map_strings, on_current_device
from kerasbridge.layers.preprocessing.string_lookup import StringLookup
from kerasbridge.ops.keras_tensor import KerasTensor

_STANDARDIZERS = {
    "lower_and_strip_punctuation": lambda s: _text_ops.strip_punctuation(_text_ops.lower(s)),
    "lower": _text_ops.lower,
    "strip_punctuation": _text_ops.strip_punctuation,
}
_SPLITTERS = {"whitespace": _text_ops.split_whitespace, "character": _text_ops.split_characters}


class TextVectorization(Layer):
    """Standardizes, splits and n-grams strings, then maps the tokens to indices or encodings.

    Keras 3 needs TensorFlow for this layer; kerasbridge implements the same pipeline
    in Python (see `_text_ops` for how each step matches TensorFlow's string ops) and
    returns torch tensors. Index 0 is the padding/mask token `""`, index 1 the OOV
    token `"[UNK]"`; an adapted vocabulary is ordered by decreasing frequency.

    Args:
        max_tokens: Maximum vocabulary size, including `""` and `"[UNK]"` (int mode).
        standardize: `"lower_and_strip_punctuation"` (default), `"lower"`,
            `"strip_punctuation"`, `None`, or a callable taking and returning a
            numpy array of strings.
        split: `"whitespace"` (default), `"character"`, `None`, or a callable taking a
            1-D numpy array of strings and returning one list of tokens per string.
        ngrams: `None`, an integer `n` (all n-grams up to `n`) or a tuple of widths.
        output_mode: `"int"` (default), `"multi_hot"`, `"count"` or `"tf_idf"`.
        output_sequence_length: In `"int"` mode, pad or truncate every output row to
            this length (otherwise rows are padded to the longest one).
        pad_to_max_tokens: In the encoded modes, make the output `max_tokens` wide.
        vocabulary: Optional list of strings or path to a text file (one per line).
        idf_weights: IDF weights of `vocabulary` for `"tf_idf"`.
        sparse: Must be `False`.
        ragged: Must be `False` (no ragged tensors on torch).
        encoding: Text encoding of bytes inputs (default `"utf-8"`).
        name: Name of the layer.

    Input shape:
        `(batch,)` or `(batch, 1)` strings (a list of str or a numpy array).

    Output shape:
        `"int"`: `(batch, output_sequence_length)` int64. Otherwise `(batch, vocabulary_size)`
        (int64 for `"multi_hot"`/`"count"` as Keras's torch backend, float32 for `"tf_idf"`).
    """

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace", ngrams=None,
                 output_mode="int", output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None, **kwargs):
        if sparse:
            raise ValueError("`sparse=True` can only be used with the TensorFlow backend.")
        if ragged:
            raise ValueError("`ragged=True` can only be used with the TensorFlow backend.")
        validate_string_arg(standardize, tuple(_STANDARDIZERS), type(self).__name__, "standardize", allow_none=True,
                            allow_callables=True)
        validate_string_arg(split, tuple(_SPLITTERS), type(self).__name__, "split", allow_none=True,
                            allow_callables=True)
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        validate_string_arg(output_mode, ("int", "one_hot", "multi_hot", "count", "tf_idf"), type(self).__name__,
                            "output_mode")
        if not (ngrams is None or isinstance(ngrams, int)
                or (isinstance(ngrams, tuple) and all(isinstance(item, int) for item in ngrams))):
            raise ValueError(f"`ngrams` must be None, an integer, or a tuple of integers. Received: ngrams={ngrams}")
        if output_mode == "int" and not (isinstance(output_sequence_length, int) or output_sequence_length is None):
            raise ValueError(
                "`output_sequence_length` must be either None or an integer when `output_mode` is 'int'. "
                f"Received: output_sequence_length={output_sequence_length}"
            )
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(
                "`output_sequence_length` must not be set if `output_mode` is not 'int'. "
                f"Received output_sequence_length={output_sequence_length}."
            )
        self._max_tokens = max_tokens
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._ragged = ragged
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._lookup_layer = StringLookup(max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
                                          pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
                                          sparse=sparse, has_input_vocabulary=has_input_vocabulary,
                                          encoding=encoding, vocabulary_size=vocabulary_size)
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True
        self.built = True

    # -- vocabulary -----------------------------------------------------------------------------
    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary in index order (`""` and `"[UNK]"` first unless `include_special_tokens=False`)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Set the vocabulary (list of strings or file path) and, for `"tf_idf"`, its IDF weights."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary (and IDF weights) from strings: an array/list, or an iterable of batches."""
        self.reset_state()
        if isinstance(data, (list, tuple, np.ndarray, torch.Tensor)):
            array = as_string_array(data, self._encoding)
            if array.ndim == 1:
                array = array[:, None]
            self.update_state(array)
        else:
            for batch in iterate_batches(data, steps):
                self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        rows = self._preprocess(data)
        if isinstance(rows, np.ndarray):
            rows = [list(row) for row in rows.reshape(rows.shape[0] if rows.ndim else 1, -1)]
        self._lookup_layer._check_adaptable()
        self._lookup_layer._update_from_rows(rows)

    def finalize_state(self):
        self._lookup_layer.finalize_state()

    def reset_state(self):
        self._lookup_layer.reset_state()

    # -- the pipeline ---------------------------------------------------------------------------
    def _standardize_strings(self, strings: np.ndarray) -> np.ndarray:
        if self._standardize is None:
            return strings
        if callable(self._standardize):
            result = self._standardize(strings.astype(str))
            return as_string_array(result, self._encoding)
        return map_strings(_STANDARDIZERS[self._standardize], strings)

    def _preprocess(self, inputs):
        """Standardized strings (an array when `split=None`) or one list of tokens per input string."""
        strings = self._standardize_strings(as_string_array(inputs, self._encoding))
        if self._split is None:
            if self._ngrams is not None:
                return [_text_ops.ngrams(list(row), self._ngrams) for row in strings.reshape(len(strings), -1)]
            return strings
        if strings.ndim > 1:
            if strings.shape[-1] != 1:
                raise ValueError(
                    "When using `TextVectorization` to tokenize strings, the input rank must be 1 or the last shape "
                    f"dimension must be 1. Received: inputs.shape={strings.shape} with rank={strings.ndim}"
                )
            strings = strings.squeeze(-1)
        if callable(self._split):
            rows = [[str(t) for t in row] for row in self._split(strings.astype(str))]
        else:
            rows = [_SPLITTERS[self._split](s) for s in strings.reshape(-1)]
        if self._ngrams is not None:
            rows = [_text_ops.ngrams(row, self._ngrams) for row in rows]
        return rows

    def call(self, inputs):
        lookup = self._lookup_layer
        lookup._ensure_known_vocab_size()
        processed = self._preprocess(inputs)
        if isinstance(processed, np.ndarray):
            indices = lookup.lookup_indices(processed)
        else:
            width = max((len(row) for row in processed), default=0)
            if self._output_mode == "int" and self._output_sequence_length is not None:
                width = self._output_sequence_length
            pad = 0 if self._output_mode == "int" else -1
            indices = np.full((len(processed), width), pad, dtype=np.int64)
            for i, row in enumerate(processed):
                row = row[:width]
                if row:
                    indices[i, : len(row)] = lookup.lookup_indices(np.array(row, dtype=object))
        if self._output_mode != "int":
            return on_current_device(lookup._encode(indices))
        if self._output_sequence_length is not None and isinstance(processed, np.ndarray):
            indices = indices[..., : self._output_sequence_length]
            missing = self._output_sequence_length - indices.shape[-1]
            if missing > 0:
                indices = np.pad(indices, [(0, 0)] * (indices.ndim - 1) + [(0, missing)])
        return on_current_device(torch.from_numpy(np.ascontiguousarray(indices)))

    # -- shapes and config ----------------------------------------------------------------------
    def compute_output_shape(self, input_shape):
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        if self._split is None:
            if len(input_shape) <= 1:
                input_shape = tuple(input_shape) + (1,)
        else:
            input_shape = tuple(input_shape) + (None,)
        return self._lookup_layer.compute_output_shape(input_shape)

    def compute_output_spec(self, inputs):
        dtype = "int64" if self._output_mode == "int" else floatx()
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=dtype)

    def get_config(self):
        lookup = self._lookup_layer
        config = lookup.get_config()
        return {
            **super().get_config(),
            "max_tokens": lookup.max_tokens,
            "standardize": self._standardize,
            "split": self._split,
            "ngrams": self._ngrams_arg,
            "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens,
            "sparse": lookup.sparse,
            "ragged": self._ragged,
            "vocabulary": config["vocabulary"],
            "idf_weights": config["idf_weights"],
            "encoding": self._encoding,
            "vocabulary_size": self.vocabulary_size(),
        }

    @classmethod
    def from_config(cls, config):
        from kerasbridge.saving.serialization_lib import deserialize_keras_object

        config = dict(config)
        for key in ("standardize", "split"):
            if config.get(key) is not None and not isinstance(config[key], str) and not callable(config[key]):
                config[key] = deserialize_keras_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)

    def save_own_variables(self, store):
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store):
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path):
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path):
        self._lookup_layer.load_assets(dir_path)
