"""Creation, lookup and saving of an optimizer's variables (a mixin of `BaseOptimizer`)."""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import torch

from kerasbridge import initializers
from kerasbridge.backend.device import device_scope
from kerasbridge.backend.naming import name_scope
from kerasbridge.backend.variable import Variable
from kerasbridge.optimizers.optimizer_utils import _TrackedList


class OptimizerVariablesMixin:
    """Variables of `BaseOptimizer`: attribute tracking, `add_variable*`, variable indices, weights I/O."""

    # -- attribute tracking ---------------------------------------------------------------
    def __setattr__(self, name, value):
        if name != "_lock":
            self._check_super_called()
        if self.__dict__.get("_tracking"):
            value = self._track_value(value)
        object.__setattr__(self, name, value)

    def _track_value(self, value):
        if isinstance(value, Variable):
            self._track_variable(value)
        elif type(value) is list:
            value = _TrackedList(self, value)
        elif type(value) is tuple:
            for item in value:
                self._track_value(item)
        return value

    def _track_variable(self, variable):
        if id(variable) not in self._tracked_ids:
            self._tracked_ids.add(id(variable))
            self._variables.append(variable)

    def _untrack_variable(self, variable):
        if id(variable) in self._tracked_ids:
            self._tracked_ids.discard(id(variable))
            self._variables = [v for v in self._variables if v is not variable]

    def _check_super_called(self):
        if "_lock" not in self.__dict__:
            raise RuntimeError(
                f"In optimizer '{self.__class__.__name__}', you forgot to call `super().__init__()` as "
                "the first statement in the `__init__()` method. Go add it!"
            )

    # -- variables ------------------------------------------------------------------------
    def _var_key(self, variable):
        return id(variable)

    def _get_variable_index(self, variable):
        return self._trainable_variables_indices[self._var_key(variable)]

    def add_variable(
        self, shape, initializer="zeros", dtype=None, aggregation="none", layout=None, name=None
    ):
        """Create a non-trainable optimizer variable, tracked in `variables`.

        Args:
            shape: Shape tuple of the variable.
            initializer: Initializer object or name. Defaults to `"zeros"`.
            dtype: Dtype of the variable; defaults to `floatx()`.
            aggregation: How it is reduced across replicas (`"none"`, `"mean"`, `"sum"`,
                `"only_first_replica"`).
            layout: Ignored (kept for API compatibility).
            name: Name of the variable.

        Returns:
            The new `Variable`.
        """
        self._check_super_called()
        initializer = initializers.get(initializer)
        with name_scope(self.name, caller=self):
            variable = Variable(
                initializer=initializer,
                shape=shape,
                dtype=dtype,
                trainable=False,
                aggregation=aggregation,
                name=name,
            )
        self._track_variable(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """Create an optimizer variable shaped like `reference_variable`, on its device.

        It is named `{reference path with "/" replaced by "_"}_{name}`, e.g.
        `dense_kernel_momentum`.
        """
        name = name or "var"
        if hasattr(reference_variable, "path"):
            name = f"{reference_variable.path.replace('/', '_')}_{name}"
        else:
            name = f"{str(reference_variable.name).replace('/', '_').replace(':', '_')}_{name}"
        value = getattr(reference_variable, "value", None)
        device = value.device if isinstance(value, torch.Tensor) else None
        with device_scope(device) if device is not None else contextlib.nullcontext():
            variable = self.add_variable(
                shape=reference_variable.shape,
                initializer=initializer,
                dtype=reference_variable.dtype,
                name=name,
            )
        variable._reference_variable = reference_variable  # a sharded model shards the slot alike (engine/fsdp.py)
        return variable

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """Create one optimizer variable per trainable variable and per name in `name`.

        Args:
            trainable_variables: The model variables.
            name: A name suffix, or a list of them (variables are created interleaved:
                all names for the first variable, then for the second...).
            initializer: One initializer, or one per name.

        Returns:
            A list of variables (`None` for variables with `overwrite_with_gradient`), or a
            tuple of such lists when `name` is a list.
        """
        names, inits = name, initializer
        if isinstance(name, str):
            names, inits = [name], [initializer]
        elif isinstance(initializer, (str, initializers.Initializer)):
            inits = [initializer] * len(names)
        if len(names) != len(inits):
            raise ValueError(
                "The number of provided names must match the number of provided initializers.  "
                f"Received name='{name}', initializer='{initializer}'"
            )
        out = tuple([] for _ in names)
        for variable in trainable_variables:
            overwrite = self._overwrite_variable_with_gradient(variable)
            for i, (var_name, var_init) in enumerate(zip(names, inits)):
                out[i].append(
                    None
                    if overwrite
                    else self.add_variable_from_reference(variable, name=var_name, initializer=var_init)
                )
        return out[0] if isinstance(name, str) else out

    def _slots(self, slot_variables, variables) -> list[torch.Tensor]:
        """The tensors of `slot_variables` that belong to `variables`."""
        indices = self._trainable_variables_indices
        return [slot_variables[indices[id(v)]].value for v in variables]

    def _overwrite_variable_with_gradient(self, variable):
        return getattr(variable, "overwrite_with_gradient", False)

    def _check_variables_are_known(self, variables):
        for v in variables:
            if self._var_key(v) not in self._trainable_variables_indices:
                raise ValueError(
                    f"Unknown variable: {v}. This optimizer can only be called for the variables it was "
                    "originally built with. When working with a new set of variables, you should "
                    "recreate a new optimizer instance."
                )

    def assign(self, variable, value):
        """Assign `value` to `variable` (a model or optimizer variable)."""
        variable.assign(value)

    def assign_add(self, variable, value):
        """Add `value` to `variable`."""
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        """Subtract `value` from `variable`."""
        variable.assign_sub(value)

    def set_weights(self, weights):
        """Set the values of `variables` from a list of arrays."""
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. Please "
                "call `optimizer.build(trainable_variables)` to create the optimizer weights before "
                "calling `set_weights()`."
            )
        for variable, weight in zip(self._variables, weights):
            if tuple(variable.shape) != tuple(np.shape(weight)):
                raise ValueError(
                    f"Optimizer variable {self._var_key(variable)} has shape {variable.shape} not "
                    f"compatible with provided weight shape {np.shape(weight)}."
                )
            variable.assign(weight)

    def save_own_variables(self, store):
        """Write the variables to `store` under keys `"0"`, `"1"`, ..."""
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        """Read the variables back from `store` (skipped with a warning on a count mismatch)."""
        variables = self.variables
        if len(store.keys()) != len(variables):
            msg = (
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(variables)} variables whereas the saved optimizer has {len(store.keys())} "
                "variables. "
            )
            if not variables:
                msg += "This is likely because the optimizer has not been called/built yet."
            warnings.warn(msg, stacklevel=2)
            return
        for i, variable in enumerate(variables):
            variable.assign(store[str(i)])
