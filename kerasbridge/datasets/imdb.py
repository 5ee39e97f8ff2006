"""`keras.datasets.imdb`: 50,000 movie reviews labelled by sentiment, as sequences of word indices."""

from __future__ import annotations

import json

import numpy as np

from kerasbridge.datasets._fetch import TF_KERAS_DATASETS, fetch_dataset_file
from kerasbridge.datasets._restricted_pickle import load_npz_with_object_arrays
from kerasbridge.datasets._word_sequences import (
    as_object_array,
    drop_long_sequences,
    limit_vocabulary,
    shift_word_indices,
    shuffle_together,
)

_DATA_ORIGIN = f"{TF_KERAS_DATASETS}imdb.npz"
_DATA_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
_WORD_INDEX_ORIGIN = f"{TF_KERAS_DATASETS}imdb_word_index.json"
_WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
              index_from=3, **kwargs):
    """Load the IMDB reviews (25,000 for training, 25,000 for testing), each a list of word indices.

    Words are indexed by frequency in the data (index `i` is the i-th most frequent word, before the
    `index_from` shift); 0 is kept for padding. The `.npz` file is fetched with
    `kerasbridge.utils.get_file` into `~/.keras/datasets` on first use. Its ragged sequences are stored as
    object arrays, which are unpickled through an unpickler that only admits numpy array reconstruction.

    Args:
        path: The file name in the cache (relative to `~/.keras/datasets`).
        num_words: Keep only word indices below this value (others become `oov_char`); `None` keeps every
            word but the one with the largest index, as Keras does.
        skip_top: Word indices below this become `oov_char` too (the most frequent words).
        maxlen: Keep only the sequences shorter than `maxlen`; `None` keeps all.
        seed: Seed of the shuffle of each split.
        start_char: Index put at the start of every sequence; `None` for none.
        oov_char: Index that replaces the cut words; `None` drops them instead.
        index_from: Offset added to every word index.
        **kwargs: Accepted and ignored, as in Keras.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: object arrays of lists of int and int label arrays (0 or 1).

    Raises:
        ValueError: When `maxlen` filters out every sequence of a split.
    """
    arrays = load_npz_with_object_arrays(fetch_dataset_file(path, _DATA_ORIGIN, file_hash=_DATA_HASH))
    rng = np.random.RandomState(seed)
    x_train, labels_train = shuffle_together(rng, arrays["x_train"], arrays["y_train"])
    x_test, labels_test = shuffle_together(rng, arrays["x_test"], arrays["y_test"])
    x_train = shift_word_indices(x_train, start_char, index_from)
    x_test = shift_word_indices(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = drop_long_sequences(maxlen, x_train, labels_train)
        x_test, labels_test = drop_long_sequences(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(
                f"After filtering for sequences shorter than maxlen={maxlen}, no sequence was kept. Increase maxlen."
            )
    sequences = limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    boundary = len(x_train)
    return ((as_object_array(sequences[:boundary]), labels[:boundary]),
            (as_object_array(sequences[boundary:]), labels[boundary:]))


def get_word_index(path="imdb_word_index.json"):
    """The IMDB word index: a dict from each word to its frequency rank (before the `index_from` shift).

    Args:
        path: The file name in the cache (relative to `~/.keras/datasets`).

    Returns:
        A dict `{word: index}`.
    """
    with open(fetch_dataset_file(path, _WORD_INDEX_ORIGIN, file_hash=_WORD_INDEX_HASH)) as stream:
        return json.load(stream)
