"""`keras.utils.pad_sequences`: pad or cut sequences to one length."""

from __future__ import annotations

import numpy as np


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """Pad (or truncate) a list of sequences to a common length, returning one NumPy array.

    Args:
        sequences: A list of sequences (lists or arrays; items may be scalars or arrays of one shape).
        maxlen: Output length; the longest sequence's length when `None`.
        dtype: The output dtype; strings are allowed (`"object"` or a `str` dtype).
        padding: `"pre"` or `"post"`: pad before or after each sequence.
        truncating: `"pre"` or `"post"`: drop values from the start or the end of longer sequences.
        value: The padding value (float or string).

    Returns:
        An array of shape `(len(sequences), maxlen, *item_shape)`.

    Raises:
        ValueError: for a non-iterable entry, bad `padding`/`truncating`, or items of unequal shapes.
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    lengths = []
    item_shape = ()
    found_shape = False
    for sequence in sequences:
        try:
            lengths.append(len(sequence))
        except TypeError as error:
            raise ValueError(
                f"`sequences` must be a list of iterables. Found non-iterable: {sequence}"
            ) from error
        if not found_shape and len(sequence):
            item_shape = np.asarray(sequence).shape[1:]
            found_shape = True
    if maxlen is None:
        maxlen = np.max(lengths) if lengths else 0
    is_string_dtype = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.object_)
    if isinstance(value, str) and dtype is not object and not is_string_dtype:
        raise ValueError(
            f"`dtype` {dtype} is not compatible with `value`'s type: {type(value)}\n"
            "You should set `dtype=object` for variable length strings."
        )
    out = np.full((len(sequences), maxlen) + item_shape, value, dtype=dtype)
    for index, sequence in enumerate(sequences):
        if not len(sequence):
            continue
        if truncating == "pre":
            kept = sequence[-maxlen:]
        elif truncating == "post":
            kept = sequence[:maxlen]
        else:
            raise ValueError(f'Truncating type "{truncating}" not understood')
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != item_shape:
            raise ValueError(
                f"Shape of sample {kept.shape[1:]} of sequence at position {index} is different from expected "
                f"shape {item_shape}"
            )
        if padding == "post":
            out[index, : len(kept)] = kept
        elif padding == "pre":
            out[index, maxlen - len(kept):] = kept
        else:
            raise ValueError(f'Padding type "{padding}" not understood')
    return out
