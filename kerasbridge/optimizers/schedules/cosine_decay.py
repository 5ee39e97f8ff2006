"""`CosineDecay`: cosine learning rate decay, optionally after a linear warmup."""

from __future__ import annotations

import math

import torch

from kerasbridge.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    _check_decay_steps,
    _device_of,
    _tensor,
)


class CosineDecay(LearningRateSchedule):
    """Cosine decay, optionally after a linear warmup.

    Without warmup: `lr = initial * ((1 - alpha) * 0.5 * (1 + cos(pi * t)) + alpha)` with
    `t = min(step, decay_steps) / decay_steps`. With `warmup_target`, the rate first goes
    linearly from `initial_learning_rate` to `warmup_target` over `warmup_steps`, then the
    cosine decays from `warmup_target`.

    Args:
        initial_learning_rate: Float, the learning rate at step 0.
        decay_steps: Positive int, the length of the cosine decay.
        alpha: Float, the final rate as a fraction of the decayed-from rate.
        name: Name of the schedule.
        warmup_target: Float or `None`; the rate reached at the end of the warmup.
        warmup_steps: Int, the length of the warmup.
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name="CosineDecay",
        warmup_target=None,
        warmup_steps=0,
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        _check_decay_steps(self.decay_steps)

    def _decay(self, step, decay_steps, decay_from, dtype):
        fraction = torch.divide(step, decay_steps)
        pi = torch.full((), math.pi, dtype=dtype, device=step.device)
        cosine = 0.5 * (1.0 + torch.cos(torch.multiply(pi, fraction)))
        decayed = (1 - self.alpha) * cosine + self.alpha
        return torch.multiply(decay_from, decayed)

    @staticmethod
    def _warmup(step, warmup_steps, warmup_target, initial):
        fraction = step / warmup_steps
        return (warmup_target - initial) * fraction + initial

    def __call__(self, step):
        device = _device_of(step)
        initial = _tensor(self.initial_learning_rate, device)
        dtype = initial.dtype
        decay_steps = _tensor(self.decay_steps, device, dtype)
        step = _tensor(step, device, dtype)
        if self.warmup_target is None:
            return self._decay(torch.minimum(step, decay_steps), decay_steps, initial, dtype)
        warmup_target = _tensor(self.warmup_target, device, dtype)
        warmup_steps = _tensor(self.warmup_steps, device, dtype)
        step = torch.minimum(step, decay_steps + warmup_steps)
        # Both branches are computed and one is selected: no host sync on the step.
        return torch.where(
            step < warmup_steps,
            self._warmup(step, warmup_steps, warmup_target, initial),
            self._decay(step - warmup_steps, decay_steps, warmup_target, dtype),
        )

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }
