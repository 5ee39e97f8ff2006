"""Approximate quantile summaries used by `Discretization.adapt()` (Keras's algorithm, in numpy).

A summary is a `(2, n)` float32 array: sorted sample values and the weight (number of
inputs) each one stands for. Summaries of batches are merged and compressed to at
most `1 / epsilon` points; bin boundaries are read off the cumulative weights.
"""

from __future__ import annotations

import numpy as np


def empty_summary() -> np.ndarray:
    return np.array([[], []], dtype="float32")


def summarize(values, epsilon: float) -> np.ndarray:
    """Every `len(values) * epsilon`-th sorted value, each weighted by that stride."""
    values = np.sort(np.reshape(values, [-1]))
    step = max(values.size / (1.0 / epsilon), 1)
    picked = values[int(step - 1) :: int(step)]
    return np.stack([picked, np.ones_like(picked) * step])


def compress_summary(summary: np.ndarray, epsilon: float) -> np.ndarray:
    """Resample `summary` at the cumulative-weight fractions `epsilon, 2 epsilon, ..., 1`."""
    if summary.shape[1] * epsilon < 1:
        return summary
    fractions = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    cumulative_fraction = cumulative / cumulative[-1]
    new_values = np.interp(fractions, cumulative_fraction, summary[0])
    new_cumulative = np.interp(fractions, cumulative_fraction, cumulative)
    new_weights = new_cumulative - np.concatenate((np.array([0]), new_cumulative[:-1]))
    return np.stack((new_values, new_weights)).astype("float32")


def merge_summaries(first: np.ndarray, second: np.ndarray, epsilon: float) -> np.ndarray:
    merged = np.concatenate((first, second), axis=1)
    merged = np.take(merged, np.argsort(merged[0]), axis=1)
    return compress_summary(merged, epsilon)


def bin_boundaries(summary: np.ndarray, num_bins: int) -> np.ndarray:
    """The `num_bins - 1` inner boundaries that split the summarised data into equal-weight bins."""
    return compress_summary(summary, 1.0 / num_bins)[0, :-1]
