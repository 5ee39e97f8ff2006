"""kerasbridge.random: random ops with the same streams as `keras.random` (torch backend).

Pass `seed=<int>` for repeatable values (identical on every call), a
`SeedGenerator` for a repeatable sequence of different values, or nothing to use
the global seed generator (made repeatable by `set_random_seed`).
"""

from kerasbridge.backend.random import SeedGenerator
from kerasbridge.random.random_ops import (
    beta,
    binomial,
    categorical,
    dropout,
    gamma,
    normal,
    randint,
    shuffle,
    truncated_normal,
    uniform,
)

__all__ = [
    "SeedGenerator",
    "beta",
    "binomial",
    "categorical",
    "dropout",
    "gamma",
    "normal",
    "randint",
    "shuffle",
    "truncated_normal",
    "uniform",
]
