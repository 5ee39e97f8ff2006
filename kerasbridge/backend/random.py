"""Seeds and random streams, reproducing Keras 3's (torch backend) draws exactly.

A `SeedGenerator` holds a `[seed, counter]` state. Each draw seeds a fresh
`torch.Generator` with `seed + counter`, so with the same seeds kerasbridge and
Keras produce the same random numbers (and hence the same initial weights).
"""

from __future__ import annotations

import random as python_random

import numpy as np
import torch

from kerasbridge.backend import naming
from kerasbridge.backend.device import get_device

_global_generator: SeedGenerator | None = None


def make_default_seed() -> int:
    """A seed drawn from Python's `random` (so `set_random_seed` makes it repeatable)."""
    return python_random.randint(1, int(1e9))


def _as_int32(value: int) -> int:
    return (value & 0xFFFFFFFF ^ 0x80000000) - 0x80000000


class SeedGenerator:
    """Generates a new seed on each draw of a random op.

    Args:
        seed: Initial integer seed. `None` draws one from Python's `random`.
        name: Optional name.

    Example:

    >>> gen = SeedGenerator(seed=42)
    >>> a = kerasbridge.random.normal((2,), seed=gen)
    >>> b = kerasbridge.random.normal((2,), seed=gen)  # differs from `a`
    """

    def __init__(self, seed: int | None = None, name: str | None = None, **kwargs):
        kwargs.pop("backend", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
        self.name = name or naming.auto_name(type(self).__name__)
        self._initial_seed = seed
        if seed is None:
            seed = make_default_seed()
        if not isinstance(seed, (int, np.integer)):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed}")
        from kerasbridge.backend.variable import Variable

        with naming.name_scope(self.name, caller=self):
            self.state = Variable(
                torch.tensor([_as_int32(int(seed)), 0], dtype=torch.int32),
                dtype="int32",
                trainable=False,
                name="seed_generator_state",
            )

    def next(self, ordered: bool = True) -> torch.Tensor:
        """Return the current `[seed, counter]` and advance the state."""
        value = self.state.value.detach().clone()
        with torch.no_grad():
            if ordered:
                self.state.value[1] += 1
            else:
                self.state.value.copy_((value + 1) * 5387 % 933199)
        return value

    def get_config(self) -> dict:
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> SeedGenerator:
        return cls(**config)


def global_seed_generator() -> SeedGenerator:
    """The generator behind random ops called with `seed=None`."""
    global _global_generator
    if _global_generator is None:
        _global_generator = SeedGenerator()
    return _global_generator


def reset_global_seed_generator() -> None:
    global _global_generator
    _global_generator = None


def draw_seed(seed) -> torch.Tensor:
    """Turn `seed` (int, SeedGenerator or None) into a `[seed, counter]` int32 pair."""
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return torch.tensor([_as_int32(int(seed)), 0], dtype=torch.int32)
    if seed is None:
        return global_seed_generator().next(ordered=False)
    raise ValueError(
        "Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
        f"Received: seed={seed} (of type {type(seed)})"
    )


def torch_generator(seed) -> torch.Generator | None:
    """A `torch.Generator` on the current device, seeded from `seed` as Keras seeds it."""
    device = get_device()
    if device == "meta":
        return None
    first, second = (int(v) for v in draw_seed(seed).tolist())
    generator = torch.Generator(device=device)
    generator.manual_seed((first + second) & 0xFFFFFFFF)
    return generator


# Draws from torch's global generator that Keras's torch backend would already have made but that
# kerasbridge makes later (see `kerasbridge.engine.data_adapters.array_adapter`). Reseeding
# discards them: in Keras they happened before the seed was set.
_deferred_global_draws = 0


def defer_global_draw() -> None:
    """Count one global-generator draw to be made by the next `flush_global_draws()`."""
    global _deferred_global_draws
    _deferred_global_draws += 1


def flush_global_draws() -> None:
    """Make the deferred draws now (one int64 seed each, as a DataLoader iterator draws it)."""
    global _deferred_global_draws
    for _ in range(_deferred_global_draws):
        torch.empty((), dtype=torch.int64).random_()
    _deferred_global_draws = 0


def set_random_seed(seed: int) -> None:
    """Seed Python, numpy and torch, and reset the global seed generator.

    Two runs that call `set_random_seed(s)` first build identical weights (and the same
    weights Keras 3 builds after `keras.utils.set_random_seed(s)`).
    """
    if not isinstance(seed, (int, np.integer)):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed} (of type {type(seed)})")
    global _deferred_global_draws
    python_random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    _deferred_global_draws = 0
    reset_global_seed_generator()
