"""Keras dtype strings and their torch counterparts."""

from __future__ import annotations

import numpy as np
import torch

from kerasbridge.backend import config

TORCH_DTYPES: dict[str, torch.dtype] = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "uint8": torch.uint8,
    "uint16": torch.uint16,
    "uint32": torch.uint32,
    "uint64": torch.uint64,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "bool": torch.bool,
    "float8_e4m3fn": torch.float8_e4m3fn,
    "float8_e5m2": torch.float8_e5m2,
    "complex64": torch.complex64,
    "complex128": torch.complex128,
}
_FROM_TORCH = {v: k for k, v in TORCH_DTYPES.items()}
# The only string alias Keras accepts: "float", "double", "half", ... raise, as in Keras.
_ALIASES = {"int": "int32"}
# Symbolic-only dtype of string inputs (`keras.Input(shape=(), dtype="string")`): torch has no
# string tensors, so eager string data stays a numpy array of `str` (or a list of `str`).
STRING_DTYPE = "string"
_STRING_ALIASES = ("string", "str", "unicode")
FLOAT_TYPES = ("float16", "bfloat16", "float32", "float64", "float8_e4m3fn", "float8_e5m2")
INT_TYPES = ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64")


def standardize_dtype(dtype) -> str:
    """Return the Keras dtype string for a dtype given as string, numpy, torch or Python type.

    `None` resolves to `floatx()`.
    """
    if dtype is None:
        return config.floatx()
    if isinstance(dtype, torch.dtype):
        name = _FROM_TORCH.get(dtype)
        if name is None:
            raise ValueError(f"Invalid dtype: {dtype}")
        return name
    if hasattr(dtype, "name") and not isinstance(dtype, str) and dtype is not bool:
        # numpy dtypes and dtype policies expose `.name`
        name = dtype.name
        if isinstance(name, str) and name in TORCH_DTYPES:
            return name
    if dtype is float:
        return "float32"
    if dtype is int:
        return "int32"
    if dtype is bool:
        return "bool"
    if dtype is str or dtype is bytes or dtype is np.str_ or dtype is np.bytes_:
        return STRING_DTYPE
    if isinstance(dtype, np.dtype) and dtype.kind in "US":
        return STRING_DTYPE
    if isinstance(dtype, type) and issubclass(dtype, np.generic):
        dtype = np.dtype(dtype).name
    if hasattr(dtype, "value_dtype") and not isinstance(dtype, str):
        return standardize_dtype(dtype.value_dtype)
    if isinstance(dtype, np.dtype):
        dtype = dtype.name
    if isinstance(dtype, str):
        dtype = _ALIASES.get(dtype, dtype)
        if dtype.startswith("torch."):
            dtype = dtype[len("torch."):]
            dtype = _ALIASES.get(dtype, dtype)
        if dtype in TORCH_DTYPES:
            return dtype
        if dtype in _STRING_ALIASES:
            return STRING_DTYPE
    raise ValueError(f"Invalid dtype: {dtype}")


def to_torch_dtype(dtype) -> torch.dtype:
    """Return the `torch.dtype` for any dtype accepted by `standardize_dtype`."""
    if isinstance(dtype, torch.dtype):
        return dtype
    name = standardize_dtype(dtype)
    if name == STRING_DTYPE:
        raise TypeError(
            "The dtype 'string' has no torch counterpart: string data stays a numpy array (or list) of `str`, "
            "and only preprocessing layers such as StringLookup or TextVectorization accept it."
        )
    return TORCH_DTYPES[name]


def is_float_dtype(dtype) -> bool:
    """Whether `dtype` is a floating point dtype."""
    return standardize_dtype(dtype) in FLOAT_TYPES


def is_int_dtype(dtype) -> bool:
    """Whether `dtype` is an integer dtype (signed or unsigned)."""
    return standardize_dtype(dtype) in INT_TYPES


