"""What fit/evaluate/predict print, against real Keras (timing fields masked)."""

import re

import keras
import numpy as np
import pytest

import kerasbridge

TIMING = [
    (re.compile(r"\x1b\[[0-9;]*m"), ""),  # first: a colour code glued to "1s" would hide it from \b
    (re.compile(r"\d+(\.\d+)?(s|ms|us)/step"), "T/step"),
    (re.compile(r"ETA: [\d:]+"), "ETA"),
    (re.compile(r"\b\d+s\b"), "Ts"),
]


def mask(text: str) -> str:
    for pattern, replacement in TIMING:
        text = pattern.sub(replacement, text)
    return text


def final_lines(text: str) -> list[str]:
    """The text as a person sees it: each carriage-return/backspace redraw keeps only its last state."""
    lines = []
    for line in text.split("\n"):
        line = re.sub(r".*\r", "", line)
        line = re.sub(r".*\x08+", "", line)
        lines.append(line.rstrip())
    return [line for line in lines if line]


def build(k):
    k.backend.clear_session(free_memory=False)
    model = k.Sequential([k.Input((5,)), k.layers.Dense(4, activation="relu"), k.layers.Dense(3)])
    model.compile(optimizer=k.optimizers.SGD(0.1), metrics=["accuracy"],
                  loss=k.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(40, 5)).astype("float32"), rng.integers(0, 3, 40)


@pytest.mark.parametrize("verbose", [1, 2])
def test_fit_output_matches_keras(verbose, capsys):
    theirs = build(keras)
    ours = build(kerasbridge)
    ours.set_weights(theirs.get_weights())
    x, y = data()
    kwargs = dict(epochs=2, batch_size=8, shuffle=False, verbose=verbose, validation_split=0.2)
    theirs.fit(x, y, **kwargs)
    keras_text = capsys.readouterr().out
    ours.fit(x, y, **kwargs)
    our_text = capsys.readouterr().out
    assert final_lines(mask(our_text)) == final_lines(mask(keras_text))


def test_evaluate_and_predict_output_matches_keras(capsys):
    theirs = build(keras)
    ours = build(kerasbridge)
    ours.set_weights(theirs.get_weights())
    x, y = data()
    theirs.evaluate(x, y, batch_size=16, verbose=1)
    theirs.predict(x, batch_size=16, verbose=1)
    keras_text = capsys.readouterr().out
    ours.evaluate(x, y, batch_size=16, verbose=1)
    ours.predict(x, batch_size=16, verbose=1)
    our_text = capsys.readouterr().out
    assert final_lines(mask(our_text)) == final_lines(mask(keras_text))
