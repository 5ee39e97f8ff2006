"""Beam-search CTC decoding (`ops.ctc_decode(strategy="beam_search")`) against exhaustive search."""

import itertools
import math

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import ops


def _collapse(alignment, blank):
    labels, previous = [], None
    for step in alignment:
        if step != previous and step != blank:
            labels.append(step)
        previous = step
    return tuple(labels)


def _exhaustive_label_log_probs(scores, blank):
    """Log-probability of every label sequence, summing all alignments that collapse to it."""
    log_probs = torch.log_softmax(torch.as_tensor(scores, dtype=torch.float64), dim=-1).numpy()
    totals = {}
    for alignment in itertools.product(range(scores.shape[1]), repeat=scores.shape[0]):
        log_p = sum(log_probs[t, c] for t, c in enumerate(alignment))
        key = _collapse(alignment, blank)
        totals[key] = totals.get(key, 0.0) + math.exp(log_p)
    return {key: math.log(value) for key, value in totals.items()}


def _as_labels(row):
    return tuple(int(v) for v in row if v != -1)


@pytest.mark.parametrize("mask_index", [0, 2])
def test_wide_beam_finds_the_exact_most_likely_label_sequences(mask_index):
    rng = np.random.default_rng(1)
    scores = rng.normal(size=(2, 4, 3)).astype("float32") * 2
    paths, log_probs = ops.ctc_decode(scores, np.array([4, 4]), strategy="beam_search", beam_width=64,
                                      top_paths=3, mask_index=mask_index)
    assert tuple(paths.shape) == (3, 2, 4)
    assert tuple(log_probs.shape) == (2, 3)
    for b in range(2):
        expected = sorted(_exhaustive_label_log_probs(scores[b], mask_index).items(), key=lambda kv: -kv[1])[:3]
        got = [_as_labels(paths[k, b].tolist()) for k in range(3)]
        assert got == [labels for labels, _ in expected]
        np.testing.assert_allclose(log_probs[b].numpy(), [lp for _, lp in expected], atol=1e-5)


def test_sequence_length_ignores_later_steps():
    rng = np.random.default_rng(2)
    scores = rng.normal(size=(2, 5, 4)).astype("float32")
    full, full_scores = ops.ctc_decode(scores[:, :3], np.array([3, 3]), strategy="beam_search", beam_width=8,
                                       top_paths=2)
    cut, cut_scores = ops.ctc_decode(scores, np.array([3, 3]), strategy="beam_search", beam_width=8, top_paths=2)
    assert torch.equal(cut[:, :, :3], full)
    assert torch.all(cut[:, :, 3:] == -1)
    np.testing.assert_allclose(cut_scores.numpy(), full_scores.numpy(), atol=1e-6)


def test_each_example_is_decoded_independently_of_the_batch():
    rng = np.random.default_rng(3)
    scores = rng.normal(size=(3, 6, 5)).astype("float32")
    lengths = np.array([6, 2, 4])
    paths, log_probs = ops.ctc_decode(scores, lengths, strategy="beam_search", beam_width=4, top_paths=2)
    for b in range(3):
        alone, alone_scores = ops.ctc_decode(scores[b:b + 1], lengths[b:b + 1], strategy="beam_search",
                                             beam_width=4, top_paths=2)
        assert torch.equal(paths[:, b], alone[:, 0])
        np.testing.assert_allclose(log_probs[b].numpy(), alone_scores[0].numpy(), atol=1e-6)


def test_outputs_are_int32_paths_and_float32_scores_as_in_keras():
    scores = torch.zeros((1, 3, 3), dtype=torch.float64)  # Keras's torch backend narrows float64 to float32
    paths, log_probs = ops.ctc_decode(scores, np.array([3]), strategy="beam_search", beam_width=2, top_paths=2)
    assert paths.dtype == torch.int32
    assert log_probs.dtype == torch.float32


def test_symbolic_call_gives_keras_shapes():
    inputs = keras.Input((7, 5), batch_size=2)
    lengths = keras.Input((), batch_size=2, dtype="int32")
    paths, log_probs = ops.ctc_decode(inputs, lengths, strategy="beam_search", beam_width=3, top_paths=2)
    assert tuple(paths.shape) == (2, 2, 7)
    assert tuple(log_probs.shape) == (2, 2)


def test_unknown_strategy_is_rejected():
    with pytest.raises(ValueError, match="Invalid strategy"):
        ops.ctc_decode(np.zeros((1, 2, 3), "float32"), np.array([2]), strategy="beam")
