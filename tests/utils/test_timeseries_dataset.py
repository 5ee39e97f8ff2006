"""Unit tests for kerasbridge.utils.timeseries_dataset: batches, indexing and training on the windows."""

import numpy as np
import pytest

import kerasbridge
from kerasbridge.utils.timeseries_dataset import TimeseriesDataset


def test_batches_cover_every_window_once():
    data = np.arange(10)
    dataset = kerasbridge.utils.timeseries_dataset_from_array(data, None, sequence_length=3, batch_size=4)
    assert isinstance(dataset, TimeseriesDataset)
    assert len(dataset) == 2
    windows = np.concatenate(list(dataset))
    np.testing.assert_array_equal(windows, np.stack([data[i:i + 3] for i in range(8)]))


def test_index_out_of_range_raises_index_error():
    dataset = kerasbridge.utils.timeseries_dataset_from_array(np.arange(6), None, 2, batch_size=10)
    with pytest.raises(IndexError, match="out of range"):
        dataset[1]


def test_fit_accepts_the_dataset():
    x = np.random.default_rng(0).standard_normal((30, 2)).astype("float32")
    y = x[:, :1]
    dataset = kerasbridge.utils.timeseries_dataset_from_array(x, y, sequence_length=4, batch_size=8)
    model = kerasbridge.Sequential([kerasbridge.Input((4, 2)), kerasbridge.layers.Flatten(),
                                    kerasbridge.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(dataset, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
