"""Adafactor: Adam-like updates with factored second moments (sublinear memory)."""

from __future__ import annotations

import torch

from kerasbridge.backend.variable import Variable
from kerasbridge.optimizers.base_optimizer import Optimizer, _on


def _rms(x: torch.Tensor) -> torch.Tensor:
    return torch.sqrt(torch.mean(torch.square(x)))


class Adafactor(Optimizer):
    """The Adafactor algorithm (Shazeer & Stern, 2018).

    For variables of rank >= 2 the second moment of the last two axes is stored as a row and
    a column factor instead of a full matrix.

    Args:
        learning_rate: Float, `LearningRateSchedule` or callable. Defaults to `0.001`.
        beta_2_decay: Float, the decay exponent of the second moment. Defaults to `-0.8`.
        epsilon_1: Small constant added to the squared gradient. Defaults to `1e-30`.
        epsilon_2: Lower bound of the parameter scale. Defaults to `1e-3`.
        clip_threshold: Float, threshold of the update RMS. Defaults to `1.0`.
        relative_step: Whether the learning rate is capped by `1 / sqrt(step)` (when it is
            not a schedule). Defaults to `True`.
        **kwargs: The common optimizer arguments, see `Optimizer`.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_2_decay=-0.8,
        epsilon_1=1e-30,
        epsilon_2=1e-3,
        clip_threshold=1.0,
        relative_step=True,
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
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, var_list):
        """Create the row/column factors (placeholders for rank < 2) and `velocity` slots."""
        if self.built:
            return
        super().build(var_list)
        self._r, self._c, self._v = [], [], []
        for var in var_list:
            if len(var.shape) < 2:
                # Not factored: Keras still tracks two int32 scalar placeholders named like the variable.
                self._r.append(Variable(0, dtype="int32", name=var.name, trainable=False))
                self._c.append(Variable(0, dtype="int32", name=var.name, trainable=False))
            elif self._overwrite_variable_with_gradient(var):
                self._r.append(None)
                self._c.append(None)
            else:
                shape = tuple(var.shape)
                self._r.append(self._add_factor(var, shape[:-1]))
                self._c.append(self._add_factor(var, shape[:-2] + (shape[-1],)))
            if self._overwrite_variable_with_gradient(var):
                self._v.append(None)
            else:
                self._v.append(self.add_variable_from_reference(reference_variable=var, name="velocity"))

    def _add_factor(self, var, shape):
        from kerasbridge.backend.device import device_scope

        with device_scope(var.value.device):
            return self.add_variable(shape=shape, dtype=var.dtype, name=var.name)

    def _parallel_update_step(self, grads, variables, learning_rate):
        like = variables[0].value
        lr = _on(learning_rate, like)
        epsilon_2 = _on(self.epsilon_2, like)
        one = _on(1.0, like)
        step = self._local_step(like)
        if not callable(self._learning_rate) and self.relative_step:
            lr = torch.minimum(lr, 1 / torch.sqrt(step))
        rho_t = torch.minimum(lr, 1 / torch.sqrt(step))
        beta_2_t = 1 - torch.pow(step, _on(self.beta_2_decay, like))
        for gradient, variable in zip(grads, variables):
            index = self._get_variable_index(variable)
            param = variable.value
            v = self._v[index].value
            alpha_t = torch.maximum(epsilon_2, _rms(param)) * rho_t
            regulated_grad_square = torch.square(gradient) + _on(self.epsilon_1, like)
            if param.ndim >= 2:
                r, c = self._r[index].value, self._c[index].value
                r.copy_(beta_2_t * r + (1 - beta_2_t) * torch.mean(regulated_grad_square, dim=-1))
                c.copy_(beta_2_t * c + (1 - beta_2_t) * torch.mean(regulated_grad_square, dim=-2))
                v.copy_((r / torch.mean(r, dim=-1, keepdim=True)).unsqueeze(-1) * c.unsqueeze(-2))
            else:
                v.copy_(beta_2_t * v + (1 - beta_2_t) * regulated_grad_square)
            u_t = gradient / torch.sqrt(v)
            u_t_hat = u_t / torch.maximum(one, _rms(u_t) / self.clip_threshold)
            param.sub_(alpha_t * u_t_hat)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "beta_2_decay": self.beta_2_decay,
                "epsilon_1": self.epsilon_1,
                "epsilon_2": self.epsilon_2,
                "clip_threshold": self.clip_threshold,
                "relative_step": self.relative_step,
            }
        )
        return config
