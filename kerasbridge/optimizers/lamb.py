"""LAMB: layer-wise adaptive moments, for large-batch training."""

from __future__ import annotations

import torch

from kerasbridge.optimizers.base_optimizer import Optimizer, _on


class Lamb(Optimizer):
    """The LAMB algorithm: an Adam update rescaled per variable by `||w|| / ||update||`.

    Args:
        learning_rate: Float, `LearningRateSchedule` or callable. Defaults to `0.001`.
        beta_1: Float, decay rate of the first moment. Defaults to `0.9`.
        beta_2: Float, decay rate of the second moment. Defaults to `0.999`.
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
        """Create the `momentum` and `velocity` slots."""
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])

    def _parallel_update_step(self, grads, variables, learning_rate):
        params = [v.value for v in variables]
        like = params[0]
        lr = _on(learning_rate, like)
        step = self._local_step(like)
        beta_1_power = torch.pow(_on(self.beta_1, like), step)
        beta_2_power = torch.pow(_on(self.beta_2, like), step)
        momentums = self._slots(self._momentums, variables)
        velocities = self._slots(self._velocities, variables)

        delta = torch._foreach_sub(grads, momentums)
        torch._foreach_mul_(delta, 1 - self.beta_1)
        torch._foreach_add_(momentums, delta)
        delta = torch._foreach_mul(grads, grads)
        torch._foreach_sub_(delta, velocities)
        torch._foreach_mul_(delta, 1 - self.beta_2)
        torch._foreach_add_(velocities, delta)

        updates = torch._foreach_div(momentums, 1.0 - beta_1_power)
        denominators = torch._foreach_div(velocities, 1.0 - beta_2_power)
        torch._foreach_sqrt_(denominators)
        torch._foreach_add_(denominators, self.epsilon)
        torch._foreach_div_(updates, denominators)

        w_norms = torch.stack(torch._foreach_norm(params))
        u_norms = torch.stack(torch._foreach_norm(updates))
        one = torch.ones((), dtype=like.dtype, device=like.device)
        ratios = torch.where(w_norms > 0, torch.where(u_norms > 0, w_norms / u_norms, one), one)
        torch._foreach_mul_(updates, list(torch.unbind(ratios * lr)))
        torch._foreach_sub_(params, updates)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
