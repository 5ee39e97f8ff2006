"""Learning rate schedules: functions of the optimizer step evaluated with torch on its device.

A schedule is called with the optimizer's `iterations` (a `Variable` or tensor, or a Python
int) and returns a 0-d tensor on the same device, so an optimizer evaluates it every step
without moving data to the host. The arithmetic follows Keras 3 operation by operation (same
dtypes, same order), so the values are those Keras computes.
"""

from __future__ import annotations

import numpy as np
import torch

from kerasbridge.backend.config import floatx
from kerasbridge.backend.device import get_device
from kerasbridge.backend.dtypes import to_torch_dtype
from kerasbridge.backend.variable import Variable

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]


def _device_of(step) -> torch.device:
    if isinstance(step, Variable):
        return step.value.device
    if isinstance(step, torch.Tensor):
        return step.device
    return torch.device(get_device())


def _tensor(value, device, dtype=None) -> torch.Tensor:
    """`value` as a tensor on `device`, with Keras's conversion rules for Python scalars.

    Python floats become `floatx()`, Python ints `int32` (`int64` out of range), bools `bool`.
    Scalars are written with a fill on the device (a copy from the host would wait for it).
    """
    if isinstance(value, Variable):
        value = value.value
    if isinstance(value, torch.Tensor):
        value = value.detach()
        if value.device != device:
            value = value.to(device)
        if dtype is not None and value.dtype != dtype:
            value = value.to(dtype)
        return value
    if isinstance(value, np.generic):
        value = value.item() if dtype is not None else value
    if not isinstance(value, (bool, int, float)):
        return torch.as_tensor(np.asarray(value), dtype=dtype, device=device)
    if dtype is None:
        if isinstance(value, bool):
            dtype = torch.bool
        elif isinstance(value, int):
            dtype = torch.int32 if -(2**31) <= value < 2**31 else torch.int64
        else:
            dtype = to_torch_dtype(floatx())
    return torch.full((), value, dtype=dtype, device=device)


def _check_decay_steps(value, arg_name="decay_steps"):
    if value <= 0:
        raise ValueError(f"Argument `{arg_name}` must be > 0. Received: {arg_name}={value}")


