"""ScheduleFreeAdamW: AdamW without a learning-rate schedule (Defazio et al., 2024)."""

from __future__ import annotations

import torch

from kerasbridge.optimizers.base_optimizer import Optimizer, _on


class ScheduleFreeAdamW(Optimizer):
    """The Schedule-Free AdamW algorithm.

    Each variable keeps a `momentum` sequence `z` (where Adam-scaled gradient steps are taken,
    starting at the initial weights) and a `velocity` (Adam's second moment). The model weights
    `y` are the interpolation `(1 - beta_1) z + beta_1 x` of `z` and the running average `x` of
    all past `z`, recovered from `y` itself at every step. With `t = iterations + 1`:

    `v += (1 - beta_2) (g**2 - v)`; `z -= lr g / (sqrt(v / (1 - beta_2**t)) + epsilon)`;
    `x = (y - (1 - beta_1) z) / beta_1`; `x = (1 - 1/t) x + z / t`; `y = (1 - beta_1) z + beta_1 x`.

    As in Keras's torch backend, `x` is recovered with the already-updated `z` (Keras reads the
    momentum after assigning it in place).

    Args:
        learning_rate: Float, `LearningRateSchedule` or callable. Defaults to `0.0025`.
        beta_1: Float, interpolation between `z` and `x`. Defaults to `0.9`.
        beta_2: Float, decay rate of the second moment. Defaults to `0.999`.
        epsilon: Small constant added to the denominator. Defaults to `1e-8`.
        warmup_steps: Steps over which the learning rate rises linearly from 0. Defaults to `0`.
        **kwargs: The common optimizer arguments, see `Optimizer`.
    """

    def __init__(
        self,
        learning_rate=0.0025,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        warmup_steps=0,
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
        self.warmup_steps = warmup_steps

    def build(self, var_list):
        """Create the `momentum` (initialised to the weights) and `velocity` slots."""
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])
        with torch.no_grad():
            for momentum, variable in zip(self._momentums, var_list):
                if momentum is not None:
                    momentum.value.copy_(variable.value)

    def _parallel_update_step(self, grads, variables, learning_rate):
        momentums = self._slots(self._momentums, variables)
        velocities = self._slots(self._velocities, variables)
        for grad, variable, momentum, velocity in zip(grads, variables, momentums, velocities):
            param = variable.value
            grad = grad.to(param.dtype)
            lr = _on(learning_rate, param)
            step = self._local_step(param)
            beta_1 = _on(self.beta_1, param)
            beta_2 = _on(self.beta_2, param)
            if self.warmup_steps > 0:
                lr = lr * torch.clamp(step / _on(self.warmup_steps, param), max=1.0)
            bias_correction_2 = 1 - torch.pow(beta_2, step)
            velocity.add_((torch.square(grad) - velocity) * (1 - beta_2))
            denominator = torch.sqrt(velocity / bias_correction_2) + _on(self.epsilon, param)
            momentum.sub_(lr * grad / denominator)
            weight = 1.0 / step
            average = (param - (1 - beta_1) * momentum) / beta_1
            average = (1 - weight) * average + weight * momentum
            param.copy_((1 - beta_1) * momentum + beta_1 * average)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
                "warmup_steps": self.warmup_steps,
            }
        )
        return config
