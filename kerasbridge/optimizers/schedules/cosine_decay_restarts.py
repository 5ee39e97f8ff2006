"""`CosineDecayRestarts`: cosine decay with warm restarts (SGDR)."""

from __future__ import annotations

import math

import torch

from kerasbridge.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    _check_decay_steps,
    _device_of,
    _tensor,
)


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR).

    The first period lasts `first_decay_steps`; each restart multiplies the period by
    `t_mul` and the peak rate by `m_mul`.

    Args:
        initial_learning_rate: Float, the learning rate at step 0.
        first_decay_steps: Positive int, the length of the first period.
        t_mul: Float, the factor applied to the period length at each restart.
        m_mul: Float, the factor applied to the peak rate at each restart.
        alpha: Float, the minimum rate as a fraction of `initial_learning_rate`.
        name: Name of the schedule.
    """

    def __init__(
        self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name="SGDRDecay"
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        _check_decay_steps(self.first_decay_steps, "first_decay_steps")

    def __call__(self, step):
        device = _device_of(step)
        initial = _tensor(self.initial_learning_rate, device)
        dtype = initial.dtype
        first_decay_steps = _tensor(self.first_decay_steps, device, dtype)
        alpha = _tensor(self.alpha, device, dtype)
        t_mul = _tensor(self._t_mul, device, dtype)
        m_mul = _tensor(self._m_mul, device, dtype)
        fraction = _tensor(step, device, dtype) / first_decay_steps
        # `t_mul` is a constant: choose the branch on the host.
        if float(torch.tensor(self._t_mul, dtype=dtype)) == 1.0:
            restart = torch.floor(fraction)
            fraction = fraction - restart
        else:
            restart = torch.floor(torch.log((1.0 - fraction * (1.0 - t_mul)).to(dtype)) / torch.log(t_mul))
            restart_sum = torch.divide(1.0 - torch.pow(t_mul, restart), 1.0 - t_mul)
            fraction = torch.divide(torch.subtract(fraction, restart_sum), torch.pow(t_mul, restart))
        peak = torch.pow(m_mul, restart)
        pi = torch.full((), math.pi, dtype=dtype, device=device)
        cosine = 0.5 * peak * (1.0 + torch.cos(torch.multiply(pi, fraction)))
        decayed = torch.add(torch.multiply(1 - alpha, cosine), alpha)
        return torch.multiply(initial, decayed)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }
