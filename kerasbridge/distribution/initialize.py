"""`initialize`: join a multi-process (multi-host) job started by something other than torchrun/SLURM.

Keras's `initialize(job_addresses, num_processes, process_id)` starts JAX's multi-host runtime.
Here it opens torch's default process group (`gloo` on CPU, `nccl` when CUDA is available) at
the first address, and records the cluster layout, so that every later `fit`/`evaluate`/
`predict` runs Lightning's DDP over these processes instead of launching its own (see
`kerasbridge/engine/strategy.py`). Only torch is imported here; Lightning stays in the engine.
"""

from __future__ import annotations

import dataclasses
import datetime
import os

_ENV_ADDRESSES = "KERAS_DISTRIBUTION_JOB_ADDRESSES"
_ENV_NUM_PROCESSES = "KERAS_DISTRIBUTION_NUM_PROCESSES"
_ENV_PROCESS_ID = "KERAS_DISTRIBUTION_PROCESS_ID"

_CLUSTER: dict = {}


@dataclasses.dataclass(frozen=True)
class ClusterLayout:
    """Where this process sits in the job that `initialize` joined."""

    world_size: int
    rank: int
    local_rank: int
    processes_per_node: int
    num_nodes: int
    node_rank: int
    main_address: str
    main_port: int


def _split_address(address: str) -> tuple[str, int]:
    host, sep, port = address.strip().rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(
            f"Each job address must be `host:port` (e.g. '10.0.0.1:1234'). Received: {address!r}"
        )
    return host, int(port)


def _layout(addresses: list[str], num_processes: int, process_id: int) -> ClusterLayout:
    main_host, main_port = _split_address(addresses[0])
    if len(addresses) == 1:
        # Only the coordinator is known: processes per node from the launcher, else one per node.
        per_node = int(os.environ.get("LOCAL_WORLD_SIZE", "1"))
        if num_processes % per_node:
            raise ValueError(
                f"LOCAL_WORLD_SIZE={per_node} does not divide num_processes={num_processes}."
            )
        return ClusterLayout(num_processes, process_id, process_id % per_node, per_node,
                             num_processes // per_node, process_id // per_node, main_host, main_port)
    if len(addresses) != num_processes:
        raise ValueError(
            "`job_addresses` must hold either the coordinator's address or one address per process "
            f"({num_processes}). Received {len(addresses)} addresses: {addresses}"
        )
    hosts = [_split_address(address)[0] for address in addresses]
    nodes = list(dict.fromkeys(hosts))
    per_node = {host: hosts.count(host) for host in nodes}
    if len(set(per_node.values())) != 1:
        raise ValueError(
            f"Every host must run the same number of processes. Received processes per host: {per_node}"
        )
    host = hosts[process_id]
    return ClusterLayout(num_processes, process_id, hosts[:process_id].count(host), per_node[host], len(nodes),
                         nodes.index(host), main_host, main_port)


def initialize(job_addresses=None, num_processes=None, process_id=None):
    """Join this process to a multi-process job, before any computation.

    Each process of the job calls it with the same `job_addresses` and `num_processes` and
    its own `process_id`; it returns once all of them have joined. Afterwards `fit` trains
    data-parallel over all processes (each replica reads `batch_size / num_processes`
    samples of every global batch), and `DataParallel()`/`ModelParallel(...)` use them too.
    Jobs started by `torchrun` or SLURM need no call: their processes are found from the
    environment.

    Args:
        job_addresses: Comma-separated `host:port` addresses, one per process, or just the
            coordinator's (process 0). The first address is where the processes meet.
            Defaults to the `KERAS_DISTRIBUTION_JOB_ADDRESSES` environment variable.
        num_processes: How many processes form the job. Defaults to
            `KERAS_DISTRIBUTION_NUM_PROCESSES`.
        process_id: This process's index, `0` to `num_processes - 1`; `0` is the
            coordinator. Defaults to `KERAS_DISTRIBUTION_PROCESS_ID`.

    Example:

    ```python
    # On host 10.0.0.1 (process 0) and host 10.0.0.2 (process 1):
    keras.distribution.initialize("10.0.0.1:1234,10.0.0.2:1234", num_processes=2, process_id=0)  # or =1
    model.fit(x, y, batch_size=64)  # a global batch of 64, 32 per process
    ```
    """
    env = os.environ
    if job_addresses is None:
        job_addresses = env.get(_ENV_ADDRESSES)
    if num_processes is None and _ENV_NUM_PROCESSES in env:
        num_processes = int(env[_ENV_NUM_PROCESSES])
    if process_id is None and _ENV_PROCESS_ID in env:
        process_id = int(env[_ENV_PROCESS_ID])
    missing = [name for name, value in (("job_addresses", job_addresses), ("num_processes", num_processes),
                                        ("process_id", process_id)) if value is None]
    if missing:
        raise ValueError(
            f"`initialize()` needs {', '.join(missing)}: pass them, or set {_ENV_ADDRESSES}, "
            f"{_ENV_NUM_PROCESSES} and {_ENV_PROCESS_ID}. Jobs launched by torchrun or SLURM need no call."
        )
    num_processes, process_id = int(num_processes), int(process_id)
    if num_processes < 1 or not 0 <= process_id < num_processes:
        raise ValueError(
            f"`process_id` must be in [0, num_processes). Received: process_id={process_id}, "
            f"num_processes={num_processes}"
        )
    addresses = [address for address in str(job_addresses).split(",") if address.strip()]
    if not addresses:
        raise ValueError(f"`job_addresses` holds no address. Received: {job_addresses!r}")
    layout = _layout(addresses, num_processes, process_id)

    import torch
    import torch.distributed as dist

    if dist.is_initialized():
        if dist.get_world_size() != num_processes or dist.get_rank() != process_id:
            raise ValueError(
                f"torch.distributed is already initialized as rank {dist.get_rank()} of {dist.get_world_size()}, "
                f"not as process {process_id} of {num_processes}."
            )
    else:
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        dist.init_process_group(backend, init_method=f"tcp://{layout.main_address}:{layout.main_port}",
                                world_size=num_processes, rank=process_id, timeout=datetime.timedelta(minutes=30))
    _CLUSTER["layout"] = layout


def initialized_cluster() -> ClusterLayout | None:
    """The layout `initialize` recorded in this process, while its process group is alive."""
    layout = _CLUSTER.get("layout")
    if layout is None:
        return None
    import torch.distributed as dist

    if not dist.is_initialized():
        _CLUSTER.clear()
        return None
    return layout
