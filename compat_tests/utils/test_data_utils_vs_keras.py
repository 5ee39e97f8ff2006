"""Differential tests: keras.utils data helpers (split_dataset, timeseries windows, PyDataset, Progbar, Config, ...)."""

import contextlib
import io
import os
import re

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge  # noqa: E402

LIBS = (keras, kerasbridge)
DATA = np.arange(40, dtype="float32").reshape(20, 2)
LABELS = np.arange(20) % 3


def _rows(subset):
    return [tuple(np.asarray(t).tolist() for t in item) for item in subset]


@pytest.mark.parametrize("dataset,kwargs", [
    (DATA, {"left_size": 0.25}),
    (DATA, {"right_size": 5}),
    ((DATA, LABELS), {"left_size": 12, "right_size": 8}),
    ([DATA, LABELS], {"left_size": 0.5, "shuffle": True, "seed": 7}),
    (torch.utils.data.TensorDataset(torch.tensor(DATA)), {"left_size": 0.8, "shuffle": True, "seed": 1}),
], ids=["array_fraction", "array_right_count", "tuple_counts", "list_shuffled", "torch_dataset"])
def test_split_dataset_matches_keras(dataset, kwargs):
    splits = []
    for lib in LIBS:
        torch.manual_seed(0)  # Keras's torch path draws the split order from torch's global generator
        left, right = lib.utils.split_dataset(dataset, **kwargs)
        splits.append((type(left).__name__, _rows(left), _rows(right)))
    assert splits[0] == splits[1]


@pytest.mark.parametrize("kwargs", [{}, {"left_size": 1.5}, {"left_size": 0.9, "right_size": 0.5},
                                    {"left_size": "half"}, {"left_size": 25}])
def test_split_dataset_rejects_like_keras(kwargs):
    for lib in LIBS:
        with pytest.raises((ValueError, TypeError)) as caught:
            lib.utils.split_dataset(DATA, **kwargs)
        if lib is keras:
            expected = (type(caught.value), str(caught.value))
        else:
            assert (type(caught.value), str(caught.value)) == expected


def _reference_windows(data, targets, length, stride, rate, start, end):
    """Windows computed directly from the definition Keras documents (no TensorFlow needed)."""
    end = len(data) if end is None else end
    count = end - start - (length - 1) * rate
    if targets is not None:
        count = min(count, len(targets))
    starts = range(0, count, stride)
    windows = [data[start + s: start + s + length * rate: rate] for s in starts]
    labels = None if targets is None else [targets[start + s] for s in starts]
    return np.array(windows), None if labels is None else np.array(labels)


@pytest.mark.parametrize("kwargs", [
    {"sequence_length": 4, "batch_size": 3},
    {"sequence_length": 3, "sequence_stride": 2, "sampling_rate": 2, "batch_size": 4},
    {"sequence_length": 5, "start_index": 2, "end_index": 17, "batch_size": 100},
    {"sequence_length": 2, "batch_size": None},
], ids=["basic", "stride_rate", "start_end", "unbatched"])
@pytest.mark.parametrize("with_targets", [True, False], ids=["targets", "no_targets"])
def test_timeseries_dataset_windows(kwargs, with_targets):
    targets = LABELS if with_targets else None
    # Keras 3 builds a tf.data pipeline here and raises ImportError without TensorFlow; kerasbridge
    # serves the same windows from a PyDataset, checked against the documented definition.
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="tensorflow"):
            keras.utils.timeseries_dataset_from_array(DATA, targets, **kwargs)
    dataset = kerasbridge.utils.timeseries_dataset_from_array(DATA, targets, **kwargs)
    batches = list(dataset)
    if kwargs.get("batch_size") is None:
        batches = [tuple(np.expand_dims(part, 0) for part in b) if with_targets else b[None] for b in batches]
    windows = np.concatenate([b[0] if with_targets else b for b in batches])
    expected_windows, expected_labels = _reference_windows(
        DATA, targets, kwargs["sequence_length"], kwargs.get("sequence_stride", 1), kwargs.get("sampling_rate", 1),
        kwargs.get("start_index", 0), kwargs.get("end_index"))
    np.testing.assert_array_equal(windows, expected_windows)
    if with_targets:
        np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), expected_labels)
    if kwargs.get("batch_size"):
        assert all(len(b[0] if with_targets else b) <= kwargs["batch_size"] for b in batches)


def test_timeseries_dataset_shuffle_uses_keras_seeded_order_and_validates():
    dataset = kerasbridge.utils.timeseries_dataset_from_array(DATA, LABELS, 3, batch_size=None, shuffle=True, seed=5)
    starts = np.arange(18, dtype="int32")
    np.random.RandomState(5).shuffle(starts)  # Keras's start-position shuffle
    np.testing.assert_array_equal([label for _, label in dataset], LABELS[starts])
    for bad in ({"sampling_rate": 0}, {"sequence_stride": 50}, {"start_index": -1}, {"format": "numpy"}):
        for lib in LIBS:
            with pytest.raises(ValueError) as caught:
                lib.utils.timeseries_dataset_from_array(DATA, None, 3, **bad)
            if lib is keras:
                message = str(caught.value)
            else:
                assert str(caught.value) == message


def test_pydataset_and_sequence_train_alike():
    histories = []
    for lib in LIBS:
        class Batches(lib.utils.PyDataset):
            def __len__(self):
                return 4

            def __getitem__(self, index):
                return DATA[index * 5:(index + 1) * 5], DATA[index * 5:(index + 1) * 5, :1]

        assert lib.utils.Sequence is lib.utils.PyDataset
        model = lib.Sequential([lib.Input((2,)), lib.layers.Dense(1, kernel_initializer="ones")])
        model.compile(optimizer=lib.optimizers.SGD(1e-4), loss="mse")
        histories.append(model.fit(Batches(), epochs=2, verbose=0, shuffle=False).history["loss"])
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-5)


def test_pack_and_unpack_x_y_sample_weight_match():
    for args in [(1,), (1, 2), (1, 2, 3), (1, None, 3)]:
        assert kerasbridge.utils.pack_x_y_sample_weight(*args) == keras.utils.pack_x_y_sample_weight(*args)
    for data in [1, (1,), (1, 2), (1, 2, 3), [1, 2]]:
        assert kerasbridge.utils.unpack_x_y_sample_weight(data) == keras.utils.unpack_x_y_sample_weight(data)


def _progbar_text(lib, verbose):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        bar = lib.utils.Progbar(4, verbose=verbose, stateful_metrics=["acc"])
        bar.update(1, [("loss", 1.0), ("acc", 0.5)])
        bar.update(4, [("loss", 3.0), ("acc", 0.75)], finalize=True)
    text = re.sub(r"\d+(\.\d+)?(us|ms|s)(/step)?", "T", buffer.getvalue())
    return text[text.rfind("\r") + 1:] if "\r" in text else text, bar._values


@pytest.mark.parametrize("verbose", [1, 2])
def test_progbar_prints_like_keras(verbose):
    assert _progbar_text(kerasbridge, verbose) == _progbar_text(keras, verbose)


def test_config_object_behaves_like_keras():
    results = []
    for lib in LIBS:
        config = lib.utils.Config(learning_rate=0.1, layers=[1, 2])
        config.momentum = 0.9
        config["decay"] = 1e-4
        trace = [config.learning_rate, config["momentum"], sorted(config.keys()), len(config), "decay" in config,
                 config.get("missing", "default"), config.to_json(), config.as_dict(), repr(config)]
        config.freeze()
        for mutate in (lambda c=config: setattr(c, "x", 1), lambda c=config: c.update(x=1),
                       lambda c=config: c.pop("decay")):
            with pytest.raises(ValueError, match="frozen"):
                mutate()
        config.unfreeze()
        trace.append(config.pop("decay"))
        with pytest.raises(AttributeError, match="Unknown attribute"):
            _ = config.nothing
        results.append(trace)
    assert results[0] == results[1]


def test_get_source_inputs_and_is_keras_tensor_match():
    results = []
    for lib in LIBS:
        a, b = lib.Input((2,), name="a"), lib.Input((2,), name="b")
        out = lib.layers.Dense(1)(lib.layers.Concatenate()([a, lib.layers.Dense(2)(b)]))
        sources = lib.utils.get_source_inputs(out)
        results.append(([x.name for x in sources], [x.name for x in lib.utils.get_source_inputs(a)],
                        lib.utils.is_keras_tensor(out), lib.utils.is_keras_tensor(np.ones(2)),
                        lib.utils.get_source_inputs(3)))
    assert results[0] == results[1]


def test_standardize_dtype_and_interactive_logging_match():
    for value in ["float32", "int", float, bool, np.int16, torch.float64, None]:
        assert kerasbridge.utils.standardize_dtype(value) == keras.utils.standardize_dtype(value)
    states = []
    for lib in LIBS:
        lib.utils.disable_interactive_logging()
        off = lib.utils.is_interactive_logging_enabled()
        lib.utils.enable_interactive_logging()
        states.append((off, lib.utils.is_interactive_logging_enabled()))
    assert states[0] == states[1] == (False, True)


def test_set_random_seed_and_clear_session_match():
    draws = []
    for lib in LIBS:
        lib.utils.clear_session(free_memory=False)
        lib.utils.set_random_seed(11)
        draws.append((np.asarray(lib.random.normal((3,))).tolist(), np.random.rand(), float(torch.rand(1)),
                      lib.layers.Dense(2).name))
    assert draws[0] == draws[1]
