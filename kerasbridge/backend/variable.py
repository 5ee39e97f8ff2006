"""`Variable`: the Keras-facing handle of a weight that is a registered `torch.nn.Parameter`.

A Variable owns an `nn.Parameter` until a Layer registers it; from then on the Layer's
`_parameters` dict is the single source of truth and `.value` reads it from there, so
anything that swaps module parameters (`torch.func.functional_call`, FSDP, DDP, a
`load_state_dict(assign=True)`) is seen by the Keras side too.
"""

from __future__ import annotations

import numpy as np
import torch

from kerasbridge.backend import naming, state_version
from kerasbridge.backend.device import device_scope, get_variable_device
from kerasbridge.backend.dtypes import standardize_dtype, to_torch_dtype
from kerasbridge.backend.symbolic_scope import in_symbolic_scope
from kerasbridge.backend.tensor import convert_to_numpy, convert_to_tensor


def _unwrap(value):
    if isinstance(value, Variable):
        return value.value
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(v) for v in value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    return value


class Variable:
    """A stateful tensor: a model weight, an optimizer slot or a metric accumulator.

    Args:
        initializer: Initial value (array-like or tensor) or a callable `f(shape, dtype)`
            such as an initializer instance or name.
        shape: Shape of the variable; required when `initializer` is a callable.
        dtype: Dtype of the variable (defaults to `floatx()`, or the value's dtype).
        trainable: Whether the optimizer updates it (sets `requires_grad`).
        autocast: Whether it is cast to a layer's compute dtype under mixed precision.
        aggregation: How it is reduced across replicas (`"none"`, `"mean"`, `"sum"`,
            `"only_first_replica"`).
        synchronization: Kept for API compatibility.
        name: Name of the variable; its `path` prefixes the enclosing name scopes.

    Example:

    >>> v = kerasbridge.Variable(initializer=np.ones((2, 2)), name="v")
    >>> v.assign(v * 2)
    >>> v.numpy()
    array([[2., 2.], [2., 2.]], dtype=float32)
    """

    __hash__ = object.__hash__

    def __init__(
        self,
        initializer,
        shape=None,
        dtype=None,
        trainable: bool = True,
        autocast: bool = True,
        aggregation: str = "none",
        synchronization: str = "auto",
        name: str | None = None,
    ):
        name = name or naming.auto_name(type(self).__name__)
        if not isinstance(name, str) or "/" in name:
            raise ValueError(f"Argument `name` must be a string and cannot contain character `/`. Received: name={name}")
        if aggregation not in ("none", "mean", "sum", "only_first_replica"):
            raise ValueError(
                "Invalid value for argument `aggregation`. Expected one of `'none'`, `'mean'`, `'sum'`, "
                f"`'only_first_replica'`. Received: aggregation={aggregation}"
            )
        self._name = name
        parent_path = naming.current_path()
        self._path = f"{parent_path}/{name}" if parent_path else name
        self._trainable = bool(trainable)
        self._autocast = bool(autocast)
        self._aggregation = aggregation
        self._synchronization = synchronization
        self._owner: torch.nn.Module | None = None
        self._key: str | None = None
        self.constraint = None
        self.regularizer = None

        device = get_variable_device()
        with device_scope(device):
            value, dtype = self._initial_value(initializer, shape, dtype, name)
        self._dtype = standardize_dtype(dtype)
        with device_scope(device):
            tensor = convert_to_tensor(value, dtype=self._dtype)
        if shape is not None and tuple(tensor.shape) != tuple(shape):
            raise ValueError(
                f"Initial value for variable '{name}' has shape {tuple(tensor.shape)}, "
                f"which is incompatible with the requested shape {tuple(shape)}."
            )
        tensor = tensor.detach().to(device).clone()
        self._param = torch.nn.Parameter(tensor, requires_grad=self._trainable and tensor.is_floating_point())

    @staticmethod
    def _initial_value(initializer, shape, dtype, name):
        if callable(initializer) and not isinstance(initializer, (torch.Tensor, np.ndarray)):
            if shape is None:
                raise ValueError(
                    "When creating a Variable from a callable initializer, the `shape` argument "
                    f"must be specified. Received: initializer={initializer} and shape={shape}"
                )
            shape = tuple(int(d) for d in shape)
            dtype = standardize_dtype(dtype)
            value = initializer(shape, dtype=dtype)
        else:
            if isinstance(initializer, str):
                from kerasbridge import initializers

                if shape is None:
                    raise ValueError(
                        "When creating a Variable from an initializer name, the `shape` argument "
                        f"must be specified. Received: initializer={initializer} and shape={shape}"
                    )
                shape = tuple(int(d) for d in shape)
                dtype = standardize_dtype(dtype)
                value = initializers.get(initializer)(shape, dtype=dtype)
            else:
                value = initializer
        if dtype is None and hasattr(value, "dtype"):
            dtype = value.dtype
        return value, dtype

    # -- identity ---------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def path(self) -> str:
        """The variable's full name, e.g. `"sequential/dense/kernel"`."""
        return self._path

    @property
    def value(self) -> torch.nn.Parameter:
        """The torch tensor (an `nn.Parameter`) holding the variable's data."""
        if self._owner is not None:
            return self._owner._parameters[self._key]
        return self._param

    def _keras_variable_value(self):
        return self.value

    def _bind(self, module: torch.nn.Module, key: str) -> None:
        """Register the parameter on `module` under `key`; `value` reads it from there."""
        module.register_parameter(key, self.value)
        self._owner, self._key = module, key
        self._param = None

    @property
    def shape(self) -> tuple:
        return tuple(self.value.shape)

    @property
    def ndim(self) -> int:
        return self.value.ndim

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def device(self) -> torch.device:
        return self.value.device

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        self._set_requires_grad(self._trainable)
        state_version.bump()

    def _set_requires_grad(self, flag: bool) -> None:
        param = self.value
        if param.is_floating_point() or param.is_complex():
            param.requires_grad_(bool(flag))

    @property
    def autocast(self) -> bool:
        return self._autocast

    @property
    def aggregation(self) -> str:
        return self._aggregation

    @property
    def synchronization(self) -> str:
        return self._synchronization

    # -- state changes ----------------------------------------------------------------------
    def assign(self, value):
        """Set the variable's value in place; the shape must match."""
        param = self.value
        if in_symbolic_scope():
            return param
        value = convert_to_tensor(value, dtype=self._dtype)
        if tuple(value.shape) != tuple(param.shape):
            raise ValueError(
                "The shape of the target variable and the shape of the target value in "
                f"`variable.assign(value)` must match. variable.shape={tuple(param.shape)}, "
                f"Received: value.shape={tuple(value.shape)}. Target variable: {self}"
            )
        with torch.no_grad():
            param.copy_(value)
        return param

    def assign_add(self, value):
        """Add `value` to the variable in place."""
        return self.assign(self.value + convert_to_tensor(value, dtype=self._dtype))

    def assign_sub(self, value):
        """Subtract `value` from the variable in place."""
        return self.assign(self.value - convert_to_tensor(value, dtype=self._dtype))

    def numpy(self) -> np.ndarray:
        array = convert_to_numpy(self.value)
        # A copy, as in Keras: `get_weights()` results must not follow later training (CPU views would).
        return array.copy() if self.value.device.type == "cpu" else array

    # -- torch and numpy interop ------------------------------------------------------------
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return func(*_unwrap(args), **_unwrap(kwargs or {}))

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()
        return array.astype(dtype) if dtype is not None else array

    def __repr__(self) -> str:
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, value={self.numpy()}>"

    def __len__(self) -> int:
        return len(self.value)

    def __bool__(self):
        return bool(self.value)

    def __int__(self):
        return int(self.value)

    def __float__(self):
        return float(self.value)

    def __index__(self):
        return int(self.value)

    def __getitem__(self, index):
        return self.value[_unwrap(index)]

    def __iter__(self):
        return iter(self.value)

    def __neg__(self):
        return -self.value

    def __pos__(self):
        return self.value

    def __abs__(self):
        return abs(self.value)

    def __invert__(self):
        return ~self.value

    def __eq__(self, other):
        return self.value == _unwrap(other)

    def __ne__(self, other):
        return self.value != _unwrap(other)

    def __lt__(self, other):
        return self.value < _unwrap(other)

    def __le__(self, other):
        return self.value <= _unwrap(other)

    def __gt__(self, other):
        return self.value > _unwrap(other)

    def __ge__(self, other):
        return self.value >= _unwrap(other)


def _binary(op_name: str, reflected: bool = False):
    torch_op = getattr(torch.Tensor, f"__{op_name}__")

    def method(self, other):
        return torch_op(self.value, _unwrap(other))

    method.__name__ = f"__{op_name}__"
    return method


for _op in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or", "xor",
            "radd", "rsub", "rmul", "rtruediv", "rfloordiv", "rmod", "rpow", "rmatmul", "rand", "ror", "rxor"):
    if hasattr(torch.Tensor, f"__{_op}__"):
        setattr(Variable, f"__{_op}__", _binary(_op))
del _op


def to_torch_value(x):
    """Return the torch tensor behind a Variable, or `x` unchanged."""
    return x.value if isinstance(x, Variable) else x


__all__ = ["Variable", "to_torch_value", "to_torch_dtype"]
