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

# Top-level keras names added for API coverage (issue 5)
from kerasbridge import quantizers  # noqa: E402
from kerasbridge.backend.remat import RematScope, remat  # noqa: E402
from kerasbridge.backend.symbolic_scope_class import SymbolicScope  # noqa: E402
from kerasbridge.dtype_policies import DTypePolicy, FloatDTypePolicy  # noqa: E402
from kerasbridge.initializers import Initializer  # noqa: E402
from kerasbridge.ops.function import Function  # noqa: E402
from kerasbridge.quantizers import Quantizer  # noqa: E402
from kerasbridge.regularizers import Regularizer  # noqa: E402

__all__ += [
    "DTypePolicy", "FloatDTypePolicy", "Function", "Initializer", "Quantizer", "Regularizer", "RematScope",
    "SymbolicScope", "quantizers", "remat",
]


def version() -> str:  # noqa: F811 - Keras 3 exposes `version` as a function
    """kerasbridge's version string (`keras.version()` is a function in Keras 3 too)."""
    return __version__

# keras.tree as its own public module (named kerasbridge.tree, like keras.tree), re-exporting utils.tree
import kerasbridge.tree as tree  # noqa: E402, F811

# keras.datasets and keras.preprocessing namespaces (numpy-only loaders; re-exported image/sequence helpers)
from kerasbridge import datasets, preprocessing  # noqa: E402

__all__ += ["datasets", "preprocessing"]


def __getattr__(name):  # keras.applications: the model zoo is imported on first access
    if name == "applications":
        import importlib

        return importlib.import_module("kerasbridge.applications")
    raise AttributeError(f"module 'kerasbridge' has no attribute {name!r}")
