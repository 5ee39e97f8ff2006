"""kerasbridge: Keras 3 on PyTorch, trained by PyTorch Lightning.

`import kerasbridge as keras` and a Keras 3 script runs unchanged.
"""

from kerasbridge import (
    activations,
    backend,
    callbacks,
    config,
    constraints,
    distribution,
    dtype_policies,
    initializers,
    layers,
    losses,
    metrics,
    mixed_precision,
    models,
    ops,
    optimizers,
    random,
    regularizers,
    saving,
    utils,
)
from kerasbridge.backend import Variable, name_scope
from kerasbridge.backend import device_scope as device
from kerasbridge.layers import Input, InputSpec, Layer
from kerasbridge.losses import Loss
from kerasbridge.metrics import Metric
from kerasbridge.models import Model, Sequential
from kerasbridge.ops.keras_tensor import KerasTensor
from kerasbridge.ops.operation import Operation
from kerasbridge.optimizers import Optimizer
from kerasbridge.utils import tree

__version__ = "0.1.0"
version = __version__

__all__ = [
    "Input",
    "InputSpec",
    "KerasTensor",
    "Layer",
    "Loss",
    "Metric",
    "Model",
    "Operation",
    "Optimizer",
    "Sequential",
    "Variable",
    "activations",
    "backend",
    "callbacks",
    "config",
    "constraints",
    "device",
    "distribution",
    "dtype_policies",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "mixed_precision",
    "models",
    "name_scope",
    "ops",
    "optimizers",
    "random",
    "regularizers",
    "saving",
    "tree",
    "utils",
    "version",
]
