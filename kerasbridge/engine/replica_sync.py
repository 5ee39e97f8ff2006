"""Cross-replica reductions for data-parallel loops, done once per epoch (never per step).

Metric state lives in `Variable`s whose `aggregation` says how replicas combine: `"sum"`
(totals, counts, confusion-matrix entries) is summed, `"mean"` averaged, and
`"only_first_replica"` taken from rank 0; `"none"` stays local. After `all_reduce_metrics`
every replica's `result()` is the metric over the global data. `stop_training` is decided
by rank 0 and broadcast, so every replica leaves the loop at the same epoch.
"""

from __future__ import annotations

import torch


def _active(world: int) -> bool:
    import torch.distributed as dist

    return world > 1 and dist.is_available() and dist.is_initialized()


def _metric_variables(model) -> list:
    seen, found = set(), []
    for metric in model.metrics:
        for variable in metric.variables:
            if id(variable) not in seen:
                seen.add(id(variable))
                found.append(variable)
    return found


def _reduce_device(tensor: torch.Tensor) -> torch.device:
    import torch.distributed as dist

    if dist.get_backend() == "nccl" and tensor.device.type != "cuda":
        return torch.device("cuda", torch.cuda.current_device())
    return tensor.device


def all_reduce_metrics(model, world: int) -> None:
    """Combine every metric variable of `model` across the `world` replicas by its `aggregation`."""
    if not _active(world):
        return
    import torch.distributed as dist

    variables = _metric_variables(model)
    summed = [v for v in variables if v.aggregation in ("sum", "mean")]
    first = [v for v in variables if v.aggregation == "only_first_replica"]
    for group, collective in ((summed, "all_reduce"), (first, "broadcast")):
        if not group:
            continue
        values = [v.value.detach() for v in group]
        device = _reduce_device(values[0])
        flat = torch.cat([t.reshape(-1).to(device=device, dtype=torch.float64) for t in values])
        if collective == "all_reduce":
            dist.all_reduce(flat, op=dist.ReduceOp.SUM)
        else:
            dist.broadcast(flat, src=0)
        offset = 0
        for variable, old in zip(group, values):
            piece = flat[offset:offset + old.numel()].reshape(old.shape)
            offset += old.numel()
            if variable.aggregation == "mean":
                piece = piece / world
            with torch.no_grad():
                variable.value.copy_(piece.to(device=old.device, dtype=old.dtype))


def broadcast_flag(value: bool, world: int, src: int = 0) -> bool:
    """`value` as decided by rank `src`, on every one of the `world` replicas."""
    if not _active(world):
        return bool(value)
    import torch.distributed as dist

    box = [bool(value)]
    dist.broadcast_object_list(box, src=src)
    return bool(box[0])


def gather_sharded_batches(local_batches: list, world: int) -> list:
    """Reassemble per-batch outputs computed on shards: batch `b` of the result concatenates
    batch `b` of every rank, in rank order (the order the shards were cut from the global batch).

    Each element of `local_batches` is a flat list of numpy arrays (one per model output).
    """
    import numpy as np
    import torch.distributed as dist

    if not _active(world):
        return local_batches
    gathered: list = [None] * world
    dist.all_gather_object(gathered, local_batches)
    merged = []
    for index in range(len(local_batches)):
        pieces = [gathered[rank][index] for rank in range(world)]
        merged.append([np.concatenate([p[i] for p in pieces], axis=0) for i in range(len(pieces[0]))])
    return merged


_EXIT_HOOK: list = []


def _leave_process_group_together() -> None:
    """At exit: wait for every rank, then shut the process group down in order.

    Rank 0 hosts the rendezvous store; exiting while another rank still finishes its script
    would pull the store from under that rank (which then dies, losing its buffered output).
    """
    import datetime

    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()):
        return
    try:
        if dist.get_backend() == "gloo":
            dist.monitored_barrier(timeout=datetime.timedelta(minutes=10))
        else:
            dist.barrier()
    except RuntimeError:
        pass  # a rank already failed: its launcher reports it
    dist.destroy_process_group()


def share_rng_state(world: int) -> None:
    """Give every replica rank 0's torch RNG state, so shuffling draws the same permutation everywhere
    (each replica then takes its own slice of the same global batches).

    Also registers, once, the process group's orderly shutdown at interpreter exit.
    """
    if not _active(world):
        return
    if not _EXIT_HOOK:
        import atexit

        atexit.register(_leave_process_group_together)
        _EXIT_HOOK.append(True)
    box = [torch.get_rng_state()]
    import torch.distributed as dist

    dist.broadcast_object_list(box, src=0)
    torch.set_rng_state(box[0])


def prepare_ddp_backward(trainer) -> None:
    """Arm DDP's gradient all-reduce for the `backward()` the model's `train_step` runs itself.

    With manual optimization Lightning arms it inside `manual_backward`; a Keras `train_step`
    (the model's own or a user's override) calls `loss.backward()` directly, so the engine arms
    the reducer before every step instead. The averaged gradients then land in `.grad`.
    """
    from torch.nn.parallel import DistributedDataParallel

    wrapped = getattr(trainer.strategy, "model", None)
    if not isinstance(wrapped, DistributedDataParallel) or not torch.is_grad_enabled():
        return
    from lightning.pytorch.overrides.distributed import prepare_for_backward

    prepare_for_backward(wrapped, None)
