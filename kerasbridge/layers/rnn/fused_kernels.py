"""torch's fused LSTM/GRU kernels (cuDNN on GPU, the native CPU kernel otherwise) on Keras weights.

Keras keeps `kernel (input_dim, n*units)`, `recurrent_kernel (units, n*units)` and
its own gate order; torch wants `(n*units, input_dim)` matrices in its order. The
conversion is a transpose (and for the GRU a gate reorder) done inside the
autograd graph at call time, so gradients reach the Keras-layout weights.

- LSTM: Keras gates i, f, c, o = torch's i, f, g, o; Keras's single bias is
  torch's `b_ih` with `b_hh = 0`.
- GRU (`reset_after=True`): Keras gates z, r, h -> torch's r, z, n; bias row 0
  is `b_ih`, row 1 is `b_hh`.
"""

from __future__ import annotations

import torch

from kerasbridge import activations, ops
from kerasbridge.layers.rnn.packed_kernels import run_packed


def fused_kernels_traceable() -> bool:
    """False while `torch.compile` traces: inductor cannot lower the CPU fused RNN op, so the cell loop runs."""
    return not torch.compiler.is_compiling()


def uses_standard_activations(cell) -> bool:
    """Whether `cell` has tanh/sigmoid activations, the only ones torch's kernels compute."""
    return cell.activation in (activations.tanh, torch.tanh, ops.tanh) and cell.recurrent_activation in (
        activations.sigmoid, torch.sigmoid, ops.sigmoid,
    )


def _weight(variable, device, dtype):
    value = variable.value if hasattr(variable, "value") else variable
    if value.device != device or value.dtype != dtype:
        value = value.to(device=device, dtype=dtype)
    return value


def _meta_result(inputs, units, state_count):
    """Shape-only results for `meta` inputs (torch's meta LSTM/GRU decomposes step by step, slowly)."""
    batch, steps = inputs.shape[0], inputs.shape[1]
    outputs = inputs.new_empty((batch, steps, units))
    return outputs[:, -1], outputs, [inputs.new_empty((batch, units)) for _ in range(state_count)]


def _run(fn, inputs, hidden, params, has_biases):
    return fn(inputs, hidden, params, has_biases, 1, 0.0, torch.is_grad_enabled(), False, True)


def fused_lstm(inputs, h0, c0, kernel, recurrent_kernel, bias, *, go_backwards=False, lengths=None,
               zero_output_for_mask=False):
    """Run an LSTM with Keras weights through `torch._VF.lstm`.

    Args:
        inputs: `(batch, timesteps, input_dim)`.
        h0, c0: Initial states `(batch, units)`.
        kernel, recurrent_kernel, bias: Keras-layout weights (`bias` may be `None`).
        go_backwards: Process the sequence last step first (outputs stay reversed, as in Keras).
        lengths: Optional CPU lengths of a right-padded mask (see `packed_kernels`).
        zero_output_for_mask: Whether masked steps output zeros (with `lengths`).

    Returns:
        `(last_output, outputs, [h, c])` with `outputs` of shape `(batch, timesteps, units)`.
    """
    device, dtype = inputs.device, inputs.dtype
    if device.type == "meta":
        return _meta_result(inputs, recurrent_kernel.shape[0], 2)
    params = [
        _weight(kernel, device, dtype).t().contiguous(),
        _weight(recurrent_kernel, device, dtype).t().contiguous(),
    ]
    if bias is not None:
        bias_ih = _weight(bias, device, dtype)
        params += [bias_ih, torch.zeros_like(bias_ih)]
    hidden = (h0.to(device, dtype).unsqueeze(0), c0.to(device, dtype).unsqueeze(0))
    if lengths is not None:
        return run_packed(torch._VF.lstm, inputs, hidden, params, bias is not None, lengths,
                          go_backwards=go_backwards, zero_output_for_mask=zero_output_for_mask)
    if go_backwards:
        inputs = torch.flip(inputs, dims=[1])
    outputs, h_n, c_n = _run(torch._VF.lstm, inputs, hidden, params, bias is not None)
    return outputs[:, -1], outputs, [h_n.squeeze(0), c_n.squeeze(0)]


def _reorder_gru_gates(matrix):
    z, r, h = torch.chunk(matrix, 3, dim=-1)
    return torch.cat([r, z, h], dim=-1)


def fused_gru(inputs, h0, kernel, recurrent_kernel, bias, *, go_backwards=False, lengths=None,
              zero_output_for_mask=False):
    """Run a `reset_after=True` GRU with Keras weights through `torch._VF.gru`.

    Args:
        inputs: `(batch, timesteps, input_dim)`.
        h0: Initial state `(batch, units)`.
        kernel, recurrent_kernel: Keras-layout weights, gates z, r, h.
        bias: `(2, 3*units)` (input bias row, recurrent bias row) or `None`.
        go_backwards: Process the sequence last step first (outputs stay reversed, as in Keras).
        lengths: Optional CPU lengths of a right-padded mask (see `packed_kernels`).
        zero_output_for_mask: Whether masked steps output zeros (with `lengths`).

    Returns:
        `(last_output, outputs, [h])`.
    """
    device, dtype = inputs.device, inputs.dtype
    if device.type == "meta":
        return _meta_result(inputs, recurrent_kernel.shape[0], 1)
    params = [
        _reorder_gru_gates(_weight(kernel, device, dtype)).t().contiguous(),
        _reorder_gru_gates(_weight(recurrent_kernel, device, dtype)).t().contiguous(),
    ]
    if bias is not None:
        bias = _reorder_gru_gates(_weight(bias, device, dtype))
        params += [bias[0], bias[1]]
    hidden = h0.to(device, dtype).unsqueeze(0)
    if lengths is not None:
        return run_packed(torch._VF.gru, inputs, hidden, params, bias is not None, lengths,
                          go_backwards=go_backwards, zero_output_for_mask=zero_output_for_mask)
    if go_backwards:
        inputs = torch.flip(inputs, dims=[1])
    outputs, h_n = _run(torch._VF.gru, inputs, hidden, params, bias is not None)
    return outputs[:, -1], outputs, [h_n.squeeze(0)]
