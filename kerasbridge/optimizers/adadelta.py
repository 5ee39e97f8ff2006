"""Adadelta: learning rates adapted from moving windows of gradients and updates."""

from __future__ import annotations

import torch

from kerasbridge.optimizers.base_optimizer import Optimizer, _on


class Adadelta(Optimizer):
    """The Adadelta algorithm.

    `E[g²] = rho E[g²] + (1 - rho) g²`, `delta = -sqrt(E[Δ²] + eps) / sqrt(E[g²] + eps) * g`,
    `E[Δ²] = rho E[Δ²] + (1 - rho) delta²`, `w += lr * delta`.

    Args:
        learning_rate: Float, `LearningRateSchedule` or callable. Defaults to `0.001`.
        rho: Float, the decay rate. Defaults to `0.95`.
        epsilon: Small constant for numerical stability. Defaults to `1e-7`.
        **kwargs: The common optimizer arguments, see `Optimizer`.
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.95,
        epsilon=1e-7,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            name=name,
            **kwargs,
        )
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        """Create the `accumulated_grad` and `accumulated_delta_var` slots."""
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"]
        )

    def _rms(self, tensors):
        out = torch._foreach_add(tensors, self.epsilon)
        torch._foreach_sqrt_(out)
        return out

    def _parallel_update_step(self, grads, variables, learning_rate):
        params = [v.value for v in variables]
        rho = self.rho
        accumulated_grads = self._slots(self._accumulated_grads, variables)
        accumulated_deltas = self._slots(self._accumulated_delta_vars, variables)
        torch._foreach_mul_(accumulated_grads, rho)
        torch._foreach_add_(accumulated_grads, torch._foreach_mul(grads, grads), alpha=1 - rho)
        deltas = torch._foreach_mul(self._rms(accumulated_deltas), grads)
        torch._foreach_div_(deltas, self._rms(accumulated_grads))
        torch._foreach_neg_(deltas)
        torch._foreach_mul_(accumulated_deltas, rho)
        torch._foreach_add_(accumulated_deltas, torch._foreach_mul(deltas, deltas), alpha=1 - rho)
        host_lr = self._host_learning_rate(learning_rate)
        if host_lr is not None:
            torch._foreach_add_(params, deltas, alpha=host_lr)
        else:
            torch._foreach_mul_(deltas, _on(learning_rate, params[0]))
            torch._foreach_add_(params, deltas)

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
