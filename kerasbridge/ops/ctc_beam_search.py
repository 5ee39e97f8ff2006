"""Beam-search CTC decoding, the `strategy="beam_search"` branch of `ops.ctc_decode`.

The search follows Keras's semantics exactly (its torch backend mirrors the JAX one):

- scores are log-softmax probabilities; classes are handled in reversed order so that
  ties between equal scores resolve the way Keras resolves them;
- each beam keeps two tracks, one for paths whose last step emitted a label and one for
  paths whose last step was blank; a label repeated right after itself (no blank between)
  is merged into the previous one;
- after each step identical paths are merged by adding their probabilities in log space,
  and the `beam_width` best paths (by the sum of both tracks) survive.

Unlike a per-example loop, the whole batch is searched at once: examples whose sequence is
already over keep their state with `torch.where`. Identical paths are found by hashing each
path (a polynomial hash with Knuth's multiplicative constant, wrapping in int64) and sorting
the hashes stably, which fixes the order of the merged paths, hence the tie-breaking, to the
one Keras uses.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

_PAD = -1
_HASH_BASE = 2654435769


def _merge_identical_paths(paths, size):
    """Merges identical rows of `paths`, per batch example.

    Args:
        paths: int tensor of shape `(batch, rows, max_time)`.
        size: number of rows of the result (at least `rows`).

    Returns:
        `(unique, slot)`: `unique` of shape `(batch, size, max_time)` holds the distinct
        paths (in the order of their hashes) followed by rows of padding; `slot` of shape
        `(batch, rows)` gives, for each input row, the row of `unique` that holds it.
    """
    batch, rows, max_time = paths.shape
    device = paths.device
    powers = torch.pow(torch.tensor(_HASH_BASE, dtype=torch.int64, device=device),
                       torch.arange(max_time, dtype=torch.int64, device=device))
    hashes = ((paths.to(torch.int64) + 1) * powers).sum(dim=-1)
    order = torch.argsort(hashes, dim=1, stable=True)
    sorted_paths = torch.take_along_dim(paths, order[..., None], dim=1)
    sorted_hashes = torch.take_along_dim(hashes, order, dim=1)
    same_as_previous = (sorted_hashes[:, 1:] == sorted_hashes[:, :-1]) & torch.all(
        sorted_paths[:, 1:] == sorted_paths[:, :-1], dim=-1)
    starts_new = F.pad(~same_as_previous, (1, 0), value=True)
    sorted_slot = torch.cumsum(starts_new.to(torch.int64), dim=1) - 1
    slot = torch.empty_like(sorted_slot).scatter_(1, order, sorted_slot)
    unique = torch.full((batch, size, max_time), _PAD, dtype=paths.dtype, device=device)
    # Duplicates carry the same row, so writing all of them to one slot is harmless.
    unique.scatter_(1, sorted_slot[..., None].expand(-1, -1, max_time), sorted_paths)
    return unique, slot


def _log_sum_per_slot(scores, slot, size):
    """Adds `exp(scores)` of rows sharing a slot; returns the log of each slot's sum."""
    peak = torch.amax(scores, dim=1, keepdim=True)
    total = torch.zeros(scores.shape[0], size, dtype=scores.dtype, device=scores.device)
    total.scatter_add_(1, slot, torch.exp(scores - peak))
    return torch.log(total) + peak


def _extend(paths, scores, blank_track, step_scores, blank):
    """Appends every class to every path; returns the extended paths, scores and tracks."""
    batch, rows, max_time = paths.shape
    num_classes = step_scores.shape[-1]
    paths = paths.repeat_interleave(num_classes, dim=1)
    scores = scores.repeat_interleave(num_classes, dim=1) + step_scores.repeat(1, rows)
    was_blank = blank_track.repeat_interleave(num_classes, dim=1)

    end = torch.argmax((paths == _PAD).to(torch.int32), dim=-1)
    last = torch.take_along_dim(paths, (end - 1).clamp(min=0)[..., None], dim=-1)[..., 0]
    last = torch.where(end == 0, _PAD, last)

    labels = torch.arange(num_classes, device=paths.device, dtype=paths.dtype)
    labels = torch.where(labels == blank, _PAD, labels).repeat(rows)
    is_blank = (labels == _PAD).expand(batch, -1)
    labels = torch.where(~was_blank & (last == labels), _PAD, labels)
    paths = paths.scatter(2, end[..., None], labels[..., None])
    return paths, scores, is_blank


