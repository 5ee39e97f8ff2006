"""Gradient transforms of `BaseOptimizer`: filtering, accumulation, clipping, weight decay, loss scaling."""

from __future__ import annotations

import re
import warnings

import numpy as np
import torch

from kerasbridge.backend.variable import Variable
from kerasbridge.optimizers.optimizer_utils import _group_indices, _on


class GradientTransformsMixin:
    """What `BaseOptimizer.apply` does to gradients around the update (a mixin)."""

    @staticmethod
    def _as_gradient(gradient, variable) -> torch.Tensor:
        """`gradient` as a tensor of the variable's dtype, on its device."""
        param = variable.value if isinstance(variable, Variable) else variable
        if isinstance(gradient, Variable):
            gradient = gradient.value
        elif not isinstance(gradient, torch.Tensor):
            gradient = torch.as_tensor(np.asarray(gradient))
        if gradient.dtype != param.dtype or gradient.device != param.device:
            gradient = gradient.to(device=param.device, dtype=param.dtype)
        return gradient

    def _backend_reset_gradient_accumulators(self):
        accumulators = [v.value for v in self._accumulated_gradients if v is not None]
        if accumulators:
            torch._foreach_zero_(accumulators)

    def _backend_increment_gradient_accumulators(self, grads, accumulators):
        torch._foreach_add_(accumulators, grads)

    def _filter_empty_gradients(self, grads, variables):
        if all(g is not None for g in grads):
            return list(grads), list(variables)
        kept_grads, kept_vars, missing = [], [], []
        for g, v in zip(grads, variables):
            if g is None:
                missing.append(getattr(v, "path", None) or v.name)
            else:
                kept_grads.append(g)
                kept_vars.append(v)
        if not kept_grads:
            raise ValueError("No gradients provided for any variable.")
        warnings.warn(
            f"Gradients do not exist for variables {missing} when minimizing the loss. If using "
            "`model.compile()`, did you forget to provide a `loss` argument?",
            stacklevel=3,
        )
        return kept_grads, kept_vars

    def _overwrite_variables_directly_with_gradients(self, grads, variables):
        """Variables with `overwrite_with_gradient` take their gradient as new value (float8)."""
        if not any(self._overwrite_variable_with_gradient(v) for v in variables):
            return grads, variables
        kept_grads, kept_vars = [], []
        steps = self.gradient_accumulation_steps
        for g, v in zip(grads, variables):
            if not self._overwrite_variable_with_gradient(v):
                kept_grads.append(g)
                kept_vars.append(v)
                continue
            g = self._as_gradient(g, v)
            if steps:
                accumulator = self._accumulated_gradients[self._get_variable_index(v)]
                if (self._iteration_count.get() + 1) % steps == 0:
                    v.assign(torch.maximum(g, accumulator.value))
                    accumulator.assign(torch.zeros_like(g))
                else:
                    accumulator.assign(torch.maximum(g, accumulator.value))
            else:
                v.assign(g)
        return kept_grads, kept_vars

    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            norms = torch._foreach_norm(grads)
            clipped = torch._foreach_mul(grads, self.clipnorm)
            torch._foreach_div_(clipped, torch._foreach_maximum(norms, self.clipnorm))
            return clipped
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            clipped = torch._foreach_clamp_min(grads, -self.clipvalue)
            torch._foreach_clamp_max_(clipped, self.clipvalue)
            return clipped
        return grads

    # -- weight decay ---------------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exclude variables from weight decay.

        Args:
            var_list: Variables to exclude.
            var_names: Strings; a variable whose name contains any of them is excluded
                (e.g. `["bias"]`).
        """
        self._exclude_from_weight_decay = {self._var_key(v) for v in var_list} if var_list else set()
        if var_names:
            self._exclude_from_weight_decay_pattern = re.compile("|".join(set(var_names)))
        else:
            self._exclude_from_weight_decay_pattern = None
        self._exclude_from_weight_decay_cache = {}

    def _use_weight_decay(self, variable):
        cache = self.__dict__.get("_exclude_from_weight_decay_cache")
        if cache is None:
            cache = self._exclude_from_weight_decay_cache = {}
        key = self._var_key(variable)
        use = cache.get(key)
        if use is None:
            excluded = self.__dict__.get("_exclude_from_weight_decay", set())
            pattern = self.__dict__.get("_exclude_from_weight_decay_pattern")
            use = key not in excluded and (pattern is None or re.search(pattern, variable.name) is None)
            cache[key] = use
        return use

    @torch.no_grad()
    def _apply_weight_decay(self, variables):
        if self.weight_decay is None:
            return
        params = [v.value for v in variables if self._use_weight_decay(v)]
        if not params:
            return
        factor = 1 - self.weight_decay * self._get_current_learning_rate()
        if not isinstance(factor, torch.Tensor):
            torch._foreach_mul_(params, factor)
            return
        groups = _group_indices(params) or [range(len(params))]
        for indices in groups:
            group = [params[i] for i in indices]
            torch._foreach_mul_(group, factor.to(group[0].device))

    # -- loss scaling ---------------------------------------------------------------------
    def scale_loss(self, loss):
        """Multiply `loss` by `loss_scale_factor` (when set), before computing gradients."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss


def global_norm(value_list):
    """The L2 norm of all the tensors of `value_list` together."""
    norms = torch._foreach_norm([v for v in value_list if v is not None])
    device = norms[0].device
    stacked = torch.stack([n.to(device) for n in norms])
    return torch.sqrt(torch.sum(stacked * stacked))


def clip_by_global_norm(value_list, clip_norm):
    """Scale the tensors so that their global norm is at most `clip_norm` (NaN if it is not finite)."""
    use_norm = global_norm(value_list)
    scale = clip_norm * torch.clamp_max(1.0 / use_norm, 1.0 / clip_norm)
    scale = scale + (use_norm - use_norm)
    tensors = [v for v in value_list if v is not None]
    groups = _group_indices(tensors) or [range(len(tensors))]
    scaled = list(tensors)
    for indices in groups:
        group = [tensors[i] for i in indices]
        for i, value in zip(indices, torch._foreach_mul(group, _on(scale, group[0]))):
            scaled[i] = value
    it = iter(scaled)
    return [None if v is None else next(it) for v in value_list]
