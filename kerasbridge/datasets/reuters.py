"""`keras.datasets.reuters`: 11,228 Reuters newswires labelled over 46 topics, as sequences of word indices."""

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

_DATA_ORIGIN = f"{TF_KERAS_DATASETS}reuters.npz"
_DATA_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
_WORD_INDEX_ORIGIN = f"{TF_KERAS_DATASETS}reuters_word_index.json"
_WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"
_LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply", "coffee", "sugar",
    "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp",
    "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi", "iron-steel",
    "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog",
    "lead",
)


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113,
              start_char=1, oov_char=2, index_from=3):
    """Load the Reuters newswires, each a list of word indices, split into train and test parts.

    Words are indexed by frequency in the data; 0 is kept for padding. The `.npz` file is fetched with
    `kerasbridge.utils.get_file` into `~/.keras/datasets` on first use. Its ragged sequences are stored as
    object arrays, which are unpickled through an unpickler that only admits numpy array reconstruction.

    Args:
        path: The file name in the cache (relative to `~/.keras/datasets`).
        num_words: Keep only word indices below this value (others become `oov_char`); `None` keeps every
            word but the one with the largest index, as Keras does.
        skip_top: Word indices below this become `oov_char` too (the most frequent words).
        maxlen: Keep only the sequences shorter than `maxlen`; `None` keeps all.
        test_split: Fraction of the (shuffled) newswires held out for testing, taken from the end.
        seed: Seed of the shuffle.
        start_char: Index put at the start of every sequence; `None` for none.
        oov_char: Index that replaces the cut words; `None` drops them instead.
        index_from: Offset added to every word index.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: object arrays of lists of int and int topic labels (0-45).
    """
    arrays = load_npz_with_object_arrays(fetch_dataset_file(path, _DATA_ORIGIN, file_hash=_DATA_HASH))
    sequences, labels = shuffle_together(np.random.RandomState(seed), arrays["x"], arrays["y"])
    sequences = shift_word_indices(sequences, start_char, index_from)
    if maxlen:
        sequences, labels = drop_long_sequences(maxlen, sequences, labels)
    sequences = limit_vocabulary(sequences, num_words, skip_top, oov_char)
    boundary = int(len(sequences) * (1 - test_split))
    return ((as_object_array(sequences[:boundary]), np.array(labels[:boundary])),
            (as_object_array(sequences[boundary:]), np.array(labels[boundary:])))


def get_word_index(path="reuters_word_index.json"):
    """The Reuters word index: a dict from each word to its frequency rank (before the `index_from` shift).

    Args:
        path: The file name in the cache (relative to `~/.keras/datasets`).

    Returns:
        A dict `{word: index}`.
    """
    with open(fetch_dataset_file(path, _WORD_INDEX_ORIGIN, file_hash=_WORD_INDEX_HASH)) as stream:
        return json.load(stream)


def get_label_names():
    """The 46 Reuters topic names, in label order (label `i` is `get_label_names()[i]`).

    Returns:
        A tuple of strings.
    """
    return _LABEL_NAMES
