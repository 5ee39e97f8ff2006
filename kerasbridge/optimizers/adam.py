"""Adam: adaptive moment estimation."""

from __future__ import annotations

import torch

from kerasbridge.optimizers.base_optimizer import Optimizer, _on
from kerasbridge.optimizers.optimizer_utils import _constant_on


def _beta_on(beta, like: torch.Tensor) -> torch.Tensor:
    """A decay rate as a tensor like `like`: cached when it is a Python number (the usual case)."""
    if type(beta) is float:
        return _constant_on(beta, like)
    return _on(beta, like)


class Adam(Optimizer):
    """The Adam algorithm, with Keras's "epsilon hat" formulation.

    `m = beta_1 * m + (1 - beta_1) * g`, `v = beta_2 * v + (1 - beta_2) * g**2`, then
    `w -= lr * sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (sqrt(v) + epsilon)`.

    Args:
        learning_rate: Float, `LearningRateSchedule` or callable. Defaults to `0.001`.
        beta_1: Float, decay rate of the first moment. Defaults to `0.9`.
        beta_2: Float, decay rate of the second moment. Defaults to `0.999`.
        epsilon: Small constant added to `sqrt(v)`. Defaults to `1e-7`.
        amsgrad: Whether to use the AMSGrad variant (the maximum of past `v`).
        **kwargs: The common optimizer arguments, see `Optimizer`.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
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
            name=name,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            **kwargs,
        )
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, var_list):
        """Create the `momentum` and `velocity` slots (and `velocity_hat` with AMSGrad)."""
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    def _parallel_update_step(self, grads, variables, learning_rate):
        params = [v.value for v in variables]
        like = params[0]
        lr = _on(learning_rate, like)
        step = self._local_step(like)
        beta_1_power = torch.pow(_beta_on(self.beta_1, like), step)
        beta_2_power = torch.pow(_beta_on(self.beta_2, like), step)
        alpha = lr * torch.sqrt(1 - beta_2_power) / (1 - beta_1_power)

        momentums = self._slots(self._momentums, variables)
        velocities = self._slots(self._velocities, variables)
        torch._foreach_mul_(momentums, self.beta_1)
        torch._foreach_add_(momentums, grads, alpha=1 - self.beta_1)
        torch._foreach_mul_(velocities, self.beta_2)
        torch._foreach_add_(velocities, torch._foreach_mul(grads, grads), alpha=1 - self.beta_2)
        if self.amsgrad:
            velocity_hats = self._slots(self._velocity_hats, variables)
            torch._foreach_maximum_(velocity_hats, velocities)
            velocities = velocity_hats

        denominators = torch._foreach_sqrt(velocities)
        torch._foreach_add_(denominators, self.epsilon)
        torch._foreach_addcdiv_(params, torch._foreach_mul(momentums, alpha), denominators, value=-1)

    def get_config(self):
        config = super().get_config()
        config.update(
            {"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon, "amsgrad": self.amsgrad}
        )
        return config
