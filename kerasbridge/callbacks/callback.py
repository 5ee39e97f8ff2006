"""`Callback`: the hooks that `fit`, `evaluate` and `predict` call, all no-ops by default."""

from __future__ import annotations


def _no_op_default(method):
    """Mark a hook as the do-nothing default, so `CallbackList` can skip callbacks that
    leave it alone (see `is_default_hook`)."""
    method._kerasbridge_default_hook = True
    return method


def is_default_hook(method) -> bool:
    """Whether `method` (bound or not) is a `Callback` default that does nothing."""
    return getattr(method, "_kerasbridge_default_hook", False)


class Callback:
    """Base class of the objects that hook into training, evaluation and prediction.

    Subclass it and override the hooks you need; pass instances to `fit()`,
    `evaluate()` or `predict()`. Batch-level hooks fire once per engine step (every
    `steps_per_execution` batches), with the index of the last batch of the step.

    Attributes:
        params: Dict of run parameters set by the loop: `verbose`, `epochs`, `steps`.
        model: The `Model` being trained, evaluated or used for prediction.
    """

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        model = self._model
        # Keras callbacks expect the Keras model, not a DistributedDataParallel wrapper.
        if type(model).__name__ == "DistributedDataParallel" and hasattr(model, "module"):
            return model.module
        return model

    # -- legacy aliases of the training batch hooks ----------------------------------------------
    @_no_op_default
    def on_batch_begin(self, batch, logs=None):
        """Backwards-compatible alias of `on_train_batch_begin`."""

    @_no_op_default
    def on_batch_end(self, batch, logs=None):
        """Backwards-compatible alias of `on_train_batch_end`."""

    # -- epochs -----------------------------------------------------------------------------------
    @_no_op_default
    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of each training epoch.

        Args:
            epoch: Index of the epoch (0-based).
            logs: Dict; currently empty.
        """

    @_no_op_default
    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of each training epoch, after validation.

        Args:
            epoch: Index of the epoch (0-based).
            logs: Dict of the epoch's metric results; validation results are prefixed
                with `val_` (e.g. `{"loss": 0.2, "val_loss": 0.3}`).
        """

    # -- batches ----------------------------------------------------------------------------------
    @_no_op_default
    def on_train_batch_begin(self, batch, logs=None):
        """Called before a training batch. Defaults to calling `on_batch_begin`.

        Args:
            batch: Index of the batch within the epoch.
            logs: Dict; currently empty.
        """
        self.on_batch_begin(batch, logs=logs)

    @_no_op_default
    def on_train_batch_end(self, batch, logs=None):
        """Called after a training batch. Defaults to calling `on_batch_end`.

        Args:
            batch: Index of the batch within the epoch.
            logs: Dict of the metric results accumulated so far in the epoch.
        """
        self.on_batch_end(batch, logs=logs)

    @_no_op_default
    def on_test_batch_begin(self, batch, logs=None):
        """Called before a batch of `evaluate()` or of the validation inside `fit()`.

        Args:
            batch: Index of the batch.
            logs: Dict; currently empty.
        """

    @_no_op_default
    def on_test_batch_end(self, batch, logs=None):
        """Called after a batch of `evaluate()` or of the validation inside `fit()`.

        Args:
            batch: Index of the batch.
            logs: Dict of the metric results accumulated so far.
        """

    @_no_op_default
    def on_predict_batch_begin(self, batch, logs=None):
        """Called before a batch of `predict()`.

        Args:
            batch: Index of the batch.
            logs: Dict; currently empty.
        """

    @_no_op_default
    def on_predict_batch_end(self, batch, logs=None):
        """Called after a batch of `predict()`.

        Args:
            batch: Index of the batch.
            logs: Dict with the batch's predictions under `"outputs"`.
        """

    # -- whole runs -------------------------------------------------------------------------------
    @_no_op_default
    def on_train_begin(self, logs=None):
        """Called once when `fit()` starts.

        Args:
            logs: Dict; currently empty.
        """

    @_no_op_default
    def on_train_end(self, logs=None):
        """Called once when `fit()` ends.

        Args:
            logs: Dict; the logs of the last `on_epoch_end`.
        """

    @_no_op_default
    def on_test_begin(self, logs=None):
        """Called when `evaluate()` or the validation inside `fit()` starts.

        Args:
            logs: Dict; currently empty.
        """

    @_no_op_default
    def on_test_end(self, logs=None):
        """Called when `evaluate()` or the validation inside `fit()` ends.

        Args:
            logs: Dict of the final metric results.
        """

    @_no_op_default
    def on_predict_begin(self, logs=None):
        """Called when `predict()` starts.

        Args:
            logs: Dict; currently empty.
        """

    @_no_op_default
    def on_predict_end(self, logs=None):
        """Called when `predict()` ends.

        Args:
            logs: Dict; currently empty.
        """

    # -- kerasbridge engine hints (private) ----------------------------------------------------
    def _kerasbridge_uses_batch_logs(self, hook: str) -> bool:
        """Whether the content of `logs` matters to this callback's `hook` (a batch-end hook).

        The engine builds per-batch logs only when some callback says yes.
        """
        return True

    def _kerasbridge_accepts_lazy_logs(self, hook: str) -> bool:
        """Whether `hook` accepts log values that are still torch tensors (converted to
        Python floats only when needed). Plain callbacks get Python floats, as in Keras."""
        return False


__all__ = ["Callback"]
