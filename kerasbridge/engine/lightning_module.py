"""`KerasLightningModule`: a compiled Keras model as a `lightning.LightningModule`.

Lightning owns the loop (devices, strategies, precision plugins, the epoch and batch
iteration); the model's own `train_step`/`test_step`/`predict_step` do the work, with
manual optimization because a Keras step updates its weights itself. The module's hooks
translate Lightning's events into Keras callback calls (`on_epoch_begin`,
`on_train_batch_end`, `on_test_*` during validation, ...), so Keras callbacks and the
Keras progress bar behave as in Keras.
"""

from __future__ import annotations

import inspect

import lightning
import torch

from kerasbridge.engine import device_placement, fsdp, replica_sync
from kerasbridge.engine.resume import is_skipped_step
from kerasbridge.engine.step_groups import BatchGroup, batch_range


class KerasLightningModule(lightning.LightningModule):
    """Wraps a compiled kerasbridge `Model` for a `lightning.Trainer`.

    Args:
        model: A compiled kerasbridge model.
        callbacks: Optional Keras `CallbackList` to drive from Lightning's hooks.
        initial_epoch: Epoch number of Lightning's epoch 0 (for Keras's epoch numbering).
    """

    def __init__(self, model, callbacks=None, initial_epoch: int = 0):
        super().__init__()
        self.keras_model = model
        self.automatic_optimization = False
        self.keras_callbacks = callbacks
        self.initial_epoch = initial_epoch
        self.validation_freq = 1
        self.last_train_logs: dict = {}
        self.last_eval_logs: dict = {}
        self._train_snapshot: dict | None = None
        self._val_logs: dict = {}

    # -- steps ---------------------------------------------------------------------------------
    def forward(self, *args, **kwargs):
        return self.keras_model(*args, **kwargs)

    def training_step(self, batch, batch_idx):
        if is_skipped_step(batch):  # done before a restored mid-epoch backup (engine/resume.py)
            return None
        if isinstance(batch, BatchGroup):
            for item in batch:
                logs = self._train_step(item)
        else:
            logs = self._train_step(batch)
        device_placement.end_of_execution(self.device)  # XLA: one graph per execution
        return logs

    def _train_step(self, batch):
        replica_sync.prepare_ddp_backward(self.trainer)  # DDP averages the gradients of this step
        model = self.keras_model
        callbacks = self.keras_callbacks
        if callbacks is not None and not callbacks.needs_batch_logs and model._steps_without_results()[0]:
            # Nobody reads this batch's logs: update the metrics but skip computing their results.
            x, y, y_pred, sample_weight = model._train_step_update(batch)
            with torch.no_grad():
                model._update_compiled_metrics(x, y, y_pred, sample_weight)
            return None
        return model.train_step(batch)

    def _test_step(self, batch):
        model = self.keras_model
        callbacks = self.keras_callbacks
        if callbacks is not None and not callbacks.needs_test_batch_logs and model._steps_without_results()[1]:
            x, y, y_pred, sample_weight = model._test_step_update(batch)
            with torch.no_grad():
                model._update_compiled_metrics(x, y, y_pred, sample_weight)
            return None
        return model.test_step(batch)

    def validation_step(self, batch, batch_idx):
        if isinstance(batch, BatchGroup):
            for item in batch:
                logs = self._test_step(item)
        else:
            logs = self._test_step(batch)
        device_placement.end_of_execution(self.device)
        return logs

    def test_step(self, batch, batch_idx):
        return self.validation_step(batch, batch_idx)

    def predict_step(self, batch, batch_idx, dataloader_idx=0):
        if isinstance(batch, BatchGroup):
            outputs = BatchGroup(self.keras_model.predict_step(item) for item in batch)
        else:
            outputs = self.keras_model.predict_step(batch)
        device_placement.end_of_execution(self.device)
        return outputs

    def _range(self, batch, batch_idx) -> tuple[int, int]:
        return batch_range(batch, batch_idx, self.keras_model.steps_per_execution)

    def configure_optimizers(self):
        return None

    # -- ModelParallel: shard for the loop, gather after it (engine/fsdp.py) ------------------------
    def configure_model(self) -> None:
        """Lightning's `ModelParallelStrategy` requires this hook; the sharding itself waits for `_shard_model`.

        (Lightning moves the module with `.to()` after this hook, and FSDP's `.to()` looks its parameters
        up by attribute name, where a Keras layer keeps the `Variable`, not the parameter.)
        """

    def _shard_model(self) -> None:
        mesh = fsdp.data_parallel_mesh(self.trainer)
        if mesh is not None and not fsdp.is_sharded(self.keras_model):
            fsdp.shard_model(self.keras_model, mesh)

    def _gather_model(self) -> None:
        if fsdp.is_sharded(self.keras_model):
            fsdp.gather_model(self.keras_model)

    # -- Keras callbacks from Lightning hooks ---------------------------------------------------------
    def _callbacks(self):
        return self.keras_callbacks

    def _epoch(self) -> int:
        return self.initial_epoch + self.trainer.current_epoch

    # -- data parallel: one reduction per epoch (engine/replica_sync.py) ---------------------------
    def _world(self) -> int:
        return self.trainer.world_size

    def on_fit_start(self) -> None:
        replica_sync.share_rng_state(self._world())
        self._enter_device()
        self._shard_model()

    # -- the optimizer's and metrics' state on Lightning's device (engine/device_placement.py) -----
    def _enter_device(self) -> None:
        if getattr(self, "_device_scope", None) is not None:
            return
        device_placement.place_training_state(self.keras_model, self.device)
        if self.device.type == "cpu":
            return
        self._device_scope = device_placement.variable_device_scope(self.device)
        self._device_scope.__enter__()

    def _leave_device(self) -> None:
        scope = getattr(self, "_device_scope", None)
        if scope is not None:
            self._device_scope = None
            scope.__exit__(None, None, None)

    def on_fit_end(self) -> None:
        self._gather_model()
        self._leave_device()

    def on_validation_start(self) -> None:
        self._enter_device()
        self._shard_model()

    def on_validation_end(self) -> None:
        if self.trainer.state.fn != "fit":
            self._gather_model()
            self._leave_device()

    def on_predict_start(self) -> None:
        self._enter_device()
        self._shard_model()

    def on_predict_end(self) -> None:
        self._gather_model()
        self._leave_device()

    def _reduced_metrics_result(self) -> dict:
        replica_sync.all_reduce_metrics(self.keras_model, self._world())
        return self.keras_model.get_metrics_result()

    def on_train_epoch_start(self) -> None:
        self.keras_model.reset_metrics()
        self._train_snapshot = None
        self._val_logs = {}
        if self.keras_callbacks is not None:
            self.keras_callbacks.on_epoch_begin(self._epoch())

    def on_train_batch_start(self, batch, batch_idx) -> None:
        if self.keras_callbacks is not None and not is_skipped_step(batch):
            self.keras_callbacks.on_train_batch_begin(self._range(batch, batch_idx)[0])

    def on_train_batch_end(self, outputs, batch, batch_idx) -> None:
        callbacks = self.keras_callbacks
        if callbacks is not None and not is_skipped_step(batch):
            end = self._range(batch, batch_idx)[1]
            callbacks.on_train_batch_end(end, outputs if callbacks.needs_batch_logs else None)
        if self.keras_model.stop_training and self._world() == 1:  # replicas agree at the epoch's end
            self.trainer.should_stop = True

    def on_train_epoch_end(self) -> None:
        logs = self._train_snapshot if self._train_snapshot is not None else self._reduced_metrics_result()
        logs = {**to_python(logs), **self._val_logs}
        self.last_train_logs = logs
        if self.keras_callbacks is not None:
            self.keras_callbacks.on_epoch_end(self._epoch(), logs)
        stop = replica_sync.broadcast_flag(self.keras_model.stop_training, self._world())
        self.keras_model.__dict__["stop_training"] = stop
        if stop:
            self.trainer.should_stop = True

    def on_validation_epoch_start(self) -> None:
        if self.trainer.training or self.trainer.state.fn == "fit":
            self._train_snapshot = self._reduced_metrics_result()
        self.keras_model.reset_metrics()
        if self.keras_callbacks is not None:
            self.keras_callbacks.on_test_begin()

    def on_validation_batch_start(self, batch, batch_idx, dataloader_idx=0) -> None:
        if self.keras_callbacks is not None:
            self.keras_callbacks.on_test_batch_begin(self._range(batch, batch_idx)[0])

    def on_validation_batch_end(self, outputs, batch, batch_idx, dataloader_idx=0) -> None:
        callbacks = self.keras_callbacks
        if callbacks is not None:
            end = self._range(batch, batch_idx)[1]
            callbacks.on_test_batch_end(end, outputs if callbacks.needs_test_batch_logs else None)

    def on_validation_epoch_end(self) -> None:
        logs = to_python(self._reduced_metrics_result())
        self.last_eval_logs = logs
        if self.keras_callbacks is not None:
            self.keras_callbacks.on_test_end(logs)
        if self.trainer.state.fn == "fit":
            self._val_logs = {f"val_{name}": value for name, value in logs.items()}

    def on_predict_batch_start(self, batch, batch_idx, dataloader_idx=0) -> None:
        if self.keras_callbacks is not None:
            self.keras_callbacks.on_predict_batch_begin(self._range(batch, batch_idx)[0])

    def on_predict_batch_end(self, outputs, batch, batch_idx, dataloader_idx=0) -> None:
        callbacks = self.keras_callbacks
        if callbacks is not None:
            logs = {"outputs": outputs} if callbacks.needs_predict_batch_logs else None
            callbacks.on_predict_batch_end(self._range(batch, batch_idx)[1], logs)


# Lightning inspects the signature of the step hooks on every batch (`is_param_in_hook_signature`);
# a precomputed `__signature__` spares it re-deriving the same answer from the code object each time.
for _hook in ("training_step", "validation_step", "test_step", "predict_step"):
    _function = KerasLightningModule.__dict__[_hook]
    _function.__signature__ = inspect.signature(_function)
del _hook, _function


def to_python(logs: dict) -> dict:
    """Metric results as Python floats (one host sync for the whole dict)."""
    if not logs:
        return {}
    names, values = zip(*logs.items())
    tensors = [v.detach().reshape(()).float() for v in values if isinstance(v, torch.Tensor)]
    if len(tensors) == len(values):
        return dict(zip(names, torch.stack(tensors).tolist()))
    return {name: float(value) for name, value in logs.items()}
