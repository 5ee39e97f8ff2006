"""The time loop shared by every recurrent layer, with Keras's masking rules.

Keras's semantics, reproduced here:
- `go_backwards` processes the steps last to first and returns the outputs in
  that (reversed) order.
- At a masked step the states are carried over unchanged and the output is the
  previous step's output (zeros before the first step), or zeros when
  `zero_output_for_mask` is set.
- `last_output` is the (masked) output of the last processed step.
"""

from __future__ import annotations

import torch

from kerasbridge.utils import tree


def _expand_like(mask_t, tensor):
    """`mask_t` of shape `(batch,)` reshaped to broadcast against `tensor`."""
    return mask_t.reshape(mask_t.shape[0], *([1] * (tensor.ndim - 1)))


def _select(mask_t, new, old):
    return torch.where(_expand_like(mask_t, new), new, old)


def run_time_loop(step_fn, inputs, initial_states, *, go_backwards=False, mask=None, zero_output_for_mask=False,
                  return_all_outputs=True):
    """Run `step_fn(input_t, states) -> (output_t, new_states)` over the time axis of `inputs`.

    Args:
        step_fn: Callable taking the step input `(batch, ...)` and the list of
            states, returning the step output and the list of new states.
        inputs: Tensor of shape `(batch, timesteps, ...)`.
        initial_states: List (possibly nested) of state tensors.
        go_backwards: Whether to iterate from the last step to the first.
        mask: Optional boolean tensor `(batch, timesteps)`; `False` skips a step.
        zero_output_for_mask: Whether masked steps output zeros instead of the
            previous output.
        return_all_outputs: Whether to stack the outputs of every step.

    Returns:
        `(last_output, outputs, final_states)`; `outputs` has shape
        `(batch, timesteps, ...)` when `return_all_outputs`, else `(batch, 1, ...)`.
    """
    steps = inputs.unbind(1)
    if go_backwards:
        steps = steps[::-1]
    mask_steps = None
    if mask is not None:
        mask = mask.to(torch.bool)
        if mask.ndim > 2:
            mask = mask.reshape(mask.shape[0], mask.shape[1])
        mask_steps = mask.unbind(1)
        if go_backwards:
            mask_steps = mask_steps[::-1]
    states = initial_states
    outputs = []
    previous_output = None
    for t, step_input in enumerate(steps):
        output, new_states = step_fn(step_input, states)
        if mask_steps is not None:
            mask_t = mask_steps[t]
            if previous_output is None or zero_output_for_mask:
                fallback = torch.zeros_like(output)
            else:
                fallback = previous_output
            output = _select(mask_t, output, fallback)
            flat_new = [_select(mask_t, new, old) for new, old in zip(tree.flatten(new_states), tree.flatten(states))]
            new_states = tree.pack_sequence_as(new_states, flat_new)
        states = new_states
        previous_output = output
        if return_all_outputs:
            outputs.append(output)
    if previous_output is None:
        raise ValueError(f"Cannot run a recurrent layer over an input with zero timesteps: shape={inputs.shape}")
    stacked = torch.stack(outputs, dim=1) if return_all_outputs else previous_output.unsqueeze(1)
    return previous_output, stacked, states


def call_cell(cell, inputs, states, training):
    """Call an RNN cell for one step: built-in cells directly, custom cells through `__call__`."""
    if getattr(cell, "_direct_step", False):
        return cell.call(inputs, states, training=training)
    info = getattr(cell, "_call_info", None)
    kwargs = {"training": training} if info is not None and info.has_training else {}
    if callable(cell):
        return cell(inputs, states, **kwargs)
    return cell.call(inputs, states, **kwargs)
