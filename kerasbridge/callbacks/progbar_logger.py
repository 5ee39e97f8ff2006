"""`ProgbarLogger`: prints `Epoch i/N` and the progress bar of `fit`, `evaluate`, `predict`."""

from __future__ import annotations

from kerasbridge.callbacks.callback import Callback
from kerasbridge.utils import io_utils
from kerasbridge.utils.progbar import Progbar


class ProgbarLogger(Callback):
    """Prints the progress bar and metrics to stdout.

    It reads `params["verbose"]` (`"auto"` means 1), `params["epochs"]` and
    `params["steps"]` (steps per epoch; `None` when unknown, in which case the count of
    the first epoch becomes the target). With `verbose=1` the bar is redrawn as batches
    end; with `verbose=2` one line is printed per epoch. Inside `fit()` the validation
    run is silent; a standalone `evaluate()` or `predict()` draws its own bar.
    """

    def __init__(self):
        super().__init__()
        self.seen = 0
        self.progbar = None
        self.target = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False

    def set_params(self, params):
        super().set_params(params)
        verbose = params["verbose"]
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params["epochs"]
        self.target = params["steps"]

    # -- hooks ------------------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        # From here on, test hooks belong to fit's validation, which draws nothing.
        self._called_in_fit = True

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._start_new_bar()

    def on_predict_begin(self, logs=None):
        self._start_new_bar()

    def on_epoch_begin(self, epoch, logs=None):
        self._start_new_bar()
        if self.verbose and self.epochs > 1:
            io_utils.print_msg(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch, logs=None):
        self._advance(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._advance(batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        # Predictions are not metrics: only the position moves.
        self._advance(batch, None)

    def on_epoch_end(self, epoch, logs=None):
        self._finish(logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finish(logs)

    def on_predict_end(self, logs=None):
        self._finish(logs)

    # -- the bar ----------------------------------------------------------------------------------
    def _start_new_bar(self) -> None:
        self.seen = 0
        self.progbar = None
        self._ensure_bar()

    def _ensure_bar(self) -> None:
        if self.progbar is None:
            # Every value is shown as given: the loop already hands over running means.
            self.progbar = Progbar(
                target=self.target, verbose=self.verbose, unit_name="step", stateless_metrics=set()
            )

    def _advance(self, batch, logs) -> None:
        self._ensure_bar()
        self.seen = batch + 1
        if self.verbose == 1:
            self.progbar.update(self.seen, list((logs or {}).items()), finalize=False)

    def _finish(self, logs) -> None:
        if self.target is None:
            # Unknown length: the first epoch's count becomes the target of later ones.
            self.target = self.seen
            self.progbar.target = self.target
        self.progbar.update(self.target, list((logs or {}).items()), finalize=True)

    # -- kerasbridge engine hints -----------------------------------------------------------------
    def _own_hook(self, hook: str) -> bool:
        return getattr(type(self), hook, None) is getattr(ProgbarLogger, hook, None)

    def _kerasbridge_uses_batch_logs(self, hook: str) -> bool:
        if not self._own_hook(hook):
            return True  # a subclass changed the hook: assume it reads the logs
        if hook == "on_train_batch_end":
            return self.verbose == 1
        if hook == "on_test_batch_end":
            return self.verbose == 1 and not self._called_in_fit
        return False

    def _kerasbridge_accepts_lazy_logs(self, hook: str) -> bool:
        # The bar converts tensors itself, and only when it draws.
        return self._own_hook(hook)


__all__ = ["ProgbarLogger"]
