"""`PyDataset`: a Python-defined source of batches, optionally prefetched by worker threads or processes."""

from __future__ import annotations

import collections
import concurrent.futures
import multiprocessing
import random


class PyDataset:
    """Base class for datasets that produce whole batches from Python code.

    Subclasses implement `__getitem__(index)` returning a batch (`x`, `(x, y)` or
    `(x, y, sample_weight)`) and `__len__()` (or the `num_batches` property), and may
    override `on_epoch_end()`.

    Args:
        workers: Number of workers preparing batches ahead of time (1: in the main thread).
        use_multiprocessing: Use processes instead of threads (the dataset must be picklable).
        max_queue_size: How many batches may be prepared ahead.
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10):
        self._workers = int(workers)
        self._use_multiprocessing = bool(use_multiprocessing)
        self._max_queue_size = int(max_queue_size)

    @property
    def workers(self) -> int:
        return getattr(self, "_workers", 1)

    @property
    def use_multiprocessing(self) -> bool:
        return getattr(self, "_use_multiprocessing", False)

    @property
    def max_queue_size(self) -> int:
        return getattr(self, "_max_queue_size", 10)

    def __getitem__(self, index):
        raise TypeError(f"{type(self).__name__} must implement `__getitem__(index)` returning one batch.")

    @property
    def num_batches(self) -> int | None:
        """The number of batches per epoch (`len(self)` when defined)."""
        if hasattr(type(self), "__len__"):
            return len(self)
        return None

    def on_epoch_end(self) -> None:
        """Called at the end of every epoch (e.g. to reshuffle)."""

    def iterate(self, shuffle: bool = False):
        """Yield the epoch's batches in order (or shuffled), prefetching with the configured workers."""
        count = self.num_batches
        if count is None:
            indices = _count_forever()
        else:
            indices = list(range(count))
            if shuffle:
                random.shuffle(indices)
        if self.workers <= 1 and not self.use_multiprocessing:
            for index in indices:
                try:
                    yield self[index]
                except IndexError:
                    if count is None:
                        return
                    raise
            return
        yield from self._prefetched(iter(indices))

    def _prefetched(self, indices):
        if self.use_multiprocessing:
            executor = concurrent.futures.ProcessPoolExecutor(
                max_workers=max(1, self.workers), mp_context=multiprocessing.get_context("fork")
            )
        else:
            executor = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, self.workers))
        pending: collections.deque = collections.deque()
        try:
            for index in indices:
                pending.append(executor.submit(self.__getitem__, index))
                if len(pending) >= self.max_queue_size:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
            executor.shutdown(wait=False, cancel_futures=True)


def _count_forever():
    index = 0
    while True:
        yield index
        index += 1
