"""Sums over the processes of a data-parallel job that gradients flow through (synchronized statistics)."""

from __future__ import annotations

import torch


def in_multi_process_job() -> bool:
    """Whether torch's default process group is open with more than one process."""
    return torch.distributed.is_available() and torch.distributed.is_initialized() \
        and torch.distributed.get_world_size() > 1


def cross_replica_sum(value: torch.Tensor) -> torch.Tensor:
    """`value` summed over all processes, differentiable.

    The backward pass sums the incoming gradients over the processes too, so every replica's
    inputs receive the gradient of *all* replicas' losses through the shared statistic; with
    DDP's gradient averaging on top, a data-parallel step then equals the one-process step
    on the whole global batch.
    """
    return _CrossReplicaSum.apply(value)


class _CrossReplicaSum(torch.autograd.Function):
    """All-reduce (sum) forward and backward: each replica's gradient is the sum of all replicas'."""

    @staticmethod
    def forward(ctx, value):
        total = value.clone()
        torch.distributed.all_reduce(total)
        return total

    @staticmethod
    def backward(ctx, grad):
        total = grad.clone()
        torch.distributed.all_reduce(total)
        return total


def synchronized_moments(values, axes):
    """Mean and biased variance over `axes` of the global batch, as Keras's `ops.moments` computes
    them locally: Var = E[x^2] - E[x]^2 (keepdims). `axes` is a tuple of ints."""
    local_count = 1
    for axis in axes:
        local_count *= values.shape[axis]
    count = cross_replica_sum(torch.tensor(float(local_count), dtype=values.dtype, device=values.device))
    mean = cross_replica_sum(torch.sum(values, dim=axes, keepdim=True)) / count
    variance = cross_replica_sum(torch.sum(torch.square(values), dim=axes, keepdim=True)) / count - torch.square(mean)
    return mean, variance


def synchronized_mean_and_variance(values, weights, axes, count_epsilon=0.0):
    """Weighted mean and biased variance over `axes` of the global batch (all processes).

    Two passes, as Keras's masked batch statistics: the global mean first, then the mean squared
    deviation from it, so the result matches the one-process statistics to float rounding.
    `weights` is 1 for counted entries and 0 for masked ones (broadcastable to `values`);
    `count_epsilon` is added to the element count (Keras's masked statistics do that).
    """
    weights = torch.broadcast_to(weights, values.shape)
    count = cross_replica_sum(weights.sum(dim=axes, keepdim=True)) + count_epsilon
    mean = cross_replica_sum((values * weights).sum(dim=axes, keepdim=True)) / count
    deviation = (values - mean) * weights
    variance = cross_replica_sum(deviation.square().sum(dim=axes, keepdim=True)) / count
    return mean, variance
