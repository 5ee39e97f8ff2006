"""Exponential moving average of the model variables (a mixin of `BaseOptimizer`)."""

from __future__ import annotations

import torch

from kerasbridge.optimizers.optimizer_utils import _group_indices, _on


class EmaMixin:
    """`use_ema`: the moving average update, the periodic overwrite and `finalize_variable_values`."""

    def _update_model_variables_moving_average(self, trainable_variables):
        pairs = [
            (v, a) for v, a in zip(trainable_variables, self._model_variables_moving_average) if a is not None
        ]
        if not pairs:
            return
        params = [v.value for v, _ in pairs]
        averages = [a.value for _, a in pairs]
        not_first_step = self._iterations_tensor() != 0
        for indices in _group_indices(params) or [range(len(params))]:
            group_params = [params[i] for i in indices]
            group_averages = [averages[i] for i in indices]
            momentum = _on(not_first_step, group_params[0]) * self.ema_momentum
            torch._foreach_mul_(group_averages, momentum)
            torch._foreach_add_(group_averages, torch._foreach_mul(group_params, 1 - momentum))

    def _overwrite_model_variables_with_average_value(self, trainable_variables):
        averages = self._model_variables_moving_average
        if len(trainable_variables) != len(averages):
            raise ValueError(
                f"The length of model variables ({len(trainable_variables)}) to override does not match "
                f"the length of model variables stored in the optimizer ({len(averages)}). Please check "
                "if the optimizer was called on your model."
            )
        with torch.no_grad():
            for variable, average in zip(trainable_variables, averages):
                if average is not None:
                    variable.value.copy_(average.value)

    def finalize_variable_values(self, var_list):
        """Set the final values of the model's variables (their moving average with `use_ema`)."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(var_list)
