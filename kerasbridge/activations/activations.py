"""Activation functions, computed with torch exactly as Keras 3's torch backend does.

Each function takes a tensor (or anything `convert_to_tensor` accepts) and
returns a torch tensor; called on a symbolic `KerasTensor` it records a graph
node instead.

The functions live in family modules (`relu_family`, `squashing`, `shrinkage`,
`axis_normalization`) and are all re-exported here, so this import path keeps working.
"""

from __future__ import annotations

import torch

from kerasbridge.activations._wrapper import _activation
from kerasbridge.activations.axis_normalization import (  # noqa: F401  (re-exported)
    _over_axes,
    _over_tuple_axes,
    glu,
    log_softmax,
    softmax,
    sparsemax,
)
from kerasbridge.activations.relu_family import (  # noqa: F401  (re-exported)
    _clip,
    celu,
    elu,
    gelu,
    hard_silu,
    hard_swish,
    leaky_relu,
    mish,
    relu,
    relu6,
    selu,
    silu,
    softplus,
    softsign,
    sparse_plus,
    squareplus,
    swish,
)
from kerasbridge.activations.shrinkage import (  # noqa: F401  (re-exported)
    hard_shrink,
    soft_shrink,
    tanh_shrink,
    threshold,
)
from kerasbridge.activations.squashing import (  # noqa: F401  (re-exported)
    hard_sigmoid,
    hard_tanh,
    log_sigmoid,
    sigmoid,
    sparse_sigmoid,
    tanh,
)
from kerasbridge.backend.config import floatx
from kerasbridge.backend.dtypes import to_torch_dtype


@_activation
def exponential(x):
    """Exponential: `exp(x)` (integer and boolean inputs are cast to `floatx()` first).

    Args:
        x: Input tensor.
    """
    if not (x.is_floating_point() or x.is_complex()):
        x = x.to(to_torch_dtype(floatx()))
    return torch.exp(x)


def linear(x):
    """Identity activation: returns `x` unchanged.

    Args:
        x: Input tensor.
    """
    return x
