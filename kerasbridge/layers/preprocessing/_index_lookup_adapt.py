"""Learning an `IndexLookup` vocabulary from data: `adapt`, `update_state`, `finalize_state`."""

from __future__ import annotations

import collections

import numpy as np
import torch

from kerasbridge.backend.config import floatx
from kerasbridge.layers.preprocessing import _lookup_encoding as enc
from kerasbridge.layers.preprocessing._adapt_data import iterate_batches


class IndexLookupAdaptMixin:
    """The vocabulary-learning half of `IndexLookup`.

    Counts tokens (and, for `"tf_idf"`, documents) over the adapted data, then keeps the
    most frequent tokens (ties by decreasing token) and computes their IDF weights. Relies
    on the host layer for `_as_keys`, `_as_token`, `_set_tokens`, `_token_start_index` and
    `_record_vocabulary_size`.
    """

    def reset_state(self):
        self._token_counts = collections.Counter()
        self._document_counts = collections.Counter()
        self._num_documents = 0

    def adapt(self, data, steps=None):
        """Build the vocabulary from `data`: an array/list of tokens (each element a document when 1-D),
        or an iterable of batches."""
        self.reset_state()
        if isinstance(data, (list, tuple, np.ndarray, torch.Tensor)):
            array = self._as_keys(data)
            if array.ndim == 1:
                array = array[:, None]
            self.update_state(array)
        else:
            for batch in iterate_batches(data, steps):
                self.update_state(batch)
        self.finalize_state()

    def _check_adaptable(self):
        if self._has_input_vocabulary:
            raise ValueError(
                f"Cannot adapt layer '{self.name}' after setting a static vocabulary via `vocabulary` argument or "
                "`set_vocabulary()` method."
            )

    def update_state(self, data):
        self._check_adaptable()
        array = self._as_keys(data)
        if array.ndim < 2:
            array = array.reshape(1, -1)
        self._update_from_rows([list(row) for row in array.reshape(array.shape[0], -1)])

    def _update_from_rows(self, rows):
        counts, document_counts, num_documents = enc.count_tokens([[self._as_token(t) for t in r] for r in rows])
        self._token_counts.update(counts)
        if self.output_mode == "tf_idf":
            self._document_counts.update(document_counts)
            self._num_documents += num_documents

    def finalize_state(self):
        if self._has_input_vocabulary or not self._token_counts:
            self._record_vocabulary_size()
            return
        counts = collections.Counter(self._token_counts)
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                counts.pop(self._as_token(special), None)
        tokens = enc.most_frequent_first(counts)
        if self.max_tokens:
            tokens = tokens[: self.max_tokens - self._token_start_index()]
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            document_counts = np.array([self._document_counts[t] for t in tokens], dtype=np.int64)
            idf = enc.inverse_document_frequency(document_counts, self._num_documents)
            idf = np.pad(idf, (self._token_start_index(), 0), constant_values=np.mean(idf, dtype=np.float32))
            if self.pad_to_max_tokens and self.max_tokens is not None:
                idf = np.pad(idf, (0, self.max_tokens - idf.size), constant_values=0)
            self.idf_weights = torch.as_tensor(idf.astype(floatx()))
        self.reset_state()
        self._record_vocabulary_size()