class LearningRateSchedule:
    """Base class of learning rate schedules.

    A subclass implements `__call__(step)`, returning the learning rate for the (0-based)
    optimizer step, and `get_config()`. Pass an instance as an optimizer's `learning_rate`.

    Example:

    ```python
    class MyLRSchedule(kerasbridge.optimizers.schedules.LearningRateSchedule):
        def __init__(self, initial_learning_rate):
            self.initial_learning_rate = initial_learning_rate

        def __call__(self, step):
            return self.initial_learning_rate / (step + 1)

    optimizer = kerasbridge.optimizers.SGD(learning_rate=MyLRSchedule(0.1))
    ```
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' must override `__call__(self, step)`."
        )

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' must override `get_config()` in order "
            "to be serializable."
        )

    @classmethod
    def from_config(cls, config):
        """Instantiate a schedule from the output of `get_config()`."""
        return cls(**config)


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)`.

    Args:
        initial_learning_rate: Float, the learning rate at step 0.
        decay_steps: Positive int; the rate is multiplied by `decay_rate` every
            `decay_steps` steps.
        decay_rate: Float, the decay factor.
        staircase: If `True`, `step / decay_steps` is floored (the rate decays in steps).
        name: Name of the schedule.
    """

    def __init__(
        self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_decay_steps(self.decay_steps)

    def __call__(self, step):
        device = _device_of(step)
        initial = _tensor(self.initial_learning_rate, device)
        dtype = initial.dtype
        exponent = _tensor(step, device, dtype) / _tensor(self.decay_steps, device, dtype)
        if self.staircase:
            exponent = torch.floor(exponent)
        return torch.multiply(initial, torch.pow(_tensor(self.decay_rate, device, dtype), exponent))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """A constant learning rate on each interval between `boundaries`.

    The rate is `values[0]` while `step <= boundaries[0]`, `values[i]` while
    `boundaries[i-1] < step <= boundaries[i]`, and `values[-1]` after the last boundary.

    Args:
        boundaries: Increasing list of step numbers.
        values: List of learning rates, one more than `boundaries`.
        name: Name of the schedule.
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        super().__init__()
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. Received: "
                f"boundaries={boundaries} of length {len(boundaries)}, and values={values} of length "
                f"{len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        device = _device_of(step)
        step = _tensor(step, device)
        boundaries = [_tensor(b, device, step.dtype) for b in self.boundaries]
        values = [_tensor(v, device) for v in self.values]
        result_dtype = values[0].dtype
        result = torch.zeros((), dtype=result_dtype, device=device)
        result = result + (step <= boundaries[0]).to(result_dtype) * values[0]
        result = result + (step > boundaries[-1]).to(result_dtype) * values[-1]
        for low, high, value in zip(boundaries[:-1], boundaries[1:], values[1:-1]):
            result = result + ((step > low) & (step <= high)).to(result_dtype) * value
        return result

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Decay from `initial_learning_rate` to `end_learning_rate` along `(1 - t) ** power`.

    `t = min(step, decay_steps) / decay_steps`; with `cycle=True` the decay restarts with
    `decay_steps` multiplied by `ceil(step / decay_steps)`.

    Args:
        initial_learning_rate: Float, the learning rate at step 0.
        decay_steps: Positive int, the length of the decay.
        end_learning_rate: Float, the final learning rate.
        power: Float, the power of the polynomial (1.0 is linear).
        cycle: Whether to cycle beyond `decay_steps`.
        name: Name of the schedule.
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name="PolynomialDecay",
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        _check_decay_steps(self.decay_steps)

    def __call__(self, step):
        device = _device_of(step)
        initial = _tensor(self.initial_learning_rate, device)
        dtype = initial.dtype
        end = _tensor(self.end_learning_rate, device, dtype)
        power = _tensor(self.power, device, dtype)
        step = _tensor(step, device, dtype)
        decay_steps = _tensor(self.decay_steps, device, dtype)
        if self.cycle:
            multiplier = torch.where(step == 0, _tensor(1.0, device), torch.ceil(step / self.decay_steps))
            decay_steps = torch.multiply(decay_steps, multiplier)
        else:
            step = torch.minimum(step, decay_steps)
        fraction = torch.divide(step, decay_steps)
        return torch.add(torch.multiply(initial - end, torch.pow(1 - fraction, power)), end)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`.

    Args:
        initial_learning_rate: Float, the learning rate at step 0.
        decay_steps: Positive int, the time unit of the decay.
        decay_rate: Float, the decay rate.
        staircase: If `True`, `step / decay_steps` is floored.
        name: Name of the schedule.
    """

    def __init__(
        self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_decay_steps(self.decay_steps)

    def __call__(self, step):
        device = _device_of(step)
        initial = _tensor(self.initial_learning_rate, device)
        dtype = initial.dtype
        decay_rate = _tensor(self.decay_rate, device, dtype)
        time = _tensor(step, device, dtype) / _tensor(self.decay_steps, device, dtype)
        if self.staircase:
            time = torch.floor(time)
        one = _tensor(1, device).to(dtype)
        return torch.divide(initial, torch.add(one, torch.multiply(decay_rate, time)))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


# Defined in their own modules, which import the base class and helpers above.
from kerasbridge.optimizers.schedules.cosine_decay import CosineDecay  # noqa: E402
from kerasbridge.optimizers.schedules.cosine_decay_restarts import CosineDecayRestarts  # noqa: E402

_SCHEDULES = {
    cls.__name__: cls
    for cls in (
        LearningRateSchedule,
        ExponentialDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
        InverseTimeDecay,
        CosineDecay,
        CosineDecayRestarts,
    )
}


def serialize(learning_rate_schedule):
    """Return the Keras config dict of a schedule (`module`, `class_name`, `config`, ...)."""
    from kerasbridge.saving import serialization_lib

    return serialization_lib.serialize_keras_object(learning_rate_schedule)


def deserialize(config, custom_objects=None):
    """Rebuild a schedule from `serialize()`'s output (or a Keras 3 config)."""
    from kerasbridge.saving import serialization_lib

    return serialization_lib.deserialize_keras_object(
        config, module_objects=_SCHEDULES, custom_objects=custom_objects
    )
