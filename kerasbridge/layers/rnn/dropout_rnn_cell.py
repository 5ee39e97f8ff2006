"""`DropoutRNNCell`: the dropout-mask bookkeeping shared by the built-in RNN cells."""

from __future__ import annotations

import torch

from kerasbridge import random as kb_random


class DropoutRNNCell:
    """Mixin that creates one dropout mask per RNN call and reuses it at every timestep.

    Not a cell by itself: a cell mixes it in and defines `dropout`,
    `recurrent_dropout` (rates in `[0, 1]`) and `seed_generator`. A cell that
    needs one mask per gate sets `dropout_mask_count`; the masks are then lists.
    The RNN layer clears the cached masks after each call, so every batch draws
    fresh masks while all timesteps of one batch share them.
    """

    def _create_dropout_mask(self, step_input, rate):
        ones = torch.ones_like(step_input)
        count = getattr(self, "dropout_mask_count", None)
        if count is None:
            return kb_random.dropout(ones, rate=rate, seed=self.seed_generator)
        return [kb_random.dropout(ones, rate=rate, seed=self.seed_generator) for _ in range(count)]

    def get_dropout_mask(self, step_input):
        """The cached input-dropout mask (created on first use), or `None` without dropout."""
        if getattr(self, "_dropout_mask", None) is None and self.dropout > 0:
            self._dropout_mask = self._create_dropout_mask(step_input, self.dropout)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_input):
        """The cached recurrent-dropout mask (created on first use), or `None` without it."""
        if getattr(self, "_recurrent_dropout_mask", None) is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._create_dropout_mask(step_input, self.recurrent_dropout)
        return getattr(self, "_recurrent_dropout_mask", None)

    def _compute_value(self, variable):
        """`variable`'s tensor in the cell's compute dtype (weights are autocast under mixed precision)."""
        value = variable.value
        dtype = self._torch_compute_dtype
        if value.dtype != dtype and self.autocast and variable.autocast and value.is_floating_point():
            value = value.to(dtype)
        return value

    def reset_dropout_mask(self):
        """Forget the cached input-dropout mask (the RNN layer calls this after each call)."""
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        """Forget the cached recurrent-dropout mask."""
        self._recurrent_dropout_mask = None
