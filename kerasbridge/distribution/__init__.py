"""kerasbridge.distribution: Keras's distribution API, run by Lightning strategies.

`DataParallel` maps to Lightning's DDP strategy and `ModelParallel` to its ModelParallelStrategy (FSDP2); the
mapping lives in `kerasbridge/engine/strategy.py`. Setting a distribution (globally or with
`with dist.scope():`) makes every `fit`/`evaluate`/`predict` use it.
"""

from kerasbridge.distribution.data_parallel import DataParallel
from kerasbridge.distribution.device_listing import get_device_count, list_devices
from kerasbridge.distribution.device_mesh import DeviceMesh
from kerasbridge.distribution.distribute_tensor import distribute_tensor
from kerasbridge.distribution.distribution_base import Distribution, distribution, set_distribution
from kerasbridge.distribution.initialize import initialize
from kerasbridge.distribution.layout_map import LayoutMap
from kerasbridge.distribution.model_parallel import ModelParallel
from kerasbridge.distribution.tensor_layout import TensorLayout

__all__ = [
    "DataParallel",
    "DeviceMesh",
    "Distribution",
    "LayoutMap",
    "ModelParallel",
    "TensorLayout",
    "distribute_tensor",
    "distribution",
    "get_device_count",
    "initialize",
    "list_devices",
    "set_distribution",
]
