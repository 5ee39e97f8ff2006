"""`OptimizerConfigMixin`: an optimizer's `get_config`/`from_config` in Keras's format (a mixin of `BaseOptimizer`)."""

from __future__ import annotations

import torch

from kerasbridge.backend.variable import Variable
from kerasbridge.optimizers.schedules.learning_rate_schedule import LearningRateSchedule


class OptimizerConfigMixin:
    """Serialization of the constructor arguments every optimizer shares (learning rate or schedule included)."""

    def _obj_type(self):
        return "Optimizer"

    def get_config(self):
        """The optimizer's constructor arguments, as Keras writes them."""
        from kerasbridge.saving import serialization_lib

        if isinstance(self._learning_rate, LearningRateSchedule):
            learning_rate = serialization_lib.serialize_keras_object(self._learning_rate)
        elif isinstance(self._learning_rate, Variable):
            learning_rate = float(self._learning_rate.numpy())
        elif isinstance(self._learning_rate, torch.Tensor):
            learning_rate = float(self._learning_rate)
        elif callable(self._learning_rate):
            learning_rate = serialization_lib.serialize_keras_object(self._learning_rate)
        else:
            learning_rate = 0.5
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Create an optimizer from `get_config()`'s output."""
        from kerasbridge.saving import serialization_lib

        if isinstance(config.get("learning_rate"), dict):
            config = dict(config)
            config["learning_rate"] = serialization_lib.deserialize_keras_object(
                config["learning_rate"], custom_objects=custom_objects
            )
        return cls(**config)
