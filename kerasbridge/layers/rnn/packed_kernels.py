"""torch's fused LSTM/GRU kernels on right-padded masked batches, with Keras's masking results.

Keras's rule for a masked step (state carried over, output repeated or zero) means
that for a right-padded mask the valid prefix of each sequence is an ordinary
recurrence and the padded tail only repeats its last output. So a packed-sequence
run of torch's kernel over the valid prefixes, followed by a gather that lays the
outputs out the way Keras's step loop does, gives Keras's numbers without a Python
loop over time. `go_backwards` processes each valid prefix reversed and, as in
Keras, returns the outputs in processing order: the masked tail comes first (zeros).
"""

from __future__ import annotations

import torch
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence


def right_padded_lengths(mask):
    """The CPU lengths of a right-padded mask without empty rows, or `None` for any other mask."""
    if mask.device.type == "meta" or mask.ndim != 2:
        return None
    mask = mask.to(torch.bool)
    lengths = mask.sum(dim=1)
    positions = torch.arange(mask.shape[1], device=mask.device)
    prefix = positions.unsqueeze(0) < lengths.unsqueeze(1)
    usable = torch.stack([torch.all(mask == prefix), torch.all(lengths > 0)]).all()
    lengths, usable = lengths.cpu(), bool(usable.cpu())
    return lengths if usable else None


def _reverse_prefixes(inputs, lengths):
    """Each row's first `length` steps reversed in place (the padded tail untouched)."""
    steps = inputs.shape[1]
    positions = torch.arange(steps, device=inputs.device).unsqueeze(0)
    lengths = lengths.to(inputs.device).unsqueeze(1)
    index = torch.where(positions < lengths, lengths - 1 - positions, positions)
    return torch.gather(inputs, 1, index.unsqueeze(-1).expand(-1, -1, inputs.shape[-1]))


def run_packed(fn, inputs, hidden, params, has_biases, lengths, *, go_backwards=False, zero_output_for_mask=False):
    """Run `torch._VF.lstm`/`gru` over right-padded sequences; returns Keras's `(last, outputs, states)`.

    Args:
        fn: `torch._VF.lstm` or `torch._VF.gru`.
        inputs: `(batch, timesteps, features)`.
        hidden: Initial state(s) `(1, batch, units)` (a tuple for the LSTM).
        params: torch-layout weights.
        has_biases: Whether `params` holds biases.
        lengths: CPU int64 valid lengths (all >= 1).
        go_backwards: Keras's `go_backwards`.
        zero_output_for_mask: Keras's `zero_output_for_mask`.
    """
    device, steps = inputs.device, inputs.shape[1]
    if go_backwards:
        inputs = _reverse_prefixes(inputs, lengths)
    packed = pack_padded_sequence(inputs, lengths, batch_first=True, enforce_sorted=False)
    sorted_indices = packed.sorted_indices.to(device)
    unsorted_indices = packed.unsorted_indices.to(device)
    if isinstance(hidden, tuple):
        hidden = tuple(h.index_select(1, sorted_indices) for h in hidden)
    else:
        hidden = hidden.index_select(1, sorted_indices)
    result = fn(packed.data, packed.batch_sizes, hidden, params, has_biases, 1, 0.0, torch.is_grad_enabled(), False)
    packed_out = PackedSequence(result[0], packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
    outputs, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=steps)
    states = [h.index_select(1, unsorted_indices).squeeze(0) for h in result[1:]]
    last = states[0]
    positions = torch.arange(steps, device=device).unsqueeze(0)
    lengths = lengths.to(device).unsqueeze(1)
    if go_backwards:
        # Processing order: the (steps - length) masked steps first, then the valid prefix reversed.
        offset = steps - lengths
        valid = positions >= offset
        index = torch.where(valid, positions - offset, torch.zeros_like(positions))
        outputs = torch.gather(outputs, 1, index.unsqueeze(-1).expand(-1, -1, outputs.shape[-1]))
        outputs = torch.where(valid.unsqueeze(-1), outputs, torch.zeros_like(outputs))
        return last, outputs, states
    valid = (positions < lengths).unsqueeze(-1)
    if zero_output_for_mask:
        outputs = torch.where(valid, outputs, torch.zeros_like(outputs))
        last = torch.where(valid[:, -1], last, torch.zeros_like(last))
    else:
        outputs = torch.where(valid, outputs, last.unsqueeze(1))
    return last, outputs, states
