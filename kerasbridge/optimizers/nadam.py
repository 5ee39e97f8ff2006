"""Nadam: Adam with Nesterov momentum."""

from __future__ import annotations

import torch

from kerasbridge.backend.config import floatx
from kerasbridge.backend.device import device_scope, get_variable_device
from kerasbridge.backend.variable import Variable
from kerasbridge.optimizers.base_optimizer import Optimizer, _on


class Nadam(Optimizer):
    """The Nadam algorithm (Adam with Nesterov momentum and a momentum schedule).

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
        """Create the `momentum` and `velocity` slots and the running momentum product."""
        if self.built:
            return
        dtype = var_list[0].dtype if var_list else floatx()
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])
        # Keras creates this one as a plain (auto-named) variable at the end of `variables`.
        device = var_list[0].value.device if var_list else get_variable_device()
        with device_scope(device):
            self._u_product = Variable(1.0, dtype=dtype, trainable=False)

    def _momentum_schedule(self, like, offset):
        decay = _on(0.96, like)
        return _on(self.beta_1, like) * (1.0 - 0.5 * torch.pow(decay, self._local_step(like, offset)))

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        product = self._u_product.value
        with torch.no_grad():
            product.copy_(product * self._momentum_schedule(product, 1))
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def _parallel_update_step(self, grads, variables, learning_rate):
        params = [v.value for v in variables]
        like = params[0]
        lr = _on(learning_rate, like)
        u_t = self._momentum_schedule(like, 1)
        u_t_1 = self._momentum_schedule(like, 2)
        u_product_t = _on(self._u_product, like)
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = torch.pow(_on(self.beta_2, like), self._local_step(like))

        momentums = self._slots(self._momentums, variables)
        velocities = self._slots(self._velocities, variables)
        torch._foreach_mul_(momentums, self.beta_1)
        torch._foreach_add_(momentums, grads, alpha=1 - self.beta_1)
        torch._foreach_mul_(velocities, self.beta_2)
        torch._foreach_add_(velocities, torch._foreach_mul(grads, grads), alpha=1 - self.beta_2)

        m_hat = torch._foreach_mul(momentums, u_t_1)
        torch._foreach_div_(m_hat, 1 - u_product_t_1)
        current = torch._foreach_mul(grads, 1 - u_t)
        torch._foreach_div_(current, 1 - u_product_t)
        torch._foreach_add_(m_hat, current)
        denominators = torch._foreach_div(velocities, 1 - beta_2_power)
        torch._foreach_sqrt_(denominators)
        torch._foreach_add_(denominators, self.epsilon)
        torch._foreach_mul_(m_hat, lr)
        torch._foreach_addcdiv_(params, m_hat, denominators, value=-1)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
