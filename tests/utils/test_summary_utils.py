"""Tests for `kerasbridge.utils.summary_utils` and `Model.summary()`."""

from __future__ import annotations

import logging
import types

import numpy as np
import pytest
import torch

import kerasbridge as kb
from kerasbridge.utils import summary_utils


class Linear(kb.Layer):
    """A small dense layer, so that these tests depend only on the Layer base."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, x):
        return torch.matmul(x, self.kernel.value) + self.bias.value


class Counter(kb.Layer):
    """A layer with one non-trainable int64 weight and no trainable one."""

    def build(self, input_shape):
        self.count = self.add_weight(shape=(), dtype="int64", initializer="zeros", trainable=False, name="count")

    def call(self, x):
        return x


def _weights(*specs):
    return [types.SimpleNamespace(shape=shape, dtype=dtype) for shape, dtype in specs]


def _capture(model, **kwargs) -> str:
    calls = []
    model.summary(print_fn=calls.append, **kwargs)
    assert len(calls) == 1
    return calls[0]


@pytest.fixture(autouse=True)
def _fresh_names_and_wide_console(monkeypatch):
    # Both the default line length and rich's console width follow $COLUMNS when not on a terminal.
    monkeypatch.setenv("COLUMNS", "200")
    kb.backend.clear_session(free_memory=False)


@pytest.fixture
def model():
    inputs = kb.Input(shape=(4,))
    hidden = Linear(5)(inputs)
    outputs = Linear(2)(hidden)
    return kb.Model(inputs, outputs, name="two_linear")


def test_count_params_sums_elements():
    assert summary_utils.count_params(_weights(((4, 5), "float32"), ((5,), "float32"), ((), "int64"))) == 26


def test_weight_memory_size_uses_dtype_width():
    weights = _weights(((4, 5), "float32"), ((3,), "float16"), ((2,), "int64"), ((8,), "bool"))
    assert summary_utils.weight_memory_size(weights) == 20 * 4 + 3 * 2 + 2 * 8 + 1


def test_weight_memory_size_counts_shared_variable_once():
    (weight,) = _weights(((10,), "float32"))
    assert summary_utils.weight_memory_size([weight, weight]) == 40


def test_weight_memory_size_rejects_unknown_dtype():
    with pytest.raises(ValueError, match="Invalid dtype"):
        summary_utils.weight_memory_size(_weights(((1,), "string")))


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0.00 B"), (140, "140.00 B"), (1023, "1023.00 B"), (1536, "1.50 KB"), (3 * 1024**2, "3.00 MB")],
)
def test_readable_memory_size(size, text):
    assert summary_utils.readable_memory_size(size) == text


def test_totals_lines_give_counts_and_bytes(model):
    text = _capture(model)
    lines = text.splitlines()
    assert lines[0] == 'Model: "two_linear"'
    assert lines[-3:] == [
        " Total params: 37 (148.00 B)",
        " Trainable params: 37 (148.00 B)",
        " Non-trainable params: 0 (0.00 B)",
    ]


def test_non_trainable_weights_are_counted_separately():
    inputs = kb.Input(shape=(3,))
    outputs = Counter()(Linear(2)(inputs))
    text = _capture(kb.Model(inputs, outputs))
    assert " Total params: 9 (40.00 B)" in text
    assert " Trainable params: 8 (32.00 B)" in text
    assert " Non-trainable params: 1 (8.00 B)" in text


def test_rows_show_names_classes_shapes_and_params(model):
    text = _capture(model, line_length=80)
    rows = [line for line in text.splitlines() if line.startswith("│")]
    cells = [[cell.strip() for cell in row.strip("│").split("│")] for row in rows]
    assert cells == [
        ["input_layer (InputLayer)", "(None, 4)", "0"],
        ["linear (Linear)", "(None, 5)", "25"],
        ["linear_1 (Linear)", "(None, 2)", "12"],
    ]


def test_default_line_length_is_88_without_connections(model):
    text = _capture(model)
    assert len(text.splitlines()[1]) == 88


def test_default_line_length_is_capped_by_terminal_width(model, monkeypatch):
    monkeypatch.setenv("COLUMNS", "70")
    text = _capture(model)
    assert len(text.splitlines()[1]) == 66


def test_show_trainable_widens_default_line_length(model):
    text = _capture(model, show_trainable=True)
    assert len(text.splitlines()[1]) == 100


def test_print_fn_receives_one_uncoloured_string_of_line_length(model):
    text = _capture(model, line_length=70)
    assert text.endswith("\n")
    assert "\x1b[" not in text
    table_lines = [line for line in text.splitlines() if line[:1] in "┏┃┡│├└"]
    assert table_lines and all(len(line) == 70 for line in table_lines)


def test_unbuilt_sequential_shows_question_marks_and_unbuilt():
    model = kb.Sequential([Linear(3), Linear(1)], name="lazy")
    text = _capture(model, line_length=80)
    rows = [[c.strip() for c in line.strip("│").split("│")] for line in text.splitlines() if line.startswith("│")]
    assert rows == [["linear (Linear)", "?", "0 (unbuilt)"], ["linear_1 (Linear)", "?", "0 (unbuilt)"]]
    assert " Total params: 0 (0.00 B)" in text


def test_sequential_called_on_data_shows_shapes():
    model = kb.Sequential([Linear(3), Linear(1)])
    model(np.zeros((2, 4), dtype="float32"))
    text = _capture(model, line_length=80)
    assert "(2, 3)" in text and "(2, 1)" in text
    assert " Total params: 19 (76.00 B)" in text


def test_show_trainable_marks_frozen_layer(model):
    model.layers[1].trainable = False
    text = _capture(model, show_trainable=True, line_length=100)
    rows = [[c.strip() for c in line.strip("│").split("│")] for line in text.splitlines() if line.startswith("│")]
    assert [row[-1] for row in rows] == ["-", "N", "Y"]
    assert " Non-trainable params: 25 (100.00 B)" in text


def test_layer_range_selects_rows(model):
    text = _capture(model, layer_range=["linear$", "linear_1"], line_length=80)
    assert "input_layer" not in text
    assert "linear (Linear)" in text and "linear_1 (Linear)" in text


def test_layer_range_rejects_unknown_names(model):
    with pytest.raises(ValueError, match="do not match"):
        model.summary(print_fn=lambda _: None, layer_range=["nope", "linear"])


def test_layer_range_must_have_two_names():
    with pytest.raises(ValueError, match="length 2"):
        summary_utils.get_layer_index_bound_by_layer_name([], ["a"])


def test_layer_range_bounds_are_inclusive():
    layers = [types.SimpleNamespace(name=n) for n in ("a", "b", "c", "d")]
    assert summary_utils.get_layer_index_bound_by_layer_name(layers, ("b", "c")) == [1, 3]
    assert summary_utils.get_layer_index_bound_by_layer_name(layers, ("d", "a")) == [0, 4]
    assert summary_utils.get_layer_index_bound_by_layer_name(layers) == [0, 4]


def test_too_narrow_line_length_raises(model):
    with pytest.raises(ValueError, match="Insufficient console width"):
        model.summary(print_fn=lambda _: None, line_length=8)


def test_summary_without_print_fn_goes_to_stdout(model, capsys):
    model.summary(line_length=80)
    out = capsys.readouterr().out
    assert 'Model: "two_linear"' in out
    assert " Total params: 37 (148.00 B)" in out


def test_summary_goes_to_logging_when_interactive_logging_is_off(model, caplog, capsys):
    kb.config.disable_interactive_logging()
    try:
        with caplog.at_level(logging.INFO, logger="kerasbridge"):
            model.summary(line_length=80)
    finally:
        kb.config.enable_interactive_logging()
    assert capsys.readouterr().out == ""
    assert any("Total params: 37" in record.getMessage() for record in caplog.records)


def _require_ops_add():
    if not hasattr(kb.ops, "add"):
        pytest.skip("kerasbridge.ops.add is not available yet")


def test_branching_model_gets_connected_to_column():
    _require_ops_add()
    a = kb.Input(shape=(2,), name="a")
    b = kb.Input(shape=(3,), name="b")
    left = Linear(4, name="left")(a)
    right = Linear(4, name="right")(b)
    both = kb.ops.add(left, right)
    text = _capture(kb.Model([a, b], both), line_length=110)
    assert "Connected to" in text
    rows = [[c.strip() for c in line.strip("│").split("│")] for line in text.splitlines() if line.startswith("│")]
    connected = {row[0]: row[3] for row in rows if row[0]}
    assert connected["left (Linear)"] == "a[0][0]"
    assert connected["a (InputLayer)"] == "-"
    assert connected["add (Add)"] == "left[0][0], right[0][0]"
    assert len(text.splitlines()[1]) == 110


def test_branching_model_default_line_length_is_108():
    _require_ops_add()
    a = kb.Input(shape=(2,))
    b = kb.Input(shape=(2,))
    text = _capture(kb.Model([a, b], kb.ops.add(a, b)))
    assert len(text.splitlines()[1]) == 108


def _fake_compiled_model(optimizer_built: bool):
    return types.SimpleNamespace(
        name="fake",
        layers=[],
        trainable_weights=_weights(((3, 2), "float32")),
        non_trainable_weights=[],
        compiled=True,
        optimizer=types.SimpleNamespace(built=optimizer_built, variables=_weights(((), "int64"), ((3, 2), "float32"))),
    )


def test_built_optimizer_adds_optimizer_params_line():
    calls = []
    summary_utils.print_summary(_fake_compiled_model(True), print_fn=calls.append)
    lines = calls[0].splitlines()
    assert lines[-4:] == [
        " Total params: 13 (56.00 B)",
        " Trainable params: 6 (24.00 B)",
        " Non-trainable params: 0 (0.00 B)",
        " Optimizer params: 7 (32.00 B)",
    ]


def test_unbuilt_optimizer_adds_no_line():
    calls = []
    summary_utils.print_summary(_fake_compiled_model(False), print_fn=calls.append)
    assert "Optimizer params" not in calls[0]
    assert " Total params: 6 (24.00 B)" in calls[0]
