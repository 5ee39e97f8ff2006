"""FTRL-Proximal: "Follow The Regularized Leader", for large sparse linear models."""

from __future__ import annotations

import torch

from kerasbridge import initializers
from kerasbridge.optimizers.base_optimizer import Optimizer, _on


class Ftrl(Optimizer):
    """The FTRL-Proximal algorithm (McMahan et al., 2013), with L1, L2 and shrinkage terms.

    Args:
        learning_rate: Float, `LearningRateSchedule` or callable. Defaults to `0.001`.
        learning_rate_power: Float <= 0, how the rate decreases with the accumulator.
            Defaults to `-0.5`.
        initial_accumulator_value: Float >= 0, starting value of the accumulators.
            Defaults to `0.1`.
        l1_regularization_strength: Float >= 0. Defaults to `0.0`.
        l2_regularization_strength: Float >= 0 (stabilization penalty). Defaults to `0.0`.
        l2_shrinkage_regularization_strength: Float >= 0 (magnitude penalty). Defaults to `0.0`.
        beta: Float, the beta of the paper. Defaults to `0.0`.
        **kwargs: The common optimizer arguments, see `Optimizer`.
    """

    def __init__(
        self,
        learning_rate=0.001,
        learning_rate_power=-0.5,
        initial_accumulator_value=0.1,
        l1_regularization_strength=0.0,
        l2_regularization_strength=0.0,
        l2_shrinkage_regularization_strength=0.0,
        beta=0.0,
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
        if initial_accumulator_value < 0.0:
            raise ValueError(
                "`initial_accumulator_value` needs to be positive or zero. Received: "
                f"initial_accumulator_value={initial_accumulator_value}."
            )
        if learning_rate_power > 0.0:
            raise ValueError(
                f"`learning_rate_power` needs to be negative or zero. Received: learning_rate_power={learning_rate_power}."
            )
        for arg_name, value in (
            ("l1_regularization_strength", l1_regularization_strength),
            ("l2_regularization_strength", l2_regularization_strength),
            ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength),
        ):
            if value < 0.0:
                raise ValueError(f"`{arg_name}` needs to be positive or zero. Received: {arg_name}={value}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list):
        """Create the `accumulator` and `linear` slots."""
        if self.built:
            return
        super().build(var_list)
        self._accumulators, self._linears = self.add_optimizer_variables(
            var_list,
            ["accumulator", "linear"],
            initializer=[initializers.Constant(self.initial_accumulator_value), "zeros"],
        )

    def _parallel_update_step(self, grads, variables, learning_rate):
        params = [v.value for v in variables]
        like = params[0]
        lr = _on(learning_rate, like)
        accumulators = self._slots(self._accumulators, variables)
        linears = self._slots(self._linears, variables)
        l2_reg = self.l2_regularization_strength + self.beta / (2.0 * lr)
        exponent = [_on(-self.learning_rate_power, like)] * len(params)

        grads_to_use = torch._foreach_mul(params, _on(2 * self.l2_shrinkage_regularization_strength, like))
        torch._foreach_add_(grads_to_use, grads)
        new_accumulators = torch._foreach_mul(grads, grads)
        torch._foreach_add_(new_accumulators, accumulators)
        new_powers = torch._foreach_pow(new_accumulators, exponent)
        sigmas = torch._foreach_sub(new_powers, torch._foreach_pow(accumulators, exponent))
        torch._foreach_div_(sigmas, lr)
        torch._foreach_mul_(sigmas, params)
        torch._foreach_sub_(grads_to_use, sigmas)
        torch._foreach_add_(linears, grads_to_use)

        quadratics = torch._foreach_div(new_powers, lr)
        torch._foreach_add_(quadratics, 2 * l2_reg)
        l1 = self.l1_regularization_strength
        new_params = torch._foreach_clamp_min(linears, -l1)
        torch._foreach_clamp_max_(new_params, l1)
        torch._foreach_sub_(new_params, linears)
        torch._foreach_div_(new_params, quadratics)
        torch._foreach_copy_(params, new_params)
        torch._foreach_copy_(accumulators, new_accumulators)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta,
            }
        )
        return config
