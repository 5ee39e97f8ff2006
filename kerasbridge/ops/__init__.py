"""kerasbridge.ops: `keras.ops` implemented with torch.

Every op runs eagerly on torch tensors (numpy arrays and Python values are converted) and,
called on symbolic `KerasTensor`s, records a node of a Functional graph instead.
Sub-namespaces mirror Keras: `ops.numpy`, `ops.nn`, `ops.math`, `ops.linalg`, `ops.core`,
`ops.image`.
"""

from kerasbridge.ops import core, image, linalg, math, nn, numpy  # noqa: F401
from kerasbridge.ops.core import *  # noqa: F403
from kerasbridge.ops.linalg import *  # noqa: F403
from kerasbridge.ops.math import *  # noqa: F403
from kerasbridge.ops.nn import *  # noqa: F403
from kerasbridge.ops.numpy import *  # noqa: F403

__all__ = sorted(
    {*core.__all__, *linalg.__all__, *math.__all__, *nn.__all__, *numpy.__all__}
    | {"core", "image", "linalg", "math", "nn", "numpy"}
)
