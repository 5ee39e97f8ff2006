"""`SwapEMAWeights`: evaluate and predict with the optimizer's moving average of the weights."""

from __future__ import annotations

import torch

from kerasbridge.callbacks.callback import Callback


class SwapEMAWeights(Callback):
    """Swap the model's weights with their exponential moving average (EMA) for evaluation.

    With an optimizer created with `use_ema=True`, the optimizer keeps a moving average of
    every trainable variable. This callback puts the averages into the model before
    `evaluate()`/`predict()` (and the validation inside `fit()`) and puts the trained
    weights back afterwards, so metrics are computed with the EMA weights.

    Args:
        swap_on_epoch: Also swap at the end of every epoch, so that callbacks that run
            after this one at the end of an epoch (e.g. `ModelCheckpoint`) see the EMA
            weights; the trained weights come back at the start of the next epoch. After
            the last epoch the model keeps the EMA weights.

    Example:

    ```python
    model.compile(optimizer=SGD(use_ema=True), loss="mse")
    model.fit(x, y, validation_data=(x_val, y_val), callbacks=[SwapEMAWeights(swap_on_epoch=True),
                                                               ModelCheckpoint("best.keras")])
    ```
    """

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _ema_optimizers(self) -> list:
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        if hasattr(optimizer, "optimizers"):
            if not any(getattr(opt, "use_ema", False) for opt in optimizer.optimizers):
                raise ValueError(
                    "SwapEMAWeights must be used when at least one inner optimizer has `use_ema=True` set. "
                    "Received a MultiOptimizer with all inner optimizers having `use_ema=False`."
                )
            candidates = [opt for opt in optimizer.optimizers if getattr(opt, "use_ema", False)]
        else:
            candidates = [optimizer]
        for opt in candidates:
            if not hasattr(opt, "_model_variables_moving_average"):
                raise ValueError(
                    "SwapEMAWeights must be used when `use_ema=True` is set on the optimizer. "
                    f"Received: use_ema={getattr(opt, 'use_ema', False)}"
                )
        return candidates

    def _pairs(self):
        for optimizer in self._ema_optimizers():
            for variable, average in zip(optimizer._trainable_variables, optimizer._model_variables_moving_average):
                if average is not None:
                    yield variable, average

    def _swap_variables(self) -> None:
        with torch.no_grad():
            for variable, average in self._pairs():
                trained = variable.value.detach().clone()
                variable.assign(average.value)
                average.assign(trained)

    def _finalize_ema_values(self) -> None:
        with torch.no_grad():
            for variable, average in self._pairs():
                average.assign(variable.value)

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch and self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True
            if epoch == self.params["epochs"] - 1:
                self._finalize_ema_values()

    def on_test_begin(self, logs=None):
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_test_end(self, logs=None):
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_predict_begin(self, logs=None):
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_predict_end(self, logs=None):
        # Keras 3.15 tests the flag the wrong way round here and so leaves the EMA weights in
        # the model after `predict()`; kerasbridge puts the trained weights back.
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    # -- BackupAndRestore ----------------------------------------------------------------------
    def _kerasbridge_state(self) -> dict:
        return {"ema_weights_in_model": self._ema_weights_in_model}

    def _kerasbridge_set_state(self, state: dict) -> None:
        self._ema_weights_in_model = state["ema_weights_in_model"]


__all__ = ["SwapEMAWeights"]
