"""`LossScaleOptimizer`: dynamic loss scaling around another optimizer (mixed precision)."""

from __future__ import annotations

import torch

from kerasbridge import initializers
from kerasbridge.backend.naming import name_scope
from kerasbridge.backend.variable import Variable
from kerasbridge.optimizers.base_optimizer import Optimizer

_BASE_DEFAULTS = {
    "weight_decay": None,
    "clipnorm": None,
    "global_clipnorm": None,
    "clipvalue": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


class LossScaleOptimizer(Optimizer):
    """An optimizer that scales the loss dynamically to avoid float16 gradient underflow.

    `scale_loss(loss)` multiplies the loss by the current scale; `apply` divides the
    gradients by it before handing them to `inner_optimizer`. When a gradient is not finite,
    the step is skipped and the scale halved; after `dynamic_growth_steps` finite steps in a
    row, the scale doubles.

    Deciding whether to skip a step reads one boolean from the device (as
    `torch.amp.GradScaler` does); the scale bookkeeping itself stays on the device.

    Args:
        inner_optimizer: The optimizer to wrap.
        initial_scale: Float, the initial loss scale. Defaults to `2 ** 15`.
        dynamic_growth_steps: Int, the number of finite steps after which the scale doubles.
            Defaults to `2000`.
        name: Name of the optimizer.
    """

    def __init__(
        self, inner_optimizer, initial_scale=2.0**15, dynamic_growth_steps=2000, name=None, **kwargs
    ):
        if not kwargs.pop("dynamic", True):
            raise ValueError(
                "LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set "
                "`loss_scale_factor` directly on the `inner_optimizer`."
            )
        # Configs written by older Keras versions carry the base arguments at their defaults.
        for arg_name, default in _BASE_DEFAULTS.items():
            if arg_name not in kwargs:
                continue
            value = kwargs.pop(arg_name)
            if (default is None and value is not None) or value != default:
                raise ValueError(
                    f"LossScaleOptimizer does not support `{arg_name}`. Instead, set `{arg_name}` on the "
                    "`inner_optimizer`."
                )
        if kwargs:
            raise ValueError(
                f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs.keys())}`."
            )
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        # The inner optimizer must not unscale the gradients a second time.
        self.inner_optimizer.loss_scale_factor = None

    def build(self, var_list):
        """Create `step_counter` and `dynamic_scale`, then build the inner optimizer."""
        self.step_counter = self.add_variable(
            shape=(), dtype="int32", initializer=initializers.Zeros(), aggregation="none", name="step_counter"
        )
        self.dynamic_scale = self.add_variable(
            shape=(),
            dtype="float32",
            initializer=initializers.Constant(self.initial_scale),
            aggregation="none",
            name="dynamic_scale",
        )
        self.inner_optimizer.build(var_list)
        super().build(var_list)

    @property
    def variables(self):
        return self._variables + self.inner_optimizer.variables

    def apply(self, grads, trainable_variables=None):
        if not self.built:
            with name_scope(self.name, caller=self):
                self.build(trainable_variables)
            self.built = True
        if bool(self.check_finite(grads)):
            self._stateful_handle_finite_grads(grads, trainable_variables)
        else:
            self._stateful_handle_non_finite_grads()

    def check_finite(self, grads):
        """A boolean tensor: whether every gradient is finite."""
        tensors = [g.value if isinstance(g, Variable) else torch.as_tensor(g) for g in grads if g is not None]
        tensors = [t for t in tensors if t.numel()]
        if not tensors:
            return torch.tensor(True)
        device = tensors[0].device
        max_abs = torch.stack([n.to(device) for n in torch._foreach_norm(tensors, float("inf"))])
        return torch.isfinite(max_abs).all()

    def _stateful_handle_finite_grads(self, grads, trainable_variables):
        variables = trainable_variables or self._trainable_variables
        scale = self.dynamic_scale.value
        unscaled = []
        with torch.no_grad():
            for g, v in zip(grads, variables):
                if g is None or self._overwrite_variable_with_gradient(v):
                    unscaled.append(g)
                else:
                    g = self._as_gradient(g, v)
                    unscaled.append(g / scale.to(g.device))
        self.inner_optimizer.apply(unscaled, trainable_variables=trainable_variables)
        counter = self.step_counter.value
        with torch.no_grad():
            grow = counter == self.dynamic_growth_steps - 1
            scale.copy_(torch.where(grow, scale * 2.0, scale))
            counter.copy_(torch.where(grow, torch.zeros_like(counter), counter + 1))

    def _stateful_handle_non_finite_grads(self):
        with torch.no_grad():
            self.step_counter.value.zero_()
            self.dynamic_scale.value.mul_(0.5)

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        self.inner_optimizer.learning_rate = learning_rate

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    def scale_loss(self, loss):
        """Multiply `loss` by the current loss scale."""
        scale = self.dynamic_scale.value if self.built else self.initial_scale
        return loss * scale

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self):
        from kerasbridge.saving import serialization_lib

        return {
            "name": self.name,
            "inner_optimizer": serialization_lib.serialize_keras_object(self.inner_optimizer),
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from kerasbridge.saving import serialization_lib

        config = dict(config)
        inner_optimizer = serialization_lib.deserialize_keras_object(
            config.pop("inner_optimizer"), custom_objects=custom_objects
        )
        return cls(inner_optimizer, **config)
