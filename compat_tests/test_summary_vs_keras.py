"""`Model.summary()` prints the same text as Keras 3, character for character."""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kerasbridge as kb  # noqa: E402


@pytest.fixture(autouse=True, params=["200", "80"], ids=["wide", "narrow"])
def _console_width(request, monkeypatch):
    """Both the default line length and rich's width follow $COLUMNS off a terminal: fix it."""
    monkeypatch.setenv("COLUMNS", request.param)


def _both(build):
    """Build the same model with keras and with kerasbridge, from fresh automatic names."""
    keras.backend.clear_session(free_memory=False)
    reference = build(keras)
    kb.backend.clear_session(free_memory=False)
    ours = build(kb)
    return reference, ours


def _summary(model, **kwargs) -> str:
    calls = []
    model.summary(print_fn=calls.append, **kwargs)
    assert len(calls) == 1
    return calls[0]


def _assert_same_summary(reference, ours, **kwargs):
    expected = _summary(reference, **kwargs)
    actual = _summary(ours, **kwargs)
    assert actual == expected, f"kerasbridge:\n{actual}\nkeras:\n{expected}"


def _sequential_with_input(lib):
    return lib.Sequential(
        [
            lib.Input(shape=(4, 3)),
            lib.layers.Flatten(),
            lib.layers.Dense(16, activation="relu"),
            lib.layers.Dropout(0.5),
            lib.layers.Dense(8),
            lib.layers.Activation("tanh"),
            lib.layers.Dense(1, activation="sigmoid"),
        ],
        name="classifier",
    )


def _sequential_called_on_data(lib):
    model = lib.Sequential([lib.layers.Dense(5, activation="relu"), lib.layers.Dense(2)])
    model(np.zeros((3, 7), dtype="float32"))
    return model


def _unbuilt_sequential(lib):
    return lib.Sequential([lib.layers.Dense(5), lib.layers.Dropout(0.1), lib.layers.Dense(2)])


def _two_inputs_two_outputs(lib):
    left = lib.Input(shape=(6,), name="left")
    right = lib.Input(shape=(3,), name="right")
    a = lib.layers.Dense(8, activation="relu", name="left_dense")(left)
    b = lib.layers.Dense(4, name="right_dense")(right)
    merged = lib.layers.Concatenate()([a, b])
    hidden = lib.layers.Dense(12, activation="relu")(merged)
    score = lib.layers.Dense(1, name="score")(hidden)
    classes = lib.layers.Dense(3, activation="softmax", name="classes")(hidden)
    return lib.Model(inputs=[left, right], outputs=[score, classes])


def _nested(lib):
    block = lib.Sequential(
        [lib.Input(shape=(10,)), lib.layers.Dense(6, activation="relu"), lib.layers.Dense(4)], name="block"
    )
    inputs = lib.Input(shape=(10,))
    x = block(inputs)
    x = lib.layers.Dropout(0.2)(x)
    outputs = lib.layers.Dense(1)(x)
    return lib.Model(inputs, outputs, name="outer")


def _frozen(lib):
    inputs = lib.Input(shape=(5,))
    x = lib.layers.Dense(7, name="frozen")(inputs)
    x = lib.layers.Activation("relu")(x)
    outputs = lib.layers.Dense(2)(x)
    model = lib.Model(inputs, outputs)
    model.get_layer("frozen").trainable = False
    return model


def _ops_graph(lib):
    a = lib.Input(shape=(4,))
    b = lib.Input(shape=(4,))
    x = lib.layers.Dense(4)(a)
    return lib.Model([a, b], x + b)


@pytest.mark.parametrize(
    "build",
    [_sequential_with_input, _sequential_called_on_data, _unbuilt_sequential, _two_inputs_two_outputs, _nested,
     _frozen],
    ids=lambda f: f.__name__.strip("_"),
)
def test_default_summary_matches(build):
    _assert_same_summary(*_both(build))


def test_nested_model_expanded_matches():
    _assert_same_summary(*_both(_nested), expand_nested=True)


def test_nested_model_expanded_with_trainable_column_matches():
    reference, ours = _both(_nested)
    reference.get_layer("block").trainable = False
    ours.get_layer("block").trainable = False
    _assert_same_summary(reference, ours, expand_nested=True, show_trainable=True)


def test_show_trainable_with_frozen_layer_matches():
    _assert_same_summary(*_both(_frozen), show_trainable=True)


def test_show_trainable_on_sequential_matches():
    _assert_same_summary(*_both(_sequential_with_input), show_trainable=True)


def test_connected_to_with_trainable_column_matches():
    _assert_same_summary(*_both(_two_inputs_two_outputs), show_trainable=True)


@pytest.mark.parametrize("line_length", [60, 100, 140])
def test_line_length_matches(line_length):
    _assert_same_summary(*_both(_two_inputs_two_outputs), line_length=line_length)


def test_positions_match():
    _assert_same_summary(*_both(_sequential_with_input), line_length=90, positions=[0.5, 0.7, 1.0])


def test_layer_range_matches():
    _assert_same_summary(*_both(_sequential_with_input), layer_range=["dense", "dropout"])


def test_layer_range_regex_on_functional_matches():
    _assert_same_summary(*_both(_two_inputs_two_outputs), layer_range=["left_dense", "concat.*"])


def test_symbolic_op_row_matches():
    if not hasattr(kb.ops, "add"):
        pytest.skip("kerasbridge.ops.add is not available yet")
    _assert_same_summary(*_both(_ops_graph))


def _shared_layer(lib):
    a = lib.Input(shape=(4,), name="a")
    b = lib.Input(shape=(4,), name="b")
    shared = lib.layers.Dense(3, name="shared")
    merged = lib.layers.Concatenate()([shared(a), shared(b)])
    return lib.Model([a, b], merged)


def _shared_in_chain(lib):
    inputs = lib.Input(shape=(4,))
    shared = lib.layers.Dense(4, name="shared")
    return lib.Model(inputs, shared(shared(inputs)))


class _TwoOutputs:
    """`build(lib)` for a model with a custom layer that returns two tensors."""

    def __call__(self, lib):
        class Split(lib.layers.Layer):
            def call(self, x):
                return [x[:, :2], x[:, 2:]]

        inputs = lib.Input(shape=(5,))
        first, second = Split()(inputs)
        return lib.Model(inputs, [lib.layers.Dense(2)(first), second])


@pytest.mark.parametrize("build", [_shared_layer, _shared_in_chain, _TwoOutputs()],
                         ids=["shared_branches", "shared_chain", "two_output_layer"])
def test_graph_shapes_match(build):
    _assert_same_summary(*_both(build))


class _Subclassed:
    """`build(lib)` for a subclassed model called on data."""

    def __call__(self, lib):
        class TwoDense(lib.Model):
            def __init__(self):
                super().__init__(name="two_dense")
                self.hidden = lib.layers.Dense(3, activation="relu")
                self.out = lib.layers.Dense(2)

            def call(self, x):
                return self.out(self.hidden(x))

        model = TwoDense()
        model(np.zeros((2, 4), dtype="float32"))
        return model


def test_subclassed_model_matches():
    _assert_same_summary(*_both(_Subclassed()))


def test_compiled_model_matches():
    reference, ours = _both(_frozen)
    if "compile" not in vars(kb.Model):
        pytest.skip("Model.compile is not available yet")
    reference.compile(optimizer="adam", loss="mse")
    ours.compile(optimizer="adam", loss="mse")
    _assert_same_summary(reference, ours)
