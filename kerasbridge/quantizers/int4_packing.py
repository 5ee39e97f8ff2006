"""Packing of int4 values, two per byte (`pack_int4`, `unpack_int4`)."""

from __future__ import annotations

import numpy as np
import torch

from kerasbridge.backend.dtypes import standardize_dtype, to_torch_dtype
from kerasbridge.backend.tensor import convert_to_tensor


def pack_int4(arr, axis=0, dtype="int8"):
    """Pack int4 values (int8 in `[-8, 7]`) two per byte along `axis`.

    Consecutive pairs along `axis` share a byte: the first value in the low
    nibble, the second in the high nibble. An odd length is padded with a zero.

    Args:
        arr: `int8` (or `uint8`) tensor of int4 values.
        axis: Axis to pack along.
        dtype: `"int8"` or `"uint8"`, the dtype of `arr` and of the result.

    Returns:
        `(packed, packed_shape, original_length)`.
    """
    if dtype not in ("int8", "uint8"):
        raise ValueError(f"Expected dtype to be 'int8' or 'uint8', but got '{dtype}'.")
    if standardize_dtype(arr.dtype) != dtype:
        raise TypeError(f"Expected {dtype} tensor for packing, got {standardize_dtype(arr.dtype)}.")
    if isinstance(arr, torch.Tensor):
        array = arr.detach().cpu().numpy()
    else:
        array = np.asarray(arr)
    axis = axis % array.ndim
    array = np.moveaxis(array, axis, 0)
    length = array.shape[0]
    if length % 2:
        array = np.concatenate([array, np.zeros((1,) + array.shape[1:], dtype=array.dtype)], axis=0)
    np_dtype = np.dtype(dtype)
    low = np.bitwise_and(array[0::2].astype(np_dtype), np_dtype.type(0x0F))
    high = np.bitwise_and(array[1::2].astype(np_dtype), np_dtype.type(0x0F))
    packed = np.bitwise_or(low, np.left_shift(high, np_dtype.type(4))).astype(np_dtype)
    packed = np.ascontiguousarray(np.moveaxis(packed, 0, axis))
    return torch.from_numpy(packed), tuple(packed.shape), length


def unpack_int4(packed, orig_len, axis=0, dtype="int8"):
    """Unpack what `pack_int4` packed: back to int8 values in `[-8, 7]` (or uint8 in `[0, 15]`).

    Args:
        packed: Packed tensor.
        orig_len: Length of `axis` before packing (drops the padding).
        axis: Axis that was packed.
        dtype: `"int8"` (signed nibbles) or `"uint8"`.

    Returns:
        The unpacked tensor.
    """
    if dtype not in ("int8", "uint8"):
        raise ValueError(f"Expected dtype to be 'int8' or 'uint8', but got '{dtype}'.")
    packed = convert_to_tensor(packed)
    if standardize_dtype(packed.dtype) != dtype:
        raise TypeError(f"Expected {dtype} tensor for unpacking, got {standardize_dtype(packed.dtype)}.")
    axis = axis % packed.ndim
    moved = torch.movedim(packed, axis, 0)
    as_bytes = moved.to(torch.uint8) if dtype == "int8" else moved
    low = torch.bitwise_and(as_bytes, 0x0F).to(torch.int16)
    high = torch.bitwise_and(torch.bitwise_right_shift(as_bytes, 4), 0x0F).to(torch.int16)
    if dtype == "int8":
        low = torch.where(low > 7, low - 16, low)
        high = torch.where(high > 7, high - 16, high)
    stacked = torch.stack([low, high], dim=1).reshape((-1,) + tuple(moved.shape[1:]))[:orig_len]
    return torch.movedim(stacked.to(to_torch_dtype(dtype)), 0, axis)
