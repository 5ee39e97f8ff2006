"""`CallbackList`: one object that forwards every hook to a list of callbacks.

Per-batch cost is kept near zero: a batch hook only reaches the callbacks that override
it (or its legacy alias), and when nobody does, the call returns at once. Log values that
are torch tensors are converted to Python floats (a host synchronisation) only when a
callback receiving them needs floats; the progress bar takes tensors and converts them
when it draws.
"""

from __future__ import annotations

import numpy as np
import torch

from kerasbridge.callbacks.callback import Callback, is_default_hook
from kerasbridge.callbacks.history import History
from kerasbridge.callbacks.progbar_logger import ProgbarLogger
from kerasbridge.utils.progbar import tensor_to_numpy

# Batch hook -> the methods whose override makes a callback listen to it. The training
# hooks' defaults forward to the legacy `on_batch_*` aliases.
_BATCH_HOOKS = {
    "on_batch_begin": ("on_batch_begin",),
    "on_batch_end": ("on_batch_end",),
    "on_train_batch_begin": ("on_train_batch_begin", "on_batch_begin"),
    "on_train_batch_end": ("on_train_batch_end", "on_batch_end"),
    "on_test_batch_begin": ("on_test_batch_begin",),
    "on_test_batch_end": ("on_test_batch_end",),
    "on_predict_batch_begin": ("on_predict_batch_begin",),
    "on_predict_batch_end": ("on_predict_batch_end",),
}


def _to_python(value):
    """Keras's per-value conversion: tensors to numpy, then `float` where that works."""
    if isinstance(value, torch.Tensor):
        value = tensor_to_numpy(value)
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(())
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def flatten_logs(logs, convert: bool = True) -> dict:
    """Flatten nested dicts of logs into one dict with sorted keys.

    Args:
        logs: Dict (possibly nested) or `None`.
        convert: Convert every value to a Python float where possible (as Keras does
            before calling callbacks). With `False`, torch tensors are kept unconverted.
    """
    result = {}
    if not logs:
        return result
    for key, value in sorted(logs.items()):
        if isinstance(value, dict):
            result.update(flatten_logs(value, convert))
        elif not convert and isinstance(value, torch.Tensor):
            result[key] = value
        else:
            result[key] = _to_python(value)
    return result


def _listens(callback, hook: str) -> bool:
    return any(not is_default_hook(getattr(callback, name)) for name in _BATCH_HOOKS[hook])


