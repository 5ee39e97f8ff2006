"""`steps_per_execution`: N consecutive batches handed to one engine step.

Each Lightning step receives a `BatchGroup` and runs the model's step on every batch in
it; batch-level callbacks then fire once per group, with the index of its first batch at
`begin` and of its last batch at `end`, as Keras does. A partial last group holds the
remaining batches.
"""

from __future__ import annotations

import math


class BatchGroup(list):
    """Up to `steps_per_execution` batches, run in one engine step."""


class StepGroups:
    """Wraps a batch iterable so that it yields `BatchGroup`s of `size` batches."""

    def __init__(self, batches, size: int):
        self.batches = batches
        self.size = int(size)

    @property
    def num_batches(self):
        return self.batches.num_batches

    def __len__(self) -> int:
        return math.ceil(len(self.batches) / self.size)

    def __iter__(self):
        group = BatchGroup()
        for batch in self.batches:
            group.append(batch)
            if len(group) == self.size:
                yield group
                group = BatchGroup()
        if group:
            yield group


def group_data(batches, steps_per_execution: int):
    """`batches` itself for one step per execution, else grouped."""
    if steps_per_execution <= 1:
        return batches
    return StepGroups(batches, steps_per_execution)


def batch_range(batch, batch_idx: int, steps_per_execution: int) -> tuple[int, int]:
    """The indices of the first and last batch covered by Lightning step `batch_idx`."""
    if not isinstance(batch, BatchGroup):
        return batch_idx, batch_idx
    begin = batch_idx * steps_per_execution
    return begin, begin + len(batch) - 1
