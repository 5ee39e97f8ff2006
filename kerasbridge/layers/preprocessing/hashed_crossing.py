"""`HashedCrossing`: hash the combination of several categorical features into a fixed number of bins."""

from __future__ import annotations

import numpy as np
import torch

from kerasbridge.layers.layer import Layer
from kerasbridge.layers.preprocessing._categorical import encode_categorical, validate_string_arg
from kerasbridge.layers.preprocessing._string_arrays import as_array, is_string_array, on_current_device
from kerasbridge.layers.preprocessing._string_hash import fingerprint64
from kerasbridge.ops.keras_tensor import KerasTensor

_MASK = 0xFFFFFFFFFFFFFFFF
_MUL = 0xC6A4A7935BD1E995
# The hash key TensorFlow's `tf.sparse.cross_hashed` starts every cross from.
_CROSS_HASH_KEY = 0xDECAFCAFFE


def _shift_mix(value: int) -> int:
    return value ^ (value >> 47)


def fingerprint_cat64(first: int, second: int) -> int:
    """Combines two 64-bit fingerprints into one (TensorFlow's `FingerprintCat64`; not commutative)."""
    result = first ^ _MUL
    result ^= (_shift_mix((second * _MUL) & _MASK) * _MUL) & _MASK
    result = (result * _MUL) & _MASK
    result = (_shift_mix(result) * _MUL) & _MASK
    return _shift_mix(result)


def _feature_fingerprint(value) -> int:
    """Strings hash with FarmHash `Fingerprint64`; integers enter the cross as their 64-bit two's complement."""
    if isinstance(value, str):
        return fingerprint64(value.encode("utf-8"))
    if isinstance(value, bytes):
        return fingerprint64(value)
    return int(value) & _MASK


def cross_hash(columns: list[np.ndarray], num_bins: int) -> np.ndarray:
    """Bins of the crosses of equally long 1-D feature columns, as `tf.sparse.cross_hashed` computes them."""
    out = np.empty(len(columns[0]), dtype=np.int64)
    for row in range(len(out)):
        hashed = _CROSS_HASH_KEY
        for column in columns:
            hashed = fingerprint_cat64(hashed, _feature_fingerprint(column[row]))
        out[row] = hashed % num_bins
    return out


class HashedCrossing(Layer):
    """Crosses categorical features with the hashing trick: `bin = hash((x1, x2, ...)) % num_bins`.

    The hash is the one TensorFlow's `tf.sparse.cross_hashed` computes (and so Keras):
    starting from a fixed key, each feature's fingerprint (FarmHash `Fingerprint64`
    for strings, the value itself for integers) is folded in with `FingerprintCat64`,
    so bins agree with Keras.

    Args:
        num_bins: Number of hash bins.
        output_mode: `"int"` (bin indices, int64 by default) or `"one_hot"`.
        sparse: Must be `False` (sparse outputs need the TensorFlow backend).
        name: Name of the layer.
        dtype: Output dtype. Defaults to `"int64"` for `"int"`, else the float type.
        **kwargs: Other base layer arguments.

    Input shape:
        A list or tuple of at least two integer or string tensors, each of shape
        `()`, `(batch_size,)` or `(batch_size, 1)`, all the same.

    Output shape:
        `"int"`: the inputs' shape. `"one_hot"`: `(batch_size, num_bins)`
        (`(num_bins,)` for scalar inputs).
    """

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None, **kwargs):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype)
        if sparse:
            raise ValueError("`sparse=True` can only be used with the TensorFlow backend.")
        validate_string_arg(output_mode, ("int", "one_hot"), self.__class__.__name__, "output_mode")
        self.num_bins = num_bins
        self.output_mode = output_mode
        self.sparse = sparse
        self._allow_non_tensor_positional_args = True
        self._convert_input_args = False
        self.built = True

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 2 or not isinstance(input_shape[0], tuple) or not isinstance(input_shape[1], tuple):
            raise ValueError(f"Expected as input a list/tuple of 2 tensors. Received input_shape={input_shape}")
        if input_shape[0][-1:] != input_shape[1][-1:]:
            raise ValueError(f"Expected the two input tensors to have identical shapes. Received input_shape={input_shape}")
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        if len(first) == 0:
            return (self.num_bins,)
        if first[-1] != 1:
            return first + (self.num_bins,)
        return first[:-1] + (self.num_bins,)

    def compute_output_spec(self, inputs):
        shapes = [tuple(x.shape) for x in inputs]
        return KerasTensor(self.compute_output_shape(shapes), dtype=self.dtype)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"`HashedCrossing` should be called on a list or tuple of inputs. Received: inputs={inputs}")
        if len(inputs) < 2:
            raise ValueError(f"`HashedCrossing` should be called on at least two inputs. Received: inputs={inputs}")
        arrays = [as_array(x) for x in inputs]
        self._check_inputs(arrays, inputs)
        shape = arrays[0].shape
        columns = [array.reshape(-1) for array in arrays]
        columns = [column.astype(object) if column.dtype.kind in ("U", "S") else column for column in columns]
        bins = cross_hash(columns, self.num_bins).reshape(shape)
        indices = on_current_device(torch.from_numpy(bins))
        return encode_categorical(indices, self.output_mode, self.num_bins, self.compute_dtype)

    def _check_inputs(self, arrays, inputs):
        shape = arrays[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError(
                f"All `HashedCrossing` inputs should have shape `()`, `(batch_size)` or `(batch_size, 1)`. "
                f"Received: inputs={inputs}"
            )
        if any(array.shape != shape for array in arrays[1:]):
            raise ValueError(f"All `HashedCrossing` inputs should have equal shape. Received: inputs={inputs}")
        if not all(is_string_array(array) or array.dtype.kind in ("i", "u") for array in arrays):
            raise ValueError(
                f"All `HashedCrossing` inputs should have an integer or string dtype. Received: inputs={inputs}"
            )

    def get_config(self):
        return {
            "num_bins": self.num_bins,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self.dtype,
        }
