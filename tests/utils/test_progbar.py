"""Progbar (and print_msg, its output channel): text, throttling, lazy tensor conversion."""

from __future__ import annotations

import io
import itertools
import logging
import re
import sys
import time

import numpy as np
import pytest
import torch

from kerasbridge import config
from kerasbridge.utils import io_utils
from kerasbridge.utils.progbar import Progbar, _format_eta, _format_step_time

ANSI = re.compile(r"\x1b\[\d+m")


@pytest.fixture
def clock(monkeypatch):
    """`time.time()` advances by `clock.step` seconds per call (0.5 s by default)."""

    class Clock:
        step = 0.5
        now = 1000.0

        def __call__(self):
            self.now += self.step
            return self.now

    fake = Clock()
    monkeypatch.setattr(time, "time", fake)
    return fake


def _frames(text: str) -> list[str]:
    """Each drawn line, without colours, backspaces or padding."""
    text = ANSI.sub("", text).replace("\b", "")
    return [f.rstrip() for f in re.split(r"[\r\n]", text) if f.strip()]


def test_final_line_of_verbose_one(capsys, clock):
    bar = Progbar(4)
    bar.update(4, [("loss", 0.25)])
    assert _frames(capsys.readouterr().out) == ["4/4 ━━━━━━━━━━━━━━━━━━━━ 0s 125ms/step - loss: 0.2500"]


def test_partial_bar_has_green_done_part_and_grey_rest(capsys, clock):
    bar = Progbar(4)
    bar.update(1)
    out = capsys.readouterr().out
    assert "\x1b[1m1/4\x1b[0m \x1b[32m━━━━━\x1b[0m\x1b[37m━━━━━━━━━━━━━━━\x1b[0m" in out


def test_eta_is_shown_before_the_end(capsys, clock):
    bar = Progbar(4)
    bar.update(1)
    assert " \x1b[1m1s\x1b[0m 500ms/step" in capsys.readouterr().out


def test_counter_is_padded_to_target_width(capsys, clock):
    Progbar(100).update(7)
    assert _frames(capsys.readouterr().out)[0].startswith("  7/100 ━")


def test_stateless_values_are_averaged_by_steps(capsys, clock):
    bar = Progbar(10)
    bar.update(1, [("loss", 1.0)])
    bar.update(3, [("loss", 4.0)])  # counts for 2 steps: (1 + 8) / 3
    assert _frames(capsys.readouterr().out)[-1].endswith("loss: 3.0000")


def test_stateful_values_are_shown_as_given(capsys, clock):
    bar = Progbar(10, stateful_metrics=["acc"])
    bar.update(1, [("acc", 1.0)])
    bar.update(2, [("acc", 0.5)])
    assert _frames(capsys.readouterr().out)[-1].endswith("acc: 0.5000")


def test_stateless_metrics_option_averages_only_those(capsys, clock):
    bar = Progbar(10, stateless_metrics=["loss"])
    bar.update(1, [("loss", 1.0), ("acc", 1.0)])
    bar.update(2, [("loss", 0.0), ("acc", 0.5)])
    assert _frames(capsys.readouterr().out)[-1].endswith("loss: 0.5000 - acc: 0.5000")


def test_final_update_replaces_the_average(capsys, clock):
    bar = Progbar(2)
    bar.update(1, [("loss", 1.0)])
    bar.update(2, [("loss", 0.0)])
    assert _frames(capsys.readouterr().out)[-1].endswith("loss: 0.0000e+00")


def test_both_metric_options_are_rejected():
    with pytest.raises(ValueError, match="Only one of `stateful_metrics` or `stateless_metrics`"):
        Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])


@pytest.mark.parametrize(
    ("value", "text"), [(0.5, "0.5000"), (-0.5, "-0.5000"), (0.001, "1.0000e-03"), (-2e-5, "-2.0000e-05")]
)
def test_verbose_one_uses_e_format_for_small_magnitudes(capsys, clock, value, text):
    Progbar(1).update(1, [("m", value)])
    assert _frames(capsys.readouterr().out)[-1].endswith(f"m: {text}")


@pytest.mark.parametrize(("value", "text"), [(0.5, "0.5000"), (-0.5, "-5.0000e-01"), (1e-4, "1.0000e-04")])
def test_verbose_two_uses_e_format_for_values_not_above_1e3(capsys, clock, value, text):
    Progbar(1, verbose=2).update(1, [("m", value)])
    assert capsys.readouterr().out.endswith(f"m: {text}\n")


def test_verbose_two_prints_only_the_final_line(capsys, clock):
    bar = Progbar(3, verbose=2)
    bar.update(1, [("loss", 1.0)])
    bar.update(2, [("loss", 1.0)])
    assert capsys.readouterr().out == ""
    bar.update(3, [("loss", 1.0)])
    assert capsys.readouterr().out == "3/3 - 2s - 500ms/step - loss: 1.0000\n"


def test_verbose_zero_prints_nothing(capsys, clock):
    bar = Progbar(2, verbose=0)
    bar.update(1, [("loss", 1.0)])
    bar.update(2, [("loss", 1.0)])
    assert capsys.readouterr().out == ""


def test_unknown_target_shows_count_and_elapsed_time(capsys, clock):
    Progbar(None).update(12, [("loss", 1.0)])
    assert _frames(capsys.readouterr().out) == ["     12/Unknown 0s 42ms/step - loss: 1.0000"]


def test_unknown_target_never_finalizes(capsys, clock):
    Progbar(None).update(3)
    assert not capsys.readouterr().out.endswith("\n")


