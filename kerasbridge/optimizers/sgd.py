"""Stochastic gradient descent, with optional (Nesterov) momentum."""

from __future__ import annotations

import torch

from kerasbridge.optimizers.base_optimizer import Optimizer, _on


class SGD(Optimizer):
    """Gradient descent (with momentum).

    Without momentum: `w = w - learning_rate * g`. With momentum:
    `velocity = momentum * velocity - learning_rate * g; w = w + velocity`, and with
    `nesterov=True`: `w = w + momentum * velocity - learning_rate * g`.

    Args:
        learning_rate: Float, `LearningRateSchedule` or callable. Defaults to `0.01`.
        momentum: Float in [0, 1] accelerating descent and dampening oscillations.
            Defaults to `0.0` (plain gradient descent).
        nesterov: Whether to apply Nesterov momentum.
        **kwargs: The common optimizer arguments (`weight_decay`, `clipnorm`,
            `clipvalue`, `global_clipnorm`, `use_ema`, `ema_momentum`,
            `ema_overwrite_frequency`, `loss_scale_factor`,
            `gradient_accumulation_steps`, `name`), see `Optimizer`.
    """

    def __init__(
        self,
        learning_rate=0.01,
        momentum=0.0,
        nesterov=False,
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
        if not isinstance(momentum, float) or momentum < 0 or momentum > 1:
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, variables):
        """Create a momentum slot per variable (only when `momentum != 0`)."""
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(variables, "momentum")

    def _parallel_update_step(self, grads, variables, learning_rate):
        params = [v.value for v in variables]
        velocities = self._slots(self.momentums, variables) if self.momentum != 0 else None
        host_lr = self._host_learning_rate(learning_rate)
        if host_lr is not None:
            # A float learning rate is a kernel scalar: `w + (-lr) * g` in one rounding, as Keras.
            if velocities is None:
                torch._foreach_add_(params, grads, alpha=-host_lr)
                return
            torch._foreach_mul_(velocities, self.momentum)
            torch._foreach_add_(velocities, grads, alpha=-host_lr)
            if self.nesterov:
                torch._foreach_add_(params, grads, alpha=-host_lr)
            scaled_grads = None
        else:
            scaled_grads = torch._foreach_mul(grads, _on(learning_rate, params[0]))
            if velocities is None:
                torch._foreach_sub_(params, scaled_grads)
                return
            torch._foreach_mul_(velocities, self.momentum)
            torch._foreach_sub_(velocities, scaled_grads)
            if self.nesterov:
                torch._foreach_sub_(params, scaled_grads)
        if self.nesterov:
            torch._foreach_add_(params, velocities, alpha=self.momentum)
        else:
            torch._foreach_add_(params, velocities)

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
