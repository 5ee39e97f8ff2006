"""`compile(jit_compile=True)`: the model's forward pass and loss run through `torch.compile`.

Keras's torch backend hands its whole step function to `torch.compile`. Here the optimizer
update and the metric updates stay eager (they assign Variables and read Python counters,
which would make Dynamo break the graph or recompile every step); what is compiled is the part
that does the arithmetic: `model(x, training)` followed by `compute_loss`, whose backward pass
then runs through the compiled graph as well (AOTAutograd). A user's overridden `train_step`
runs as written.
"""

from __future__ import annotations

import warnings


def resolve_jit_compile(jit_compile, run_eagerly) -> bool:
    """Keras's rule: `"auto"` is eager on torch; `run_eagerly=True` wins over `jit_compile=True`."""
    if jit_compile == "auto":
        return False
    if not isinstance(jit_compile, bool):
        raise ValueError(f"`jit_compile` must be a boolean or 'auto'. Received: jit_compile={jit_compile!r}")
    if jit_compile and run_eagerly:
        warnings.warn("If `run_eagerly` is True, then `jit_compile` cannot also be True. Disabling `jit_compile`.",
                      stacklevel=3)
        return False
    return jit_compile


class StepFunctions:
    """The forward+loss and predict functions of one compiled model, eager or `torch.compile`d."""

    def __init__(self, model, jit_compile: bool):
        self.forward_and_loss = model._forward_and_loss
        self.forward = model._call_for_step
        if jit_compile:
            import torch

            # Inductor's own RNG would give dropout masks other than the eager run's; falling back
            # to torch's generator keeps a compiled fit on the same seeded trajectory.
            options = {"fallback_random": True}
            self.forward_and_loss = torch.compile(self.forward_and_loss, options=options)
            self.forward = torch.compile(self.forward, options=options)