def test_updates_within_interval_are_not_drawn(capsys, clock):
    clock.step = 0.01
    bar = Progbar(10, interval=0.05)
    bar.update(1)
    bar.update(2)
    bar.update(3)
    assert [f.split()[0] for f in _frames(capsys.readouterr().out)] == ["1/10"]


def test_final_update_is_drawn_even_within_interval(capsys, clock):
    clock.step = 0.001
    bar = Progbar(2)
    bar.update(1)
    bar.update(2)
    assert _frames(capsys.readouterr().out)[-1].startswith("2/2")


def test_throttled_tensor_values_are_not_converted(clock):
    clock.step = 0.001
    bar = Progbar(10, stateless_metrics=set())
    bar.update(1)
    # A meta tensor cannot be copied to the host: drawing it would raise.
    bar.update(2, [("loss", torch.tensor(1.0, device="meta"))])
    assert bar._values["loss"][1] == 1


def test_averaged_tensor_values_stay_tensors_until_drawn(clock):
    clock.step = 0.001
    bar = Progbar(10)
    bar.update(1)
    bar.update(2, [("loss", torch.tensor(1.0, device="meta"))])
    assert isinstance(bar._values["loss"][0], torch.Tensor)


def test_tensor_values_are_converted_when_drawn(capsys, clock):
    bar = Progbar(2, stateless_metrics=set())
    bar.update(2, [("loss", torch.tensor(0.125)), ("acc", torch.tensor([0.5, 1.0]))])
    assert _frames(capsys.readouterr().out)[-1].endswith("loss: 0.1250 - acc: 0.7500")


def test_bfloat16_tensor_values_are_drawn(capsys, clock):
    Progbar(1).update(1, [("loss", torch.tensor(0.5, dtype=torch.bfloat16))])
    assert _frames(capsys.readouterr().out)[-1].endswith("loss: 0.5000")


def test_numpy_and_int_values_are_drawn(capsys, clock):
    Progbar(1).update(1, [("a", np.float32(0.25)), ("b", 3)])
    assert _frames(capsys.readouterr().out)[-1].endswith("a: 0.2500 - b: 3.0000")


def test_dynamic_display_rewinds_with_backspaces_and_carriage_return(capsys, clock):
    bar = Progbar(3)
    bar.update(1)
    first_width = bar._prev_total_width
    bar.update(2)
    out = capsys.readouterr().out
    assert out.startswith("\r")
    assert "\b" * first_width + "\r" in out


def test_static_display_starts_each_draw_on_a_new_line(capsys, clock):
    bar = Progbar(3)
    bar._dynamic_display = False
    bar.update(1)
    bar.update(2)
    out = capsys.readouterr().out
    assert out.count("\n") == 2 and "\r" not in out and "\b" not in out


def test_display_is_dynamic_on_a_tty(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdout", Tty())
    assert Progbar(3)._dynamic_display is True


def test_shorter_redraw_is_padded_to_erase_the_old_line(capsys, clock):
    bar = Progbar(3)
    bar.update(1, [("a_long_metric_name", 1.0)])
    wide = bar._prev_total_width
    bar._values_order.clear()
    bar.update(2)
    second_draw = capsys.readouterr().out.split("\r")[-1]
    visible = ANSI.sub("", second_draw)
    assert len(visible) == wide


def test_add_advances_by_n(clock):
    bar = Progbar(10, verbose=0)
    bar.add(3)
    bar.add(2)
    assert bar._seen_so_far == 5


def test_step_time_ignores_the_first_step(clock):
    bar = Progbar(10, verbose=0)
    bar.update(1)
    assert bar._estimate_step_duration(3, bar._time_after_first_step + 0.4) == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, " 0s/step"), (2.4, " 2s/step"), (0.0234, " 23ms/step"), (2.5e-5, " 25us/step")]
)
def test_step_time_format(seconds, text):
    assert _format_step_time(seconds, "step") == text


@pytest.mark.parametrize(
    ("eta", "text"), [(59.9, "59s"), (61, "1:01"), (3601, "1:00:01"), (7322.5, "2:02:02")]
)
def test_eta_format(eta, text):
    assert _format_eta(eta) == text


def test_print_msg_writes_to_stdout_with_line_break(capsys):
    io_utils.print_msg("hello")
    assert capsys.readouterr().out == "hello\n"


def test_print_msg_without_line_break(capsys):
    io_utils.print_msg("hello", line_break=False)
    assert capsys.readouterr().out == "hello"


def test_print_msg_logs_when_interactive_logging_is_disabled(capsys, caplog):
    config.disable_interactive_logging()
    try:
        with caplog.at_level(logging.INFO, logger="kerasbridge"):
            io_utils.print_msg("quiet")
    finally:
        config.enable_interactive_logging()
    assert capsys.readouterr().out == ""
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        ("kerasbridge", logging.INFO, "quiet")
    ]


def test_print_msg_falls_back_to_ascii_bar_on_narrow_encodings(monkeypatch):
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    monkeypatch.setattr(sys, "stdout", stream)
    io_utils.print_msg("3/3 ━━ é")
    assert raw.getvalue() == b"3/3 == \n"


def test_ask_to_proceed_with_overwrite_reads_answers(monkeypatch, capsys):
    answers = itertools.chain(["maybe", "Y"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert io_utils.ask_to_proceed_with_overwrite("f.h5") is True
    assert capsys.readouterr().out == "[TIP] Next time specify overwrite=True!\n"


def test_ask_to_proceed_with_overwrite_refused(monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert io_utils.ask_to_proceed_with_overwrite("f.h5") is False
