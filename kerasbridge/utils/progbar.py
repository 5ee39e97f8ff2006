"""The Keras progress bar, drawn with the same characters as Keras 3.

Values handed to `Progbar.update` may be Python numbers, numpy values or torch tensors
(on any device). They are kept as they are and only turned into host numbers when a line
is actually drawn; with `verbose=1` drawing is throttled to one line every `interval`
seconds, so a training loop that passes device tensors every step synchronises with the
device only at that rate.
"""

from __future__ import annotations

import math
import os
import sys
import time

import numpy as np
import torch

from kerasbridge.utils import io_utils

_BAR = "\u2501"
_BOLD = "\x1b[1m"
_GREEN = "\x1b[32m"
_GREY = "\x1b[37m"
_RESET = "\x1b[0m"
# Characters of escape codes around one styled segment: style + reset.
_BOLD_OVERHEAD = len(_BOLD) + len(_RESET)
_COLOR_OVERHEAD = len(_GREEN) + len(_RESET)


def tensor_to_numpy(value: torch.Tensor) -> np.ndarray:
    """Copy a tensor to a host numpy array (bfloat16 becomes float32, as in Keras)."""
    value = value.detach()
    if value.dtype == torch.bfloat16:
        value = value.float()
    return value.cpu().numpy()


def _mean_on_host(value):
    """Keras's reduction of a non-float metric value before display: `np.mean`."""
    if isinstance(value, torch.Tensor):
        value = tensor_to_numpy(value)
    return np.mean(value)


def _is_dynamic_display() -> bool:
    """Whether the bar is redrawn in place (`\\b`/`\\r`) rather than on a fresh line.

    This is Keras's rule verbatim in behaviour: a TTY, a Jupyter kernel, PyCharm, or any
    POSIX system (where the ``posix`` module is always loaded), so on Linux and macOS the
    bar redraws in place even when stdout is a file or a pipe.
    """
    isatty = getattr(sys.stdout, "isatty", None)
    return (
        (isatty is not None and isatty())
        or "ipykernel" in sys.modules
        or "posix" in sys.modules
        or "PYCHARM_HOSTED" in os.environ
    )


def _format_step_time(seconds_per_unit: float, unit_name: str) -> str:
    if seconds_per_unit >= 1 or seconds_per_unit == 0:
        return f" {seconds_per_unit:.0f}s/{unit_name}"
    if seconds_per_unit >= 1e-3:
        return f" {seconds_per_unit * 1e3:.0f}ms/{unit_name}"
    return f" {seconds_per_unit * 1e6:.0f}us/{unit_name}"


def _format_eta(eta: float) -> str:
    # `int` truncates like printf's %d.
    if eta > 3600:
        return f"{int(eta // 3600)}:{int((eta % 3600) // 60):02d}:{int(eta % 60):02d}"
    if eta > 60:
        return f"{int(eta // 60)}:{int(eta % 60):02d}"
    return f"{int(eta)}s"