def _prune(paths, scores, is_blank, beam_width):
    """Merges identical paths and keeps the `beam_width` best, as emit and blank tracks."""
    size = paths.shape[1]
    unique, slot = _merge_identical_paths(paths, size)
    emit_scores = _log_sum_per_slot(torch.where(is_blank, float("-inf"), scores), slot, size)
    blank_scores = _log_sum_per_slot(torch.where(is_blank, scores, float("-inf")), slot, size)
    best = torch.argsort(torch.logaddexp(emit_scores, blank_scores), dim=1, stable=True)[:, -beam_width:]
    best_paths = torch.take_along_dim(unique, best[..., None], dim=1)
    paths = torch.cat([best_paths, best_paths], dim=1)
    scores = torch.cat([torch.take_along_dim(emit_scores, best, dim=1),
                        torch.take_along_dim(blank_scores, best, dim=1)], dim=1)
    track = torch.arange(2 * beam_width, device=paths.device) >= beam_width
    return paths, scores, track.expand(paths.shape[0], -1)


def ctc_beam_search_decode(inputs, sequence_lengths, beam_width=100, top_paths=1, mask_index=0):
    """Decodes CTC scores by beam search.

    Args:
        inputs: Float scores (unnormalized), shape `(batch, max_time, num_classes)`.
        sequence_lengths: Integer tensor of shape `(batch,)`.
        beam_width: Number of paths kept after each step.
        top_paths: Number of best paths returned.
        mask_index: Index of the blank class; `None` means the last class.

    Returns:
        `(paths, log_probabilities)`: int32 paths of shape `(top_paths, batch, max_time)`
        padded with -1, and their log-probabilities, shape `(batch, top_paths)`.
    """
    batch, max_time, num_classes = inputs.shape
    if mask_index is None:
        mask_index = num_classes - 1
    # Reversed classes reproduce Keras's tie-breaking under an ascending stable sort.
    log_probs = torch.flip(F.log_softmax(inputs, dim=-1), dims=[2])
    blank = num_classes - 1 - mask_index
    lengths = sequence_lengths.to(inputs.device)
    device = inputs.device

    first = min(num_classes, beam_width)
    top_first = torch.argsort(log_probs[:, 0], dim=-1, stable=True)[:, -first:]
    paths = torch.full((batch, 2 * beam_width, max_time), _PAD, dtype=torch.int32, device=device)
    paths[:, :first, 0] = torch.where(top_first == blank, _PAD, top_first).to(torch.int32)
    scores = torch.full((batch, 2 * beam_width), float("-inf"), dtype=inputs.dtype, device=device)
    scores[:, :first] = torch.take_along_dim(log_probs[:, 0], top_first, dim=-1)
    blank_track = paths[..., 0] == _PAD

    for step in range(1, max_time):
        new_paths, new_scores, new_track = _extend(paths, scores, blank_track, log_probs[:, step], blank)
        new_paths, new_scores, new_track = _prune(new_paths, new_scores, new_track, beam_width)
        running = (lengths > step)[:, None]
        paths = torch.where(running[..., None], new_paths, paths)
        scores = torch.where(running, new_scores, scores)
        blank_track = torch.where(running, new_track, blank_track)

    size = 2 * num_classes * beam_width
    unique, slot = _merge_identical_paths(paths, size)
    totals = _log_sum_per_slot(scores, slot, size)
    best = torch.argsort(totals, dim=1, stable=True)[:, -top_paths:].flip(1)
    paths = torch.take_along_dim(unique, best[..., None], dim=1)
    paths = torch.where(paths == _PAD, _PAD, num_classes - 1 - paths).to(torch.int32)
    return paths.permute(1, 0, 2), torch.take_along_dim(totals, best, dim=1)
