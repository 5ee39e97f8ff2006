"""Adamax: Adam with the infinity norm."""

from __future__ import annotations

import torch

from kerasbridge.optimizers.base_optimizer import Optimizer, _on


class Adamax(Optimizer):
    """The Adamax algorithm.

    `m = beta_1 m + (1 - beta_1) g`, `u = max(beta_2 u, |g|)`, then
    `w -= lr * m / ((1 - beta_1**t) * (u + epsilon))`.

    Args:
        learning_rate: Float, `LearningRateSchedule` or callable. Defaults to `0.001`.
        beta_1: Float, decay rate of the first moment. Defaults to `0.9`.
        beta_2: Float, decay rate of the weighted infinity norm. Defaults to `0.999`.
        epsilon: Small constant for numerical stability. Defaults to `1e-7`.
        **kwargs: The common optimizer arguments, see `Optimizer`.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        """Create the `momentum` and `norm` slots."""
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(var_list, ["momentum", "norm"])

    def _parallel_update_step(self, grads, variables, learning_rate):
        params = [v.value for v in variables]
        like = params[0]
        lr = _on(learning_rate, like)
        beta_1_power = torch.pow(_on(self.beta_1, like), self._local_step(like))
        momentums = self._slots(self._m, variables)
        norms = self._slots(self._u, variables)
        torch._foreach_mul_(momentums, self.beta_1)
        torch._foreach_add_(momentums, grads, alpha=1 - self.beta_1)
        torch._foreach_mul_(norms, self.beta_2)
        torch._foreach_maximum_(norms, torch._foreach_abs(grads))
        denominators = torch._foreach_add(norms, self.epsilon)
        torch._foreach_mul_(denominators, 1 - beta_1_power)
        torch._foreach_addcdiv_(params, torch._foreach_mul(momentums, lr), denominators, value=-1)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
