"""The sequence preparation the IMDB and Reuters loaders share: shuffling, index shifting, length and vocabulary cuts."""

from __future__ import annotations

import numpy as np


def shuffle_together(rng, *arrays):
    """The arrays reordered by one permutation drawn from `rng` (a `np.random.RandomState`)."""
    order = np.arange(len(arrays[0]))
    rng.shuffle(order)
    return tuple(array[order] for array in arrays)


def shift_word_indices(sequences, start_char, index_from):
    """Lists of word indices offset by `index_from`, each led by `start_char` unless it is `None`."""
    if start_char is not None:
        return [[start_char] + [word + index_from for word in sequence] for sequence in sequences]
    if index_from:
        return [[word + index_from for word in sequence] for sequence in sequences]
    return [list(sequence) for sequence in sequences]


def drop_long_sequences(maxlen, sequences, labels):
    """The sequences shorter than `maxlen` (strictly, as Keras keeps them) and their labels, as lists."""
    kept = [(sequence, label) for sequence, label in zip(sequences, labels) if len(sequence) < maxlen]
    return [sequence for sequence, _ in kept], [label for _, label in kept]


def limit_vocabulary(sequences, num_words, skip_top, oov_char):
    """Words outside `[skip_top, num_words)` become `oov_char`, or are dropped when `oov_char` is `None`.

    When `num_words` is falsy it is the largest index present (which, as in Keras, is itself out of range).
    """
    if not num_words:
        num_words = max(max(sequence) for sequence in sequences)
    if oov_char is not None:
        return [[word if skip_top <= word < num_words else oov_char for word in sequence] for sequence in sequences]
    return [[word for word in sequence if skip_top <= word < num_words] for sequence in sequences]


def as_object_array(sequences):
    """The sequences as a NumPy array of dtype `object`, built as Keras builds it."""
    return np.array(sequences, dtype="object")
