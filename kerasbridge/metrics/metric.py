"""`Metric`: the base class of Keras's stateful metrics, with its state in `Variable`s."""

from __future__ import annotations

import torch

from kerasbridge import dtype_policies, initializers
from kerasbridge.backend import config
from kerasbridge.backend.device import device_scope, get_variable_device
from kerasbridge.backend.naming import auto_name, name_scope
from kerasbridge.backend.variable import Variable
from kerasbridge.metrics import metrics_utils


def _dtype_policy(dtype):
    if isinstance(dtype, str) and dtype == "int":  # Keras's "int" is int32 on the torch backend.
        dtype = "int32"
    return dtype_policies.get(dtype or config.floatx())


def _move_variable(variable: Variable, device: torch.device) -> None:
    """Move a metric variable's tensor to `device`, keeping the `Variable` object."""
    param = variable.value
    if param.device == device:
        return
    moved = param.detach().to(device)
    if torch._has_compatible_shallow_copy_type(param, moved):
        param.data = moved
    elif variable._owner is None:
        # Tensor types that cannot share a TensorImpl (meta, XLA): swap in a new parameter,
        # as `nn.Module._apply` does.
        variable._param = torch.nn.Parameter(moved, requires_grad=False)
    else:
        raise ValueError(f"Cannot move variable {variable.path} to {device}: it belongs to a module.")


class Metric:
    """Encapsulates metric logic and state.

    A metric accumulates statistics over batches in non-trainable variables
    (`update_state`), turns them into a value (`result`) and can start over
    (`reset_state`). Unlike a `Layer`, a metric is a plain object; `to(device)`
    moves its state, and `update_state` never waits on the device.

    Each variable carries an `aggregation` (`"sum"`, `"mean"`, ...) telling a
    distributed engine how to combine the replicas' states.

    Args:
        dtype: The dtype of the metric's computations; `None` means `floatx()`.
            A `DTypePolicy` contributes its compute dtype.
        name: Name of the metric instance; derived from the class name when omitted.

    Example:

    ```python
    class BinaryTruePositives(kerasbridge.metrics.Metric):
        def __init__(self, name="binary_true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.true_positives = self.add_variable(shape=(), initializer="zeros",
                                                    name="true_positives")

        def update_state(self, y_true, y_pred, sample_weight=None):
            hits = torch.as_tensor(y_true).bool() & torch.as_tensor(y_pred).bool()
            self.true_positives.assign_add(hits.float().sum())

        def result(self):
            return self.true_positives.value
    ```
    """

    def __init__(self, dtype=None, name=None):
        self.name = name or auto_name(self.__class__.__name__)
        self._dtype_policy = _dtype_policy(dtype)
        self._dtype = self._dtype_policy.compute_dtype
        self._metrics: list[Metric] = []
        self._variables: list[Variable] = []
        self._device = torch.empty(0, device=get_variable_device()).device

    # -- the API subclasses implement ------------------------------------------------------
    def update_state(self, *args, **kwargs):
        """Accumulate statistics for the metric."""
        raise NotImplementedError

    def result(self):
        """Compute the current metric value: a tensor (0-d for scalar metrics) or a dict of them."""
        raise NotImplementedError

    def reset_state(self):
        """Reset every state variable to zero (called between epochs)."""
        for variable in self.variables:
            metrics_utils.set_value(variable, torch.zeros_like(variable.value))

    # -- state -----------------------------------------------------------------------------
    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """Create a non-trainable state variable on the metric's device.

        Args:
            shape: Shape of the variable.
            initializer: Initializer instance or name (e.g. `"zeros"`).
            dtype: Dtype of the variable; `floatx()` when `None`.
            aggregation: How replicas' values combine: `"sum"` for counts and totals,
                `"mean"`, `"only_first_replica"` or `"none"`.
            name: Name of the variable (`total`, `count`, `true_positives`, ...).
        """
        self._check_super_called()
        with name_scope(self.name.replace("/", ">"), caller=self):
            with device_scope(self._device):
                variable = Variable(
                    initializer=initializers.get(initializer),
                    shape=shape,
                    dtype=dtype,
                    trainable=False,
                    aggregation=aggregation,
                    synchronization="on_read",
                    name=name,
                )
        _move_variable(variable, self._device)  # device scopes never place variables on "meta"
        self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """Alias of `add_variable` (with `aggregation="sum"`)."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self) -> list[Variable]:
        """The metric's state variables, then those of the metrics it holds."""
        variables = list(self._variables)
        for metric in self._metrics:
            variables.extend(metric.variables)
        return variables

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def device(self) -> torch.device:
        """The device holding the metric's state."""
        return self._device

    def to(self, device) -> Metric:
        """Move the metric's state (and that of the metrics it holds) to `device`; returns `self`."""
        device = torch.empty(0, device=device).device
        self._device = device
        for variable in self._variables:
            _move_variable(variable, device)
        for metric in self._metrics:
            metric.to(device)
        return self

    # -- calling ---------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        """Update the state with the arguments, then return `result()`."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    # -- serialization ---------------------------------------------------------------------
    def get_config(self) -> dict:
        """The serializable config of the metric."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def _obj_type(self) -> str:
        return "Metric"

    # -- internals -------------------------------------------------------------------------
    def __setattr__(self, name, value):
        if isinstance(value, Metric) and "_metrics" in self.__dict__ and value is not self:
            if all(value is not m for m in self._metrics):
                self._metrics.append(value)
        super().__setattr__(name, value)

    def _check_super_called(self) -> None:
        if "_variables" not in self.__dict__:
            raise RuntimeError("You forgot to call `super().__init__()` in the `__init__()` method. Go add it!")

    def _tensor(self, x, dtype=None) -> torch.Tensor:
        """`x` as a tensor on the metric's device."""
        return metrics_utils.to_tensor(x, dtype=dtype, device=self._device)

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} name={self.name}>"

    def __str__(self) -> str:
        return self.__repr__()
