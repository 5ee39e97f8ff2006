"""`KerasTensor`: a symbolic tensor (shape and dtype, no data) used to build Functional models."""

from __future__ import annotations

import collections

import torch

from kerasbridge.backend.dtypes import standardize_dtype
from kerasbridge.utils import tree

KerasHistory = collections.namedtuple("KerasHistory", ["operation", "node_index", "tensor_index"])


def standardize_shape(shape) -> tuple:
    """Validate a shape and return it as a tuple of ints and `None`s."""
    if shape is None:
        raise ValueError("Undefined shapes are not supported.")
    if hasattr(shape, "__iter__") and not isinstance(shape, str):
        shape = tuple(shape)
    else:
        raise ValueError(f"Cannot convert '{shape}' to a shape.")
    out = []
    for dim in shape:
        if dim is None:
            out.append(None)
            continue
        if isinstance(dim, str) or not hasattr(dim, "__index__") and not isinstance(dim, float):
            raise ValueError(f"Cannot convert '{shape}' to a shape. Found invalid entry '{dim}'. ")
        dim = int(dim)
        if dim < 0:
            raise ValueError(f"Cannot convert '{shape}' to a shape. Negative dimensions are not allowed.")
        out.append(dim)
    return tuple(out)


class KerasTensor:
    """A symbolic tensor: a shape (with `None` for unknown dims) and a dtype.

    `keras.Input()` returns one; calling layers and ops on KerasTensors records the graph
    that `keras.Model(inputs, outputs)` turns into a Functional model.
    """

    __hash__ = object.__hash__

    def __init__(self, shape, dtype="float32", sparse=False, ragged=False, record_history=True, name=None):
        self._shape = standardize_shape(shape)
        self._dtype = standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        if name is None:
            from kerasbridge.backend.naming import auto_name

            name = auto_name("KerasTensor")
        self.name = name
        self._keras_history: KerasHistory | None = None
        self._keras_mask: KerasTensor | None = None

    @property
    def shape(self) -> tuple:
        return self._shape

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def ndim(self) -> int:
        return len(self._shape)

    def reshape(self, newshape):
        from kerasbridge import ops

        return ops.reshape(self, newshape)

    def squeeze(self, axis=None):
        from kerasbridge import ops

        return ops.squeeze(self, axis=axis)

    def __repr__(self) -> str:
        return (
            f"<KerasTensor shape={self.shape}, dtype={self.dtype}, sparse={self.sparse}, "
            f"ragged={self.ragged}, name={self.name}>"
        )

    def __iter__(self):
        raise TypeError("Iterating over a symbolic KerasTensor is not supported.")

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor cannot be used as a boolean.")

    def __array__(self, *args, **kwargs):
        raise ValueError(
            "A KerasTensor is symbolic: it's a placeholder for a shape and a dtype. It doesn't have "
            "any actual numerical value. You cannot convert it to a NumPy array."
        )

    def __torch_function__(self, func, types, args=(), kwargs=None):
        raise ValueError(
            f"A KerasTensor cannot be used as input to a torch function ({getattr(func, '__name__', func)}). "
            "A KerasTensor is a symbolic placeholder for a shape and an associated dtype. You can only use "
            "it as input to a Keras layer or a Keras operation (from `kerasbridge.layers` and "
            "`kerasbridge.ops`). Wrap custom torch code in a Layer's `call()` instead."
        )


def _symbolic_binary(op_name: str, reflected: bool):
    def method(self, other):
        from kerasbridge import ops

        fn = getattr(ops, op_name)
        return fn(other, self) if reflected else fn(self, other)

    return method


def _symbolic_unary(op_name: str):
    def method(self):
        from kerasbridge import ops

        return getattr(ops, op_name)(self)

    return method


for _dunder, _op in {
    "add": "add", "sub": "subtract", "mul": "multiply", "truediv": "true_divide",
    "floordiv": "floor_divide", "mod": "mod", "pow": "power", "matmul": "matmul",
    "and": "logical_and", "or": "logical_or", "xor": "logical_xor",
    "lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal",
}.items():
    setattr(KerasTensor, f"__{_dunder}__", _symbolic_binary(_op, reflected=False))
    if _dunder not in ("lt", "le", "gt", "ge"):
        setattr(KerasTensor, f"__r{_dunder}__", _symbolic_binary(_op, reflected=True))
for _dunder, _op in {"neg": "negative", "abs": "absolute", "invert": "logical_not"}.items():
    setattr(KerasTensor, f"__{_dunder}__", _symbolic_unary(_op))
KerasTensor.__pos__ = lambda self: self
KerasTensor.__getitem__ = lambda self, key: __import__("kerasbridge.ops", fromlist=["get_item"]).get_item(self, key)
KerasTensor.T = property(lambda self: __import__("kerasbridge.ops", fromlist=["transpose"]).transpose(self))


def is_keras_tensor(x) -> bool:
    """Whether `x` is a symbolic `KerasTensor`."""
    return isinstance(x, KerasTensor)


_PLAIN_LEAVES = (torch.Tensor, bool, int, float, str, type(None))


def any_symbolic_tensors(args=None, kwargs=None) -> bool:
    """Whether any leaf of `args`/`kwargs` is a KerasTensor."""
    # Fast path for the common eager call (tensors and plain Python values, no containers).
    plain = True
    for value in (*(args or ()), *(kwargs.values() if kwargs else ())):
        if isinstance(value, KerasTensor):
            return True
        if not isinstance(value, _PLAIN_LEAVES):
            plain = False
    if plain:
        return False
    for leaf in tree.flatten((args or (), kwargs or {})):
        if isinstance(leaf, KerasTensor):
            return True
    return False