class Progbar:
    """Displays a progress bar.

    Without `stateful_metrics` and `stateless_metrics`, every value is treated as
    stateless: the bar shows its average over the steps seen so far.

    Args:
        target: Total number of steps expected, or `None` if unknown.
        width: Width of the bar, in characters.
        verbose: 0 (silent), 1 (a bar redrawn as it progresses) or 2 (one line at the end).
        interval: Minimum number of seconds between two redraws with `verbose=1`.
        stateful_metrics: Names of values shown as given rather than averaged. Cannot be
            combined with `stateless_metrics`.
        stateless_metrics: Names of values that are averaged; every other value is shown
            as given. Cannot be combined with `stateful_metrics`.
        unit_name: Name of one step in the timing field (`"step"`, `"sample"`...).
    """

    def __init__(
        self,
        target,
        width=20,
        verbose=1,
        interval=0.05,
        stateful_metrics=None,
        stateless_metrics=None,
        unit_name="step",
    ):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError(
                "Only one of `stateful_metrics` or `stateless_metrics` "
                "can be provided. `stateful_metrics` is used to make metrics "
                "stateless by default (with an exclusion list), while "
                "`stateless_metrics` is used to make metrics stateful by "
                "default (with an exclusion list)."
            )
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        if stateless_metrics is not None:
            self.stateful_metrics = None
            self.stateless_metrics = set(stateless_metrics)
        else:
            self.stateful_metrics = set(stateful_metrics or ())
            self.stateless_metrics = None
        self._dynamic_display = _is_dynamic_display()
        self._seen_so_far = 0
        # name -> [sum of (value x steps), steps]; values stay unconverted until drawn.
        self._values = {}
        self._values_order = []
        self._start = time.time()
        self._last_update = 0
        self._time_at_epoch_start = self._start
        self._time_after_first_step = None
        self._prev_total_width = 0

    # -- public API -----------------------------------------------------------------------------
    def update(self, current, values=None, finalize=None):
        """Move the bar to step `current`.

        Args:
            current: Index of the current step (1-based count of steps done).
            values: List of `(name, value)` pairs for the last step. Stateful names are
                shown as given; the others are averaged over the steps seen.
            finalize: Whether this is the last update. Defaults to `current >= target`
                (and to `False` when the target is unknown).
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or ():
            self._record(name, value, current, finalize)
        self._seen_so_far = current

        now = time.time()
        seconds_per_step = self._estimate_step_duration(current, now)
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            self._draw_bar(current, finalize, now, seconds_per_step)
        elif self.verbose == 2:
            if finalize and self.target is not None and self.target > 0:
                self._draw_summary_line(current, now, seconds_per_step)
        self._last_update = now

    def add(self, n, values=None):
        """Advance the bar by `n` steps."""
        self.update(self._seen_so_far + n, values)

    # -- bookkeeping ----------------------------------------------------------------------------
    def _is_averaged(self, name) -> bool:
        if self.stateful_metrics is not None:
            return name not in self.stateful_metrics
        return name in self.stateless_metrics

    def _record(self, name, value, current, finalize) -> None:
        if name not in self._values_order:
            self._values_order.append(name)
        if not self._is_averaged(name) or finalize:
            # Shown as given (a final update replaces any running average).
            self._values[name] = [value, 1]
            return
        # Steps covered by this update; at least one, so that a repeated step still counts.
        steps = max(current - self._seen_so_far, 1)
        entry = self._values.get(name)
        if entry is None:
            self._values[name] = [value * steps, steps]
        else:
            entry[0] += value * steps
            entry[1] += steps

    def _average(self, name):
        total, count = self._values[name]
        if not isinstance(total, float):
            total = _mean_on_host(total)
        return total / max(1, count)

    def _estimate_step_duration(self, current, now) -> float:
        """Seconds per step; the first step (often slow: compilation, warm-up) is left out
        of the estimate once later steps exist."""
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            duration = (now - self._time_after_first_step) / (current - 1)
        else:
            duration = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return duration

    # -- drawing --------------------------------------------------------------------------------
    def _draw_bar(self, current, finalize, now, seconds_per_step) -> None:
        if self._dynamic_display:
            prefix = "\b" * self._prev_total_width + "\r"
        else:
            prefix = "\n"

        known_target = self.target is not None and self.target > 0
        hidden = 0  # characters taken by escape codes, not shown on screen
        if known_target:
            digits = int(math.log10(self.target)) + 1
            counter = f"%{digits}d/%d" % (current, self.target)
            done = int(self.width * (float(current) / self.target))
            bar = f"{_BOLD}{counter}{_RESET} "
            hidden += _BOLD_OVERHEAD
            if done > 0:
                bar += f"{_GREEN}{_BAR * done}{_RESET}"
                hidden += _COLOR_OVERHEAD
            bar += f"{_GREY}{_BAR * (self.width - done)}{_RESET}"
            hidden += _COLOR_OVERHEAD
        else:
            bar = f"{int(current):7d}/Unknown"

        if known_target and not finalize:
            clock = _format_eta(seconds_per_step * (self.target - current))
        else:
            clock = f"{now - self._start:.0f}s"
        info = f" {_BOLD}{clock}{_RESET}"
        hidden += _BOLD_OVERHEAD
        info += _format_step_time(seconds_per_step, self.unit_name)
        for name in self._values_order:
            avg = self._average(name)
            info += f" - {name}: {avg:.4f}" if abs(avg) > 1e-3 else f" - {name}: {avg:.4e}"

        total_width = len(bar) + len(info) - hidden
        message = prefix + bar + info
        if self._prev_total_width > total_width:
            message += " " * (self._prev_total_width - total_width)
        if finalize:
            message += "\n"
        io_utils.print_msg(message, line_break=False)
        self._prev_total_width = total_width

    def _draw_summary_line(self, current, now, seconds_per_step) -> None:
        digits = int(math.log10(self.target)) + 1
        line = f"%{digits}d/%d" % (current, self.target) + f" - {now - self._start:.0f}s"
        line += " -" + _format_step_time(seconds_per_step, self.unit_name)
        for name in self._values_order:
            avg = self._average(name)
            # Keras compares the signed value here (not its magnitude), so negatives use `e`.
            line += f" - {name}: {avg:.4f}" if avg > 1e-3 else f" - {name}: {avg:.4e}"
        io_utils.print_msg(line + "\n", line_break=False)


__all__ = ["Progbar"]
