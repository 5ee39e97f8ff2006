"""`MultiOptimizer`: update different variables with different optimizers."""

from __future__ import annotations

from kerasbridge.optimizers.base_optimizer import Optimizer
from kerasbridge.optimizers.loss_scale_optimizer import LossScaleOptimizer


class MultiOptimizer(Optimizer):
    """An optimizer that hands each variable to the optimizer an `OptimizerMap` (or a function) picks.

    Each sub-optimizer keeps its own learning rate, slots and `iterations`, and updates only
    its variables (with its own clipping and weight decay); the `MultiOptimizer` counts its
    own `iterations`. Its `learning_rate` cannot be read or set: use `optimizers` to reach the
    sub-optimizers.

    Args:
        optimizer_map: An `OptimizerMap`, or a function from a variable to an optimizer.
        loss_scale_factor: Loss scale handed to every sub-optimizer.
        name: The optimizer's name.
    """

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        self._optimizer_map = optimizer_map
        self._inner_optimizers = []
        candidates = list(optimizer_map.values()) if hasattr(optimizer_map, "values") else []
        default = getattr(optimizer_map, "default_optimizer", None)
        if default is not None:
            candidates.append(default)
        for optimizer in candidates:
            if optimizer not in self._inner_optimizers:
                optimizer.loss_scale_factor = loss_scale_factor
                self._inner_optimizers.append(optimizer)

    def build(self, var_list):
        """Ask the map for each variable's optimizer and build every sub-optimizer on its variables."""
        if self.built:
            return
        self._var_to_optimizer_idx = {}
        self._trainable_variables_indices = {}
        assigned = [[] for _ in self._inner_optimizers]
        for i, variable in enumerate(var_list):
            optimizer = self._optimizer_map(variable)
            if not isinstance(optimizer, Optimizer):
                raise ValueError(f"Optimizer for variable {variable} is not an Optimizer instance.")
            if isinstance(optimizer, LossScaleOptimizer):
                raise ValueError("LossScaleOptimizer cannot be used inside an MultiOptimizer.")
            if isinstance(optimizer, MultiOptimizer):
                raise ValueError("MultiOptimizer cannot be used inside an MultiOptimizer.")
            if optimizer not in self._inner_optimizers:
                optimizer.loss_scale_factor = self.loss_scale_factor
                self._inner_optimizers.append(optimizer)
                assigned.append([])
            index = self._inner_optimizers.index(optimizer)
            self._var_to_optimizer_idx[self._var_key(variable)] = index
            self._trainable_variables_indices[self._var_key(variable)] = i
            assigned[index].append(variable)
        for optimizer, variables in zip(self._inner_optimizers, assigned):
            if variables:
                optimizer.build(variables)
        super().build(var_list)

    @property
    def optimizers(self):
        """The sub-optimizers, in the order they were first used."""
        return self._inner_optimizers

    @property
    def variables(self):
        """Own variables (`iterations`, `learning_rate`), then each sub-optimizer's."""
        variables = self._variables[:]
        for optimizer in self._inner_optimizers:
            variables.extend(optimizer.variables)
        return variables

    @property
    def learning_rate(self):
        raise AttributeError(
            "Learning rate cannot be accessed on a MultiOptimizer. "
            "Access the learning rate on the individual sub-optimizers instead."
        )

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError(
            "Learning rate cannot be set on a MultiOptimizer. "
            "Set the learning rate on the individual sub-optimizers instead."
        )

    @property
    def loss_scale_factor(self):
        return self.__dict__.get("_loss_scale_factor")

    @loss_scale_factor.setter
    def loss_scale_factor(self, value):
        self._loss_scale_factor = value
        for optimizer in self.__dict__.get("_inner_optimizers", ()):
            optimizer.loss_scale_factor = value

    def _groups(self, variables, values=None):
        groups = [([], []) for _ in self._inner_optimizers]
        for i, variable in enumerate(variables):
            index = self._var_to_optimizer_idx[self._var_key(variable)]
            groups[index][0].append(variable)
            groups[index][1].append(None if values is None else values[i])
        return groups

    def apply(self, grads, trainable_variables=None):
        """Hand each gradient to the optimizer of its variable, then count one iteration."""
        if len(grads) == 0:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be built on a list of "
                    "variables. Call `optimizer.build(trainable_variables)` first."
                )
            trainable_variables = self._trainable_variables
        trainable_variables = list(trainable_variables)
        if not self.built:
            self.build(trainable_variables)
            self.built = True
        if len(grads) != len(self._trainable_variables_indices):
            raise ValueError(
                f"Gradients must match trainable variables one-to-one. Received {len(grads)} gradients and "
                f"{len(self._trainable_variables_indices)} variables."
            )
        for optimizer, (variables, sub_grads) in zip(self._inner_optimizers, self._groups(trainable_variables, grads)):
            if variables:
                optimizer.apply(sub_grads, variables)
        self._iteration_count.increment()

    def finalize_variable_values(self, var_list):
        """Let each sub-optimizer finalize its variables (e.g. copy EMA values in)."""
        for optimizer, (variables, _) in zip(self._inner_optimizers, self._groups(var_list)):
            if variables:
                optimizer.finalize_variable_values(variables)

    def set_weights(self, weights):
        """Set own variables, then each sub-optimizer's, from one flat list (the `variables` order)."""
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. Please call "
                "`optimizer.build(trainable_variables)` to create the optimizer weights before calling "
                "`set_weights()`."
            )
        own = len(self._variables)
        for variable, weight in zip(self._variables, weights[:own]):
            variable.assign(weight)
        start = own
        for optimizer in self._inner_optimizers:
            count = len(optimizer.variables)
            if count:
                optimizer.set_weights(weights[start : start + count])
                start += count

    def get_config(self):
        from kerasbridge.saving import serialization_lib

        return {
            "optimizer_map": serialization_lib.serialize_keras_object(self._optimizer_map),
            "loss_scale_factor": self.loss_scale_factor,
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from kerasbridge.saving import serialization_lib

        config = dict(config)
        config["optimizer_map"] = serialization_lib.deserialize_keras_object(config["optimizer_map"],
                                                                             custom_objects=custom_objects)
        return cls(**config)