# -- Keras type promotion (`keras.backend.result_type`) ---------------------------------------
# A JAX-style lattice: each dtype points at the dtypes directly above it. "int" and "float"
# are the weak types of Python scalars, which adopt the dtype of the tensor they meet.
_PROMOTION_EDGES = {
    "bool": ("int",),
    "int": ("uint8", "int8", "complex64"),
    "uint8": ("int16", "uint16"),
    "uint16": ("int32", "uint32"),
    "uint32": ("int64", "uint64"),
    "uint64": ("float",),
    "int8": ("int16",),
    "int16": ("int32",),
    "int32": ("int64",),
    "int64": ("float",),
    "float": ("bfloat16", "float16"),
    "bfloat16": ("float32",),
    "float16": ("float32",),
    "float32": ("float64", "complex64"),
    "float64": ("complex128",),
    "complex64": ("complex128",),
    "complex128": (),
}


def _upper_bounds() -> dict[str, frozenset]:
    bounds = {}
    for node in _PROMOTION_EDGES:
        seen, todo = {node}, [node]
        while todo:
            for parent in _PROMOTION_EDGES[todo.pop()]:
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        bounds[node] = frozenset(seen)
    return bounds


_UPPER_BOUNDS = _upper_bounds()
# The torch backend of Keras has no 64-bit default types: promotion results are narrowed.
_NARROW_64 = {"int64": "int32", "uint64": "uint32", "float64": "float32", "complex128": "complex64"}
_FLOAT8 = ("float8_e4m3fn", "float8_e5m2")


def _least_upper_bound(nodes: frozenset) -> str:
    common = frozenset.intersection(*(_UPPER_BOUNDS[n] for n in nodes))
    lowest = [c for c in common if common <= _UPPER_BOUNDS[c]]
    if len(lowest) != 1:
        raise ValueError(
            f"Input dtypes {tuple(sorted(nodes))} have no available implicit dtype promotion path. "
            "Try explicitly casting inputs to the desired output type."
        )
    return lowest[0]


def _resolve_weak(dtype: str) -> str:
    bits = config.floatx()[-2:]
    kind = "f" if dtype == "bfloat16" else dtype[0]
    if kind == "b":
        return "bool"
    if kind in ("i", "u"):
        return f"{'int' if kind == 'i' else 'uint'}{bits}"
    return f"float{bits}"


_RESULT_CACHE: dict[tuple, str] = {}


def _entry(arg) -> tuple[str, bool]:
    if arg is int:
        return "int32", True
    if arg is float:
        return "float32", True
    if arg is None:
        return config.floatx(), False
    if isinstance(arg, str) and arg == "int":
        return "int32", False
    return standardize_dtype(arg), False


def result_type(*dtypes) -> str:
    """Return the dtype Keras's promotion rules give for combining `dtypes`.

    Python `int` and `float` (the types, not values) are weak: they take the dtype of the
    tensor dtype they are combined with. 64-bit results are narrowed to 32 bits, as with
    the torch backend of Keras. No argument gives `floatx()`.

    Args:
        *dtypes: Dtypes (strings, torch/numpy dtypes) or the Python types `int`, `float`, `bool`.

    Returns:
        The resulting dtype, as a string.
    """
    if not dtypes:
        return config.floatx()
    key = (config.floatx(), *dtypes)
    try:
        cached = _RESULT_CACHE.get(key)
    except TypeError:  # unhashable dtype object
        cached, key = None, None
    if cached is not None:
        return cached
    entries = [_entry(arg) for arg in dtypes]
    for dtype, _ in entries:
        if dtype in _FLOAT8:
            raise ValueError(
                "There is no implicit conversions from float8 dtypes to others. "
                f"You must cast it internally. Received: {dtypes}"
            )
    names = {d for d, _ in entries}
    weak_flags = [w for _, w in entries]
    if len(entries) == 1:
        out, weak = entries[0]
    elif len(names) == 1 and not all(weak_flags):
        out, weak = entries[0][0], False
    elif all(weak_flags):
        out, weak = _least_upper_bound(frozenset(names)), True
    else:
        nodes = frozenset(
            ("float" if "float" in d else "int" if "int" in d else d) if w else d for d, w in entries
        )
        out = _least_upper_bound(nodes)
        weak = out in ("int", "float")
    if weak and out != "bool":
        out = _resolve_weak(out)
    out = _NARROW_64.get(out, out)
    if key is not None:
        _RESULT_CACHE[key] = out
    return out
