"""`keras.utils.timeseries_dataset_from_array`, validated as Keras validates, served as a `PyDataset`."""

from __future__ import annotations

import numpy as np

from kerasbridge.utils.timeseries_dataset import TimeseriesDataset


def _validate(data, start_index, end_index, sampling_rate, sequence_stride, format):
    n = len(data)
    if start_index:
        if start_index < 0:
            raise ValueError(f"`start_index` must be 0 or greater. Received: start_index={start_index}")
        if start_index >= n:
            raise ValueError("`start_index` must be lower than the length of the data. Received: "
                             f"start_index={start_index}, for data of length {n}")
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError("`end_index` must be higher than `start_index`. Received: "
                             f"start_index={start_index}, and end_index={end_index} ")
        if end_index >= n:
            raise ValueError("`end_index` must be lower than the length of the data. Received: "
                             f"end_index={end_index}, for data of length {n}")
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: end_index={end_index}")
    for name, value in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if value <= 0:
            raise ValueError(f"`{name}` must be higher than 0. Received: {name}={value}")
        if value >= n:
            raise ValueError(f"`{name}` must be lower than the length of the data. Received: {name}={value}, "
                             f"for data of length {n}")
    if format not in ("tf", "grain"):
        raise ValueError(f'`format` should be either "tf" or "grain". Received: format={format}')


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1,
                                  batch_size=128, shuffle=False, seed=None, start_index=None, end_index=None,
                                  format="tf"):
    """Sliding windows over a timeseries array, batched.

    Keras 3 returns a `tf.data.Dataset` (or a grain dataset) here and needs TensorFlow for it;
    kerasbridge returns a `PyDataset` with the same windows and batches, whatever `format` says.

    Args:
        data: Array of timesteps (axis 0 is time).
        targets: Targets; `targets[i]` goes with the window starting at `data[i]`. `None` for no targets.
        sequence_length: Timesteps per window.
        sequence_stride: Offset between the starts of consecutive windows.
        sampling_rate: Step between timesteps inside a window.
        batch_size: Windows per batch, or `None` for single windows.
        shuffle: Shuffle the window order (NumPy `RandomState(seed)`, as Keras).
        seed: Seed for the shuffle.
        start_index: First timestep used (inclusive).
        end_index: Last timestep used (exclusive).
        format: `"tf"` or `"grain"` (accepted for compatibility).

    Returns:
        A `TimeseriesDataset` yielding `windows` or `(windows, targets)` batches as NumPy arrays.
    """
    _validate(data, start_index, end_index, sampling_rate, sequence_stride, format)
    start_index = start_index or 0
    end_index = len(data) if end_index is None else end_index
    num_sequences = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_sequences = min(num_sequences, len(targets))
    index_dtype = "int32" if num_sequences < 2147483647 else "int64"
    start_positions = np.arange(0, max(num_sequences, 0), sequence_stride, dtype=index_dtype)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(start_positions)
    data = np.asarray(data)[start_index:end_index]
    targets = None if targets is None else np.asarray(targets)[start_index:end_index]
    return TimeseriesDataset(data, targets, start_positions, sequence_length, sampling_rate, batch_size)
