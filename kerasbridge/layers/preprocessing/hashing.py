"""`Hashing`: hash strings or integers into a fixed number of bins."""

from __future__ import annotations

import numpy as np
import torch

from kerasbridge.backend.config import floatx
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.preprocessing._categorical import encode_categorical
from kerasbridge.layers.preprocessing._string_arrays import as_array, is_string_array, on_current_device
from kerasbridge.layers.preprocessing._string_hash import fingerprint64, siphash24
from kerasbridge.ops.keras_tensor import KerasTensor


def hash_to_bins(values: np.ndarray, num_bins: int, salt=None) -> np.ndarray:
    """Hash every element (str, bytes, boolean or integer written in decimal) into `[0, num_bins)`.

    Without `salt` this is FarmHash `Fingerprint64` modulo `num_bins`
    (TensorFlow's `to_hash_bucket_fast`); with a `[k0, k1]` salt, SipHash-2-4 keyed
    by it (`to_hash_bucket_strong`).
    """
    out = np.empty(values.shape, dtype=np.int64)
    flat_in, flat_out = values.reshape(-1), out.reshape(-1)
    for i, value in enumerate(flat_in):
        if isinstance(value, str):
            data = value.encode("utf-8")
        elif isinstance(value, bytes):
            data = value
        elif isinstance(value, (bool, np.bool_)):
            data = b"true" if value else b"false"  # TensorFlow's `as_string` of booleans
        else:
            data = str(int(value)).encode("ascii")
        digest = fingerprint64(data) if salt is None else siphash24(salt, data)
        flat_out[i] = digest % num_bins
    return out


class Hashing(Layer):
    """Maps strings or integers to bins with a stable hash: `bin = hash(x) % num_bins`.

    The hash is FarmHash64 (`Fingerprint64`) of the value's bytes, or SipHash-2-4
    when a `salt` is given, exactly as Keras (via TensorFlow) computes it, so bins
    agree with Keras. Integers are hashed as their decimal text and floats are
    first truncated to integers, as in Keras.

    Args:
        num_bins: Number of hash bins. With `mask_value`, bin 0 is reserved for it.
        mask_value: Value that maps to bin 0 (other values go to `[1, num_bins)`).
        salt: Integer or pair of integers: switches to the keyed (SipHash) hash.
        output_mode: `"int"` (bin indices, int64), `"one_hot"`, `"multi_hot"` or `"count"`.
        sparse: Must be `False` (no sparse tensors on torch).
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        Any shape of strings (lists of str, numpy string arrays) or integers.

    Output shape:
        `"int"`: as the input; otherwise the encoded shape (see `CategoryEncoding`).
    """

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else floatx()
        super().__init__(**kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError(
                f"The `num_bins` for `Hashing` cannot be `None` or non-positive values. Received: num_bins={num_bins}."
            )
        if output_mode == "int" and self.dtype_policy.name not in ("int32", "int64"):
            raise ValueError(
                'When `output_mode="int"`, `dtype` should be an integer type, \'int32\' or \'in64\'. '
                f"Received: dtype={kwargs['dtype']}"
            )
        modes = ("int", "one_hot", "multi_hot", "count")
        if output_mode not in modes:
            raise ValueError(
                f"Invalid value for argument `output_mode`. Expected one of {modes}. Received: output_mode={output_mode}"
            )
        if sparse and output_mode == "int":
            raise ValueError(
                '`sparse` may only be true if `output_mode` is `"one_hot"`, `"multi_hot"`, or `"count"`. '
                f"Received: sparse={sparse} and output_mode={output_mode}"
            )
        if sparse:
            raise ValueError("`sparse=True` cannot be used with backend torch")
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.strong_hash = salt is not None
        self.output_mode = output_mode
        self.sparse = sparse
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                self.salt = list(salt)
            elif isinstance(salt, int):
                self.salt = [salt, salt]
            else:
                raise ValueError(
                    "The `salt` argument for `Hashing` can only be a tuple of size 2 integers, or a single integer. "
                    f"Received: salt={salt}."
                )
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True
        self.built = True

    def _hash_values_to_bins(self, values: np.ndarray) -> np.ndarray:
        bins = self.num_bins
        mask = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = values == self.mask_value
        if values.dtype.kind == "f":
            values = values.astype(np.int64)
        elif values.dtype.kind in ("U", "S"):
            values = values.astype(object)
        hashed = hash_to_bins(values, bins, self.salt)
        if mask is not None:
            hashed = np.where(mask, 0, hashed + 1)
        return hashed

    def call(self, inputs):
        values = as_array(inputs)
        if not is_string_array(values) and values.dtype.kind not in ("i", "u", "f", "b"):
            raise ValueError(f"`Hashing` expects string or numeric inputs. Received an array of dtype {values.dtype}.")
        if self.output_mode == "one_hot" and values.ndim > 0 and values.shape[-1] == 1:
            values = values.squeeze(-1)
        indices = on_current_device(torch.from_numpy(self._hash_values_to_bins(values)))
        return encode_categorical(indices, self.output_mode, self.num_bins, self.dtype)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        if len(input_shape) == 0:
            return (self.num_bins,)
        return tuple(input_shape[:-1]) + (self.num_bins,)

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "num_bins": self.num_bins,
            "salt": self.salt,
            "mask_value": self.mask_value,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }
