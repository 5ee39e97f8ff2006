"""Table-driven sweep of every layer class against Keras 3 (torch backend), like Keras's run_layer_test.

For each row of layer_sweep_table.ROWS the same layer is built in keras and in kerasbridge on the
same inputs, Keras's weights are copied over, and the sweep compares: weight names, shapes, order and
trainability; `count_params` and the automatic name; outputs (and output masks) with
`training=False`, and with `training=True` where that is deterministic; `compute_output_shape` and
the symbolic output shape; `get_config()`, the serialized dict and the `from_config` round trip; and
one SGD step (input gradients and updated weights).
"""

import contextlib
import inspect
import os
import zlib

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from harness import (  # noqa: E402
    TRAINED_WEIGHTS_ATOL,
    TRAINED_WEIGHTS_RTOL,
    assert_allclose,
    assert_configs_match,
    assert_counts_and_names_match,
    assert_masks_match,
    assert_outputs_match,
    assert_serialized_match,
    assert_weight_layout_matches,
    clear_sessions,
    copy_weights_across,
    gradient_step,
    normalize_config,
    symbolic_output_shapes,
    to_numpy,
    to_torch,
)
from layer_sweep_table import KERAS_CLASSES_WITHOUT_ROW, KNOWN_MISMATCHES, ROWS, Per  # noqa: E402

import kerasbridge  # noqa: E402

# kerasbridge.layers classes with no row, and why. Every other exported layer class must have one.
BRIDGE_CLASSES_WITHOUT_ROW = {
    "Layer": "the abstract base class; every row exercises it",
    "InputLayer": "not called on tensors; covered by compat_tests/models",
    "Wrapper": "abstract base class (no call); compared in test_layer_gaps_vs_keras.py",
    "StringLookup": "string inputs; Keras needs TensorFlow for it, so there is no oracle here",
    "TextVectorization": "string inputs; Keras needs TensorFlow for it, so there is no oracle here",
}


@contextlib.contextmanager
def _known_mismatch(row, check):
    """Turns a failure of a check listed in KNOWN_MISMATCHES into an xfail with its reason."""
    try:
        yield
    except (AssertionError, ValueError):  # ValueError: e.g. a from_config that refuses safe mode, as Keras's does
        reason = KNOWN_MISMATCHES.get((row.id, check))
        if reason:
            pytest.xfail(f"known mismatch: {reason}")
        raise


@pytest.fixture(autouse=True)
def _fresh_sessions():
    clear_sessions()


def _resolve(value, lib):
    if isinstance(value, Per):
        return value.make(lib)
    if isinstance(value, dict):
        return {key: _resolve(item, lib) for key, item in value.items()}
    return value


def _make(lib, row):
    return getattr(lib.layers, row.layer)(**_resolve(row.kwargs, lib))


def _arrays(row):
    rng = np.random.default_rng(zlib.crc32(row.id.encode()))
    arrays = []
    for shape in row.shapes:
        if row.kind.startswith("ints"):
            high = int(row.kind.split(":")[1])
            values = rng.integers(0, high, size=shape).astype("int32")
            if row.kind.startswith("ints_pad"):
                values[:, -2:] = 0
            arrays.append(values if row.layer != "Masking" else values.astype("float32"))
        elif row.kind == "image":
            arrays.append(rng.uniform(0, 255, size=shape).astype("float32"))
        elif row.kind == "positive":
            arrays.append(rng.uniform(0.1, 2, size=shape).astype("float32"))
        else:
            arrays.append(rng.standard_normal(shape).astype("float32"))
    mask = None
    if row.mask:
        mask = rng.integers(0, 2, size=row.shapes[0][:2]).astype(bool)
        mask[:, 0] = True
    return arrays, mask


def _tensors(arrays, mask):
    tensors = [to_torch(array) for array in arrays]
    if mask is not None:
        tensors[0]._keras_mask = to_torch(mask)
    return tensors


def _call(layer, tensors, row, **kwargs):
    if row.call == "list":
        return layer(tensors, **kwargs)
    if row.call == "args":
        return layer(*tensors, **kwargs)
    return layer(tensors[0], **kwargs)


def _pair(row):
    """The keras and kerasbridge layers of a row, both built on the row's inputs, weights copied."""
    if not hasattr(kerasbridge.layers, row.layer):
        pytest.skip(f"kerasbridge.layers has no {row.layer} yet")
    arrays, mask = _arrays(row)
    keras.utils.clear_session(free_memory=False)
    try:
        keras_layer = _make(keras, row)
        _call(keras_layer, _tensors(arrays, mask), row)
    except ImportError as error:  # Keras implements a few layers with TensorFlow only
        pytest.skip(f"keras's {row.layer} needs a missing package: {error}")
    kerasbridge.utils.clear_session(free_memory=False)
    bridge_layer = _make(kerasbridge, row)
    _call(bridge_layer, _tensors(arrays, mask), row)
    copy_weights_across(keras_layer, bridge_layer)
    return keras_layer, bridge_layer, arrays, mask


def _output_shapes(layer, row):
    shapes = list(row.shapes)
    if row.call == "list":
        return layer.compute_output_shape(shapes)
    if row.call == "args":
        return layer.compute_output_shape(*shapes)
    return layer.compute_output_shape(shapes[0])


def _covered_classes():
    return {row.layer for row in ROWS} | {name for row in ROWS for name in row.covers}


def _layer_classes(module, base):
    return {
        name for name in dir(module)
        if not name.startswith("_") and inspect.isclass(getattr(module, name))
        and issubclass(getattr(module, name), base)
    }


def test_every_exported_kerasbridge_layer_has_a_row():
    exported = _layer_classes(kerasbridge.layers, kerasbridge.layers.Layer)
    without = exported - _covered_classes() - set(BRIDGE_CLASSES_WITHOUT_ROW)
    assert not without, f"add rows to layer_sweep_table.py (or an explained exclusion) for {sorted(without)}"


def test_every_keras_layer_class_has_a_row():
    keras_classes = {n for n in dir(keras.layers) if inspect.isclass(getattr(keras.layers, n))}
    without = keras_classes - _covered_classes() - set(KERAS_CLASSES_WITHOUT_ROW)
    assert not without, f"add rows to layer_sweep_table.py for {sorted(without)}"


def test_kerasbridge_extensions_are_listed():
    """A kerasbridge layer that Keras does not have is an extension: it can only be listed, not compared."""
    extensions = _layer_classes(kerasbridge.layers, kerasbridge.layers.Layer) - set(dir(keras.layers))
    assert extensions <= set(BRIDGE_CLASSES_WITHOUT_ROW), f"undocumented extensions {sorted(extensions)}"


def test_known_mismatches_name_existing_rows_and_checks():
    row_ids = {row.id for row in ROWS}
    for row_id, check in KNOWN_MISMATCHES:
        assert row_id in row_ids, f"KNOWN_MISMATCHES names no row {row_id!r}"
        assert check in {"forward", "shapes", "config", "training"}, check


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_forward_matches_keras(row):
    keras_layer, bridge_layer, arrays, mask = _pair(row)
    with _known_mismatch(row, "forward"):
        _check_forward(row, keras_layer, bridge_layer, arrays, mask)


def _check_forward(row, keras_layer, bridge_layer, arrays, mask):
    assert_weight_layout_matches(keras_layer, bridge_layer)
    assert_counts_and_names_match(keras_layer, bridge_layer)
    for training in (False, True):
        keras_out = _call(keras_layer, _tensors(arrays, mask), row, training=training)
        bridge_out = _call(bridge_layer, _tensors(arrays, mask), row, training=training)
        if training and row.random_in_training:
            assert_allclose(
                keras.tree.map_structure(lambda t: tuple(t.shape), bridge_out),
                keras.tree.map_structure(lambda t: tuple(t.shape), keras_out), what="training output shape",
            )
            continue
        assert_outputs_match(keras_out, bridge_out)
        for keras_item, bridge_item in zip(keras.tree.flatten(keras_out), keras.tree.flatten(bridge_out)):
            assert_masks_match(keras_item, bridge_item)
    # state updated by training=True calls (BatchNormalization's moving statistics, ...)
    assert_allclose(bridge_layer.get_weights(), keras_layer.get_weights(), what="weights after calls")


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_output_shapes_match_keras(row):
    keras_layer, bridge_layer, _, _ = _pair(row)
    with _known_mismatch(row, "shapes"):
        _check_output_shapes(row, keras_layer, bridge_layer)


def _check_output_shapes(row, keras_layer, bridge_layer):
    try:
        expected = _output_shapes(keras_layer, row)
    except (NotImplementedError, ValueError, TypeError, AttributeError):
        expected = None  # Keras cannot say; the symbolic call below still compares shapes
    if expected is not None:
        assert normalize_config(_output_shapes(bridge_layer, row)) == normalize_config(expected)
    dtypes = ["int32" if row.kind.startswith("ints") and row.layer != "Masking" else None] * len(row.shapes)
    if row.call == "args":
        return  # symbolic calls with positional tensors are covered by the attention tests
    clear_sessions()
    expected = symbolic_output_shapes(keras, _make(keras, row), row.shapes, dtypes)
    assert symbolic_output_shapes(kerasbridge, _make(kerasbridge, row), row.shapes, dtypes) == expected


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_config_matches_keras_and_round_trips(row):
    keras_layer, bridge_layer, _, _ = _pair(row)
    with _known_mismatch(row, "config"):
        _check_config(keras_layer, bridge_layer)


def _check_config(keras_layer, bridge_layer):
    keras_config = keras_layer.get_config()
    assert_configs_match(keras_config, bridge_layer.get_config())
    assert_serialized_match(keras_layer, bridge_layer)
    bridge_class = type(bridge_layer)
    rebuilt = bridge_class.from_config(bridge_layer.get_config())
    assert_configs_match(keras_config, rebuilt.get_config())
    from_keras = bridge_class.from_config(keras_layer.get_config())
    assert_configs_match(keras_config, from_keras.get_config())


TRAINABLE_ROWS = [r for r in ROWS if r.train]


@pytest.mark.parametrize("row", TRAINABLE_ROWS, ids=[r.id for r in TRAINABLE_ROWS])
def test_one_training_step_matches_keras(row):
    keras_layer, bridge_layer, arrays, _ = _pair(row)
    with _known_mismatch(row, "training"):
        _check_training_step(row, keras_layer, bridge_layer, arrays)


def _check_training_step(row, keras_layer, bridge_layer, arrays):
    inputs = arrays if row.call != "single" else arrays[:1]
    if row.call == "args":
        keras_layer, bridge_layer = _Positional(keras_layer), _Positional(bridge_layer)
    keras_grads = gradient_step(keras, keras_layer, inputs)
    bridge_grads = gradient_step(kerasbridge, bridge_layer, inputs)
    assert_allclose(bridge_grads, keras_grads, atol=1e-5, rtol=1e-4, what="input gradients")
    assert_allclose(bridge_layer.get_weights(), keras_layer.get_weights(), atol=TRAINED_WEIGHTS_ATOL,
                    rtol=TRAINED_WEIGHTS_RTOL, what="weights after one SGD step")


class _Positional:
    """Calls a layer that takes positional tensors (query, value) with a list, for gradient_step."""

    def __init__(self, layer):
        self.layer = layer
        self.losses = layer.losses
        self.trainable_weights = layer.trainable_weights
        self.get_weights = layer.get_weights

    def __call__(self, tensors, **kwargs):
        return self.layer(*tensors, **kwargs)


def test_masked_embedding_mask_reaches_the_output():
    """A row-independent check that the sweep's mask comparison can fail: Embedding(mask_zero) sets one."""
    row = next(r for r in ROWS if r.id == "Embedding-mask_zero")
    keras_layer, bridge_layer, arrays, _ = _pair(row)
    bridge_out = bridge_layer(to_torch(arrays[0]))
    mask = getattr(bridge_out, "_keras_mask", None)
    assert mask is not None
    np.testing.assert_array_equal(to_numpy(mask), arrays[0] != 0)
    assert torch.is_tensor(keras_layer(to_torch(arrays[0]))._keras_mask)
