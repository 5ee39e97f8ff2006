"""`LambdaCallback`: a callback made of plain functions."""

from __future__ import annotations

from kerasbridge.callbacks.callback import Callback

_NAMED_HOOKS = (
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_begin",
    "on_train_end",
    "on_train_batch_begin",
    "on_train_batch_end",
)


class LambdaCallback(Callback):
    """Build a callback on the fly from functions.

    Each function replaces the hook of the same name and is called with that hook's
    arguments: `(epoch, logs)` for epoch hooks, `(logs)` for begin/end hooks and
    `(batch, logs)` for batch hooks (`logs` passed by keyword).

    Args:
        on_epoch_begin: Called at the start of every epoch.
        on_epoch_end: Called at the end of every epoch.
        on_train_begin: Called when training starts.
        on_train_end: Called when training ends.
        on_train_batch_begin: Called before every training batch.
        on_train_batch_end: Called after every training batch.
        **kwargs: Any other hook, e.g. `on_test_end=fn`, or extra attributes.

    Example:

    ```python
    print_batch = LambdaCallback(on_train_batch_begin=lambda batch, logs: print(batch))
    model.fit(x, y, callbacks=[print_batch])
    ```
    """

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_train_begin=None,
        on_train_end=None,
        on_train_batch_begin=None,
        on_train_batch_end=None,
        **kwargs,
    ):
        super().__init__()
        self.__dict__.update(kwargs)
        given = locals()
        for name in _NAMED_HOOKS:
            function = given[name]
            if function is not None:
                setattr(self, name, function)


__all__ = ["LambdaCallback"]
