"""RMSprop: gradient divided by a moving root mean square of past gradients."""

from __future__ import annotations

import torch

from kerasbridge.optimizers.base_optimizer import Optimizer, _on


class RMSprop(Optimizer):
    """The RMSprop algorithm.

    `v = rho * v + (1 - rho) * g**2`, then `w -= lr * g / sqrt(v + epsilon)`. With
    `centered=True` the variance estimate `v - mean(g)**2` is used; with `momentum > 0`
    the increments go through a momentum accumulator.

    Args:
        learning_rate: Float, `LearningRateSchedule` or callable. Defaults to `0.001`.
        rho: Float, discounting factor of the moving average. Defaults to `0.9`.
        momentum: Float, momentum of the increments. Defaults to `0.0`.
        epsilon: Small constant added under the square root. Defaults to `1e-7`.
        centered: Whether to normalize by the estimated variance of the gradient.
        **kwargs: The common optimizer arguments, see `Optimizer`.
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-7,
        centered=False,
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
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list):
        """Create the `velocity` slots (and `momentum`, `average_gradient` when used)."""
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient")

    def _parallel_update_step(self, grads, variables, learning_rate):
        params = [v.value for v in variables]
        lr = _on(learning_rate, params[0])
        rho = self.rho
        velocities = self._slots(self._velocities, variables)
        torch._foreach_mul_(velocities, rho)
        torch._foreach_add_(velocities, torch._foreach_mul(grads, grads), alpha=1 - rho)
        denominators = torch._foreach_add(velocities, self.epsilon)
        if self.centered:
            average_grads = self._slots(self._average_gradients, variables)
            torch._foreach_mul_(average_grads, rho)
            torch._foreach_add_(average_grads, grads, alpha=1 - rho)
            torch._foreach_sub_(denominators, torch._foreach_mul(average_grads, average_grads))
        torch._foreach_sqrt_(denominators)
        increments = torch._foreach_mul(grads, lr)
        torch._foreach_div_(increments, denominators)
        if self.momentum > 0:
            momentums = self._slots(self._momentums, variables)
            torch._foreach_mul_(momentums, self.momentum)
            torch._foreach_add_(momentums, increments)
            torch._foreach_sub_(params, momentums)
        else:
            torch._foreach_sub_(params, increments)

    def get_config(self):
        config = super().get_config()
        config.update(
            {"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon, "centered": self.centered}
        )
        return config
