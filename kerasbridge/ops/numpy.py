"""`keras.ops.numpy`: the numpy-like ops, implemented with torch.

The ops live in themed modules (arithmetic, special functions, creation, shapes,
reductions, statistics, products); this module gathers them under one namespace, as
`keras.ops.numpy` does.
"""

from kerasbridge.ops import (
    numpy_create,
    numpy_math,
    numpy_products,
    numpy_reduce,
    numpy_shape,
    numpy_special,
    numpy_stats,
)
from kerasbridge.ops.core_flow import vectorize  # noqa: F401
from kerasbridge.ops.numpy_create import *  # noqa: F403
from kerasbridge.ops.numpy_math import *  # noqa: F403
from kerasbridge.ops.numpy_products import *  # noqa: F403
from kerasbridge.ops.numpy_reduce import *  # noqa: F403
from kerasbridge.ops.numpy_shape import *  # noqa: F403
from kerasbridge.ops.numpy_special import *  # noqa: F403
from kerasbridge.ops.numpy_stats import *  # noqa: F403

__all__ = sorted(
    ["vectorize"]
    + [
        name
        for module in (numpy_create, numpy_math, numpy_products, numpy_reduce, numpy_shape, numpy_special, numpy_stats)
        for name in module.__all__
    ]
)
