"""Muon: momentum orthogonalized by Newton-Schulz iterations, with AdamW for non-matrix variables."""

from __future__ import annotations

import re

import torch

from kerasbridge.optimizers.base_optimizer import Optimizer, _group_indices, _on


def _swap_last_axes(x: torch.Tensor) -> torch.Tensor:
    return x.transpose(-2, -1)


class Muon(Optimizer):
    """The Muon optimizer (Jordan et al., 2024), with the Moonlight RMS scaling.

    2-D variables (except embeddings and `exclude_layers`) are updated with the Nesterov
    momentum orthogonalized by `ns_steps` Newton-Schulz iterations; the other variables use
    AdamW with `learning_rate * adam_lr_ratio` and `adam_weight_decay`.

    Args:
        learning_rate: Float, `LearningRateSchedule` or callable. Defaults to `0.001`.
        adam_beta_1: Float, AdamW's first-moment decay. Defaults to `0.9`.
        adam_beta_2: Float, AdamW's second-moment decay. Defaults to `0.999`.
        adam_weight_decay: Float, the weight decay of AdamW variables. Defaults to `0.004`.
        epsilon: Small constant of AdamW. Defaults to `1e-7`.
        weight_decay: Float, the weight decay of Muon variables. Defaults to `0.004`.
        exclude_layers: List of regular expressions; matching variable paths use AdamW.
        exclude_embeddings: Whether embedding variables use AdamW. Defaults to `True`.
        muon_a, muon_b, muon_c: Coefficients of the Newton-Schulz iteration.
        adam_lr_ratio: Float, AdamW's learning rate as a fraction of `learning_rate`.
        momentum: Float, Muon's momentum. Defaults to `0.95`.
        ns_steps: Int, the number of Newton-Schulz iterations. Defaults to `5`.
        nesterov: Whether to use Nesterov momentum. Defaults to `True`.
        rms_rate: Float or `None`, the RMS the update is scaled to. Defaults to `0.2`.
        **kwargs: The common optimizer arguments, see `Optimizer`.
    """

    def __init__(
        self,
        learning_rate=0.001,
        adam_beta_1=0.9,
        adam_beta_2=0.999,
        adam_weight_decay=0.004,
        epsilon=1e-7,
        weight_decay=0.004,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        exclude_layers=None,
        exclude_embeddings=True,
        muon_a=3.4445,
        muon_b=-4.7750,
        muon_c=2.0315,
        adam_lr_ratio=1,
        momentum=0.95,
        ns_steps=5,
        nesterov=True,
        rms_rate=0.2,
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
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a = muon_a
        self.muon_b = muon_b
        self.muon_c = muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = exclude_layers or []
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate

    def _should_use_adamw(self, variable):
        if len(variable.shape) != 2:
            return True
        if self.exclude_embeddings and "embedding" in variable.path.lower():
            return True
        return any(re.search(keyword, variable.path) for keyword in self.exclude_layers)

    def build(self, var_list):
        """Create a `momentum` slot per variable and a `velocity` slot per AdamW variable."""
        if self.built:
            return
        super().build(var_list)
        self.momentums = [None] * len(var_list)
        self.adam_velocities = [None] * len(var_list)
        for var in var_list:
            if self._overwrite_variable_with_gradient(var):
                continue
            index = self._get_variable_index(var)
            self.momentums[index] = self.add_variable_from_reference(reference_variable=var, name="momentum")
            if self._should_use_adamw(var):
                self.adam_velocities[index] = self.add_variable_from_reference(
                    reference_variable=var, name="velocity"
                )

    def _parallel_update_step(self, grads, variables, learning_rate):
        adam, muon = [], []
        for i, variable in enumerate(variables):
            uses_adam = self.adam_velocities[self._get_variable_index(variable)] is not None
            (adam if uses_adam else muon).append(i)
        if adam:
            self._adamw_update([grads[i] for i in adam], [variables[i] for i in adam], learning_rate)
        for i in muon:
            self._muon_update(grads[i], variables[i], learning_rate)

    def _adamw_update(self, grads, variables, learning_rate):
        params = [v.value for v in variables]
        like = params[0]
        lr = _on(learning_rate * self.adam_lr_ratio, like)
        step = self._local_step(like)
        beta_1_power = torch.pow(_on(self.adam_beta_1, like), step)
        beta_2_power = torch.pow(_on(self.adam_beta_2, like), step)
        alpha = lr * torch.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        momentums = self._slots(self.momentums, variables)
        velocities = self._slots(self.adam_velocities, variables)
        delta = torch._foreach_sub(grads, momentums)
        torch._foreach_mul_(delta, 1 - self.adam_beta_1)
        torch._foreach_add_(momentums, delta)
        delta = torch._foreach_mul(grads, grads)
        torch._foreach_sub_(delta, velocities)
        torch._foreach_mul_(delta, 1 - self.adam_beta_2)
        torch._foreach_add_(velocities, delta)
        denominators = torch._foreach_sqrt(velocities)
        torch._foreach_add_(denominators, self.epsilon)
        torch._foreach_addcdiv_(params, torch._foreach_mul(momentums, alpha), denominators, value=-1)

    def _muon_update(self, gradient, variable, learning_rate):
        m = self.momentums[self._get_variable_index(variable)].value
        m.add_(gradient + m * (self.momentum - 1))
        direction = gradient + self.momentum * m if self.nesterov else m
        update = self.zeropower_via_newtonschulz5(direction, self.ns_steps)
        lr = learning_rate.value if hasattr(learning_rate, "value") else learning_rate
        variable.value.sub_(self.lr_adjust(lr * update))

    def lr_adjust(self, x):
        """Scale an orthogonalized update to RMS `rms_rate` (Moonlight)."""
        if self.rms_rate is None:
            return x
        larger = torch.full((), max(x.shape[0], x.shape[1]), dtype=torch.float32, device=x.device)
        return x * torch.sqrt(larger) * self.rms_rate

    def zeropower_via_newtonschulz5(self, x, steps: int):
        """Approximately orthogonalize `x` with `steps` quintic Newton-Schulz iterations."""
        if x.ndim < 2:
            raise ValueError(
                f"Expected gradient or momentum to have at least 2 dimensions. Received: shape={x.shape}"
            )
        a, b, c = self.muon_a, self.muon_b, self.muon_c
        tall = x.shape[-2] > x.shape[-1]
        if tall:
            x = _swap_last_axes(x)
        x = x / (torch.linalg.norm(x, dim=(-2, -1), keepdim=True) + 1e-7)
        for _ in range(steps):
            temp_a = x @ _swap_last_axes(x)
            temp_b = b * temp_a + c * temp_a @ temp_a
            x = a * x + temp_b @ x
        if tall:
            x = _swap_last_axes(x)
        return x

    @torch.no_grad()
    def _apply_weight_decay(self, variables):
        by_rate: dict = {}
        for variable in variables:
            if not self._use_weight_decay(variable):
                continue
            rate = self.adam_weight_decay if self._should_use_adamw(variable) else self.weight_decay
            if rate is not None:
                by_rate.setdefault(rate, []).append(variable.value)
        if not by_rate:
            return
        learning_rate = self.learning_rate
        for rate, params in by_rate.items():
            for indices in _group_indices(params) or [range(len(params))]:
                group = [params[i] for i in indices]
                decay = torch._foreach_mul(group, _on(rate, group[0]))
                torch._foreach_mul_(decay, _on(learning_rate, group[0]))
                torch._foreach_sub_(group, decay)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "adam_beta_1": self.adam_beta_1,
                "adam_beta_2": self.adam_beta_2,
                "epsilon": self.epsilon,
                "exclude_layers": self.exclude_layers,
                "muon_a": self.muon_a,
                "muon_b": self.muon_b,
                "muon_c": self.muon_c,
                "adam_lr_ratio": self.adam_lr_ratio,
                "momentum": self.momentum,
                "ns_steps": self.ns_steps,
                "nesterov": self.nesterov,
                "exclude_embeddings": self.exclude_embeddings,
                "adam_weight_decay": self.adam_weight_decay,
                "rms_rate": self.rms_rate,
            }
        )
        return config