class CallbackList(Callback):
    """A list of callbacks called as one.

    Args:
        callbacks: Callback instances (a list, possibly nested, or `None`).
        add_history: Append a `History` callback unless one is already in the list.
        add_progbar: Append a `ProgbarLogger` unless one is already in the list.
        model: The model the callbacks act on; also gets `model.history`.
        **params: Run parameters handed to every callback's `set_params`
            (`verbose`, `epochs`, `steps`).
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        self.callbacks = _flatten_callbacks(callbacks)
        self._in_begin_end_block_count = 0
        self._history = None
        self._progbar = None
        for callback in self.callbacks:
            if isinstance(callback, ProgbarLogger):
                self._progbar = callback
            elif isinstance(callback, History):
                self._history = callback
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)
        self._refresh_listeners()
        self.set_model(model)
        self.set_params(params)

    # -- configuration ----------------------------------------------------------------------------
    def append(self, callback) -> None:
        """Add a callback at the end of the list (given the list's model and params)."""
        self.callbacks.append(callback)
        if self._model is not None:
            callback.set_model(self._model)
        if self.params:
            callback.set_params(self.params)
        if self._history is None and isinstance(callback, History):
            self._history = callback
            if self._model is not None:
                self._model.history = callback
        if self._progbar is None and isinstance(callback, ProgbarLogger):
            self._progbar = callback
        self._refresh_listeners()

    def set_params(self, params):
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    def set_model(self, model):
        if model is None:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    def _refresh_listeners(self) -> None:
        self._listeners = {hook: [cb for cb in self.callbacks if _listens(cb, hook)] for hook in _BATCH_HOOKS}

    # -- what the engine needs to produce ---------------------------------------------------------
    def _logs_needed(self, hook: str) -> bool:
        return any(cb._kerasbridge_uses_batch_logs(hook) for cb in self._listeners[hook])

    @property
    def needs_batch_logs(self) -> bool:
        """Whether some callback reads the logs of `on_train_batch_end`.

        When `False`, the engine may call `on_train_batch_end(step)` without logs and so
        skip computing per-batch metric results.
        """
        return self._logs_needed("on_train_batch_end")

    @property
    def needs_test_batch_logs(self) -> bool:
        """Whether some callback reads the logs of `on_test_batch_end`."""
        return self._logs_needed("on_test_batch_end")

    @property
    def needs_predict_batch_logs(self) -> bool:
        """Whether some callback reads the `{"outputs": ...}` logs of `on_predict_batch_end`."""
        return self._logs_needed("on_predict_batch_end")

    def has_batch_hooks(self, hook: str = "on_train_batch_end") -> bool:
        """Whether any callback overrides the batch hook `hook` at all."""
        return bool(self._listeners[hook])

    # -- dispatch ---------------------------------------------------------------------------------
    def _dispatch_batch(self, hook: str, batch, logs) -> None:
        listeners = self._listeners[hook]
        if not listeners:
            return
        lazy = all(cb._kerasbridge_accepts_lazy_logs(hook) for cb in listeners)
        logs = flatten_logs(logs, convert=not lazy)
        for callback in listeners:
            getattr(callback, hook)(batch, logs=logs)

    def _begin_block(self) -> None:
        self._in_begin_end_block_count += 1
        # Callbacks may have been added to `self.callbacks` or patched since construction.
        self._refresh_listeners()

    def _end_block(self) -> None:
        self._in_begin_end_block_count -= 1
        if self._in_begin_end_block_count < 0:
            raise ValueError("`on_xxx_end` called without corresponding `on_xxx_begin`")

    def on_batch_begin(self, batch, logs=None):
        self._dispatch_batch("on_batch_begin", batch, logs)

    def on_batch_end(self, batch, logs=None):
        self._dispatch_batch("on_batch_end", batch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._dispatch_batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._dispatch_batch("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._dispatch_batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._dispatch_batch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._dispatch_batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._dispatch_batch("on_predict_batch_end", batch, logs)

    def on_epoch_begin(self, epoch, logs=None):
        logs = flatten_logs(logs)
        for callback in self.callbacks:
            callback.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        logs = flatten_logs(logs)
        for callback in self.callbacks:
            callback.on_epoch_end(epoch, logs)

    def on_train_begin(self, logs=None):
        self._begin_block()
        logs = flatten_logs(logs)
        for callback in self.callbacks:
            callback.on_train_begin(logs)

    def on_train_end(self, logs=None):
        logs = flatten_logs(logs)
        for callback in self.callbacks:
            callback.on_train_end(logs)
        self._end_block()

    def on_test_begin(self, logs=None):
        self._begin_block()
        logs = flatten_logs(logs)
        for callback in self.callbacks:
            callback.on_test_begin(logs)

    def on_test_end(self, logs=None):
        logs = flatten_logs(logs)
        for callback in self.callbacks:
            callback.on_test_end(logs)
        self._end_block()

    def on_predict_begin(self, logs=None):
        self._begin_block()
        logs = flatten_logs(logs)
        for callback in self.callbacks:
            callback.on_predict_begin(logs)

    def on_predict_end(self, logs=None):
        logs = flatten_logs(logs)
        for callback in self.callbacks:
            callback.on_predict_end(logs)
        self._end_block()


def _flatten_callbacks(callbacks) -> list:
    if not callbacks:
        return []
    if isinstance(callbacks, Callback):
        return [callbacks]
    flat = []
    for item in callbacks:
        flat.extend(_flatten_callbacks(item) if isinstance(item, (list, tuple)) else [item])
    return flat


__all__ = ["CallbackList"]
