"""Symbolic `kerasbridge.ops` calls recorded as the operation classes Keras 3 saves.

Keras records `ops.not_equal(ids, 0)` on KerasTensors as a `NotEqual()` operation
called with `(ids, 0)`, and `ops.mean(x, axis=1)` as `Mean(axis=1, keepdims=False)`
called with `(x,)`. kerasbridge records its op calls the same way (see
`saving/keras_op_names.py` for the split of each op's arguments), so a Functional
model's config names `{"module": "keras.src.ops.numpy", "class_name": "NotEqual"}`
exactly as Keras does, and configs written by Keras rebuild onto kerasbridge's ops.
"""

from __future__ import annotations

import functools
import importlib
import inspect

from kerasbridge.backend import naming
from kerasbridge.backend.dtypes import standardize_dtype
from kerasbridge.ops.keras_tensor import KerasTensor
from kerasbridge.ops.operation import FunctionOperation, Operation
from kerasbridge.utils import tree

_MODULE_PREFIX = "keras.src.ops."


class KerasOperation(FunctionOperation):
    """A kerasbridge op function captured under the class name Keras gives the same operation.

    Subclasses (one per Keras class name, made by `keras_op_class`) set `keras_class_name`,
    `op_function_name`, `op_module`, `call_params` and `init_params`.

    Args:
        name: Name of the node; default: the snake-case class name, made unique.
        **init_kwargs: The arguments Keras passes to the operation's constructor.
    """

    keras_class_name = ""
    op_module = ""
    op_function_name = ""
    call_params: tuple = ()
    init_params: tuple = ()

    def __init__(self, name: str | None = None, **init_kwargs):
        unknown = set(init_kwargs) - set(self.init_params)
        if unknown:
            raise TypeError(
                f"{self.keras_class_name}() got unexpected arguments {sorted(unknown)}. "
                f"Expected only {list(self.init_params)} and `name`."
            )
        Operation.__init__(self, name=name or naming.auto_name(self.keras_class_name))
        self.fn = op_function(self.op_module, self.op_function_name)
        if init_kwargs.get("dtype") is not None:
            init_kwargs["dtype"] = standardize_dtype(init_kwargs["dtype"])  # as Keras stores it
        self.init_kwargs = init_kwargs

    def call(self, *args, **kwargs):
        return self.fn(*args, **kwargs, **self.init_kwargs)

    def get_config(self) -> dict:
        return {"name": self.name, **self.init_kwargs}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


def op_function(module: str, function_name: str):
    """The eager kerasbridge function of op `function_name` (from `kerasbridge.ops.<module>` or `ops`)."""
    namespace = importlib.import_module(f"kerasbridge.ops.{module}")
    fn = getattr(namespace, function_name, None)
    if fn is None:
        fn = getattr(importlib.import_module("kerasbridge.ops"), function_name)
    return getattr(fn, "_eager", fn)


@functools.cache
def keras_op_class(class_name: str):
    """The `KerasOperation` subclass for the Keras op `class_name`, or `None` if kerasbridge has no such op."""
    from kerasbridge.saving.keras_op_names import KERAS_OP_CLASSES

    entry = KERAS_OP_CLASSES.get(class_name)
    if entry is None:
        return None
    module, function_name, call_params, init_params = entry
    attributes = {
        "__module__": f"kerasbridge.ops.{module}",
        "__qualname__": class_name,
        "__doc__": f"The `{function_name}` op as a graph node (Keras class `{class_name}`).",
        "keras_class_name": class_name,
        "op_module": module,
        "op_function_name": function_name,
        "call_params": tuple(call_params),
        "init_params": tuple(init_params),
    }
    return type(class_name, (KerasOperation,), attributes)


def resolve_keras_op(module: str, class_name: str):
    """The op class for a config naming `module` (`keras.src.ops.*`) and `class_name`, or `None`."""
    if not module.startswith(_MODULE_PREFIX):
        return None
    cls = keras_op_class(class_name)
    if cls is None or module != _MODULE_PREFIX + cls.op_module:
        return None
    return cls


@functools.cache
def _class_by_function() -> dict:
    from kerasbridge.saving.keras_op_names import KERAS_OP_ALIASES, KERAS_OP_CLASSES

    by_function, by_name = {}, {}
    for class_name, (module, function_name, _, _) in KERAS_OP_CLASSES.items():
        by_name[(module, function_name)] = class_name
        try:
            fn = op_function(module, function_name)
        except (ImportError, AttributeError):
            continue
        by_function.setdefault(fn, class_name)
    for alias, (module, function_name) in KERAS_OP_ALIASES.items():
        try:
            fn = op_function(module, alias)
        except (ImportError, AttributeError):
            continue
        by_function.setdefault(fn, by_name[(module, function_name)])
    return by_function


def _has_symbolic(value) -> bool:
    return any(isinstance(x, KerasTensor) for x in tree.flatten(value))


def symbolic_keras_op_call(fn, args: tuple, kwargs: dict):
    """Record `fn(*args, **kwargs)` as the Keras operation class of `fn`.

    Returns:
        `(done, outputs)`: `done` is False when `fn` has no Keras operation class (or
        when its constructor arguments are themselves symbolic); the caller then records
        a plain `FunctionOperation`.
    """
    class_name = _class_by_function().get(fn)
    if class_name is None:
        return False, None
    cls = keras_op_class(class_name)
    signature = inspect.signature(fn)
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError:
        return False, None
    extra = [p for p in bound.arguments if p not in cls.call_params and p not in cls.init_params]
    if extra:
        return False, None
    init_kwargs = {
        p: bound.arguments.get(p, signature.parameters[p].default) for p in cls.init_params
    }
    if _has_symbolic(list(init_kwargs.values())):
        return False, None
    passed = [i for i, p in enumerate(cls.call_params) if p in bound.arguments]
    count = passed[-1] + 1 if passed else 0
    call_args = [
        bound.arguments.get(p, signature.parameters[p].default) for p in cls.call_params[:count]
    ]
    return True, cls(**init_kwargs)(*call_args)
