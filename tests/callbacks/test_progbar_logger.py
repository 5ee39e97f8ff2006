"""ProgbarLogger: epoch headers and bars for fit, evaluate and predict."""

from __future__ import annotations

import re

import pytest

from kerasbridge.callbacks import ProgbarLogger

ANSI = re.compile(r"\x1b\[\d+m")


def _plain(text: str) -> str:
    """Screen text: colours removed, each redraw on its own line, padding stripped."""
    text = ANSI.sub("", text).replace("\b", "")
    return "\n".join(line.rstrip() for line in text.replace("\r", "\n").split("\n") if line.strip())


def _logger(verbose=1, epochs=2, steps=3):
    logger = ProgbarLogger()
    logger.set_params({"verbose": verbose, "epochs": epochs, "steps": steps})
    return logger


def _fit(logger, epochs, steps, val=True):
    logger.on_train_begin()
    for epoch in range(epochs):
        logger.on_epoch_begin(epoch)
        for step in range(steps):
            logger.on_train_batch_end(step, {"loss": 1.0 / (step + 1)})
        if val:
            logger.on_test_begin()
            logger.on_test_batch_end(0, {"loss": 9.0})
            logger.on_test_end({"loss": 9.0})
        logs = {"loss": 0.5}
        if val:
            logs["val_loss"] = 0.75
        logger.on_epoch_end(epoch, logs)
    logger.on_train_end()


def test_set_params_reads_verbose_epochs_and_steps():
    logger = _logger(verbose=2, epochs=4, steps=7)
    assert (logger.verbose, logger.epochs, logger.target) == (2, 4, 7)


def test_auto_verbose_means_one():
    assert _logger(verbose="auto").verbose == 1


def test_fit_prints_epoch_headers(capsys, fake_clock):
    _fit(_logger(epochs=2, steps=3), epochs=2, steps=3)
    lines = _plain(capsys.readouterr().out).splitlines()
    assert [line for line in lines if line.startswith("Epoch")] == ["Epoch 1/2", "Epoch 2/2"]


def test_single_epoch_has_no_header(capsys, fake_clock):
    _fit(_logger(epochs=1, steps=3), epochs=1, steps=3)
    assert "Epoch" not in capsys.readouterr().out


def test_fit_verbose_one_redraws_after_each_batch(capsys, fake_clock):
    _fit(_logger(epochs=1, steps=3), epochs=1, steps=3, val=False)
    lines = _plain(capsys.readouterr().out).splitlines()
    assert [line.split(" ")[0] for line in lines] == ["1/3", "2/3", "3/3", "3/3"]


def test_fit_final_line_has_epoch_logs_including_validation(capsys, fake_clock):
    _fit(_logger(epochs=1, steps=3), epochs=1, steps=3)
    last = _plain(capsys.readouterr().out).splitlines()[-1]
    assert last.startswith("3/3 ━━━━━━━━━━━━━━━━━━━━ ")
    assert last.endswith(" - loss: 0.5000 - val_loss: 0.7500")


def test_validation_inside_fit_draws_nothing(capsys, fake_clock):
    _fit(_logger(epochs=1, steps=3), epochs=1, steps=3)
    assert "9.0000" not in capsys.readouterr().out


def test_fit_verbose_two_prints_one_line_per_epoch(capsys, fake_clock):
    _fit(_logger(verbose=2, epochs=2, steps=3), epochs=2, steps=3)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert re.fullmatch(r"3/3 - \d+s - \d+m?s/step - loss: 0\.5000 - val_loss: 0\.7500", lines[1])


def test_standalone_evaluate_draws_a_bar(capsys, fake_clock):
    logger = _logger(epochs=1, steps=2)
    logger.on_test_begin()
    logger.on_test_batch_end(0, {"loss": 4.0})
    logger.on_test_batch_end(1, {"loss": 3.0})
    logger.on_test_end({"loss": 3.0})
    lines = _plain(capsys.readouterr().out).splitlines()
    assert lines[0].startswith("1/2") and lines[0].endswith("loss: 4.0000")
    assert lines[-1].startswith("2/2") and lines[-1].endswith("loss: 3.0000")


def test_predict_bar_shows_no_values(capsys, fake_clock):
    logger = _logger(epochs=1, steps=2)
    logger.on_predict_begin()
    logger.on_predict_batch_end(0, {"outputs": [1.0]})
    logger.on_predict_batch_end(1, {"outputs": [2.0]})
    logger.on_predict_end({})
    out = _plain(capsys.readouterr().out)
    assert "outputs" not in out
    assert out.splitlines()[-1].startswith("2/2 ━━━━━━━━━━━━━━━━━━━━ ")


def test_unknown_steps_take_first_epoch_count_as_target(capsys, fake_clock):
    logger = _logger(epochs=2, steps=None)
    _fit(logger, epochs=2, steps=4, val=False)
    lines = _plain(capsys.readouterr().out).splitlines()
    assert lines[1].strip().startswith("1/Unknown")
    assert logger.target == 4
    assert lines[-1].startswith("4/4 ━━━━")


def test_progbar_is_reset_every_epoch(fake_clock, capsys):
    logger = _logger(epochs=2, steps=3)
    _fit(logger, epochs=1, steps=3, val=False)
    first = logger.progbar
    logger.on_epoch_begin(1)
    assert logger.progbar is not first
    assert logger.seen == 0


@pytest.mark.parametrize(
    ("hook", "verbose", "in_fit", "expected"),
    [
        ("on_train_batch_end", 1, True, True),
        ("on_train_batch_end", 2, True, False),
        ("on_test_batch_end", 1, True, False),
        ("on_test_batch_end", 1, False, True),
        ("on_predict_batch_end", 1, False, False),
    ],
)
def test_batch_logs_are_read_only_when_drawn(hook, verbose, in_fit, expected):
    logger = _logger(verbose=verbose)
    if in_fit:
        logger.on_train_begin()
    assert logger._kerasbridge_uses_batch_logs(hook) is expected


def test_subclass_overriding_a_batch_hook_gets_python_floats():
    class Custom(ProgbarLogger):
        def on_train_batch_end(self, batch, logs=None):
            super().on_train_batch_end(batch, logs)

    assert ProgbarLogger()._kerasbridge_accepts_lazy_logs("on_train_batch_end") is True
    assert Custom()._kerasbridge_accepts_lazy_logs("on_train_batch_end") is False
