"""Adagrad: per-parameter learning rates scaled by accumulated squared gradients."""

from __future__ import annotations

import torch

from kerasbridge import initializers
from kerasbridge.optimizers.base_optimizer import Optimizer, _on


class Adagrad(Optimizer):
    """The Adagrad algorithm: `acc += g**2; w -= lr * g / sqrt(acc + epsilon)`.

    Args:
        learning_rate: Float, `LearningRateSchedule` or callable. Defaults to `0.001`.
        initial_accumulator_value: Float, the starting value of the accumulators.
            Defaults to `0.1`.
        epsilon: Small constant for numerical stability. Defaults to `1e-7`.
        **kwargs: The common optimizer arguments, see `Optimizer`.
    """

    def __init__(
        self,
        learning_rate=0.001,
        initial_accumulator_value=0.1,
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
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        """Create the `accumulator` slots, filled with `initial_accumulator_value`."""
        if self.built:
            return
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(
            var_list, "accumulator", initializer=initializers.Constant(self.initial_accumulator_value)
        )

    def _parallel_update_step(self, grads, variables, learning_rate):
        params = [v.value for v in variables]
        lr = _on(learning_rate, params[0])
        accumulators = self._slots(self._accumulators, variables)
        torch._foreach_add_(accumulators, torch._foreach_mul(grads, grads))
        denominators = torch._foreach_add(accumulators, self.epsilon)
        torch._foreach_sqrt_(denominators)
        torch._foreach_addcdiv_(params, torch._foreach_mul(grads, lr), denominators, value=-1)

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value, "epsilon": self.epsilon})
        return config
