"""`TensorBoard`: write scalars, histograms, images and the model graph as TensorBoard event files."""

from __future__ import annotations

import importlib.util
import os
import time

import numpy as np

from kerasbridge.callbacks.callback import Callback
from kerasbridge.callbacks.learning_rate_scheduler import _as_float
from kerasbridge.callbacks.tensorboard_summaries import (
    keras_model_summary,
    weight_as_image,
    write_projector_config,
)


class TensorBoard(Callback):
    """Log training to TensorBoard (needs the optional `tensorboard` package).

    Files are laid out as Keras lays them out: `log_dir/train/` holds the training scalars
    `epoch_<name>` (the epoch's logs plus `epoch_learning_rate`), the per-batch scalars
    `batch_<name>` (with `update_freq`), the weight histograms and images and the model
    graph; `log_dir/validation/` holds the validation scalars under the same `epoch_<name>`
    tags (without the `val_` prefix) and `evaluation_<name>_vs_iterations`, stepped by the
    optimizer's iteration count. View them with `tensorboard --logdir log_dir`.

    Args:
        log_dir: Directory of the event files. Defaults to `"logs"`.
        histogram_freq: Every this many epochs, write a histogram of every weight (0: never).
        write_graph: Write the model's Keras graph (its configuration), shown in TensorBoard's
            graph dashboard.
        write_images: With `histogram_freq`, also write the weights as images.
        write_steps_per_second: Also log the training steps per second (per epoch, and per
            batch with `update_freq`).
        update_freq: `"epoch"`, `"batch"` or an integer `N`: with `"batch"` or `N`, the
            training logs are also written every `N` batches as `batch_<name>`, with the
            global batch count as step.
        profile_batch: Must be 0: profiling is not available with the torch backend (as in
            Keras's torch backend).
        embeddings_freq: Every this many epochs, save the weights for TensorBoard's
            embedding projector (`train/keras_embedding.ckpt-<epoch>.weights.h5`).
        embeddings_metadata: Path of a metadata file for the embeddings, or a dict from
            `Embedding` layer name to metadata file path.

    Example:

    ```python
    tensorboard = TensorBoard(log_dir="./logs", histogram_freq=1, update_freq=10)
    model.fit(x, y, epochs=5, callbacks=[tensorboard])
    ```
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0, embeddings_freq=0,
                 embeddings_metadata=None):
        super().__init__()
        if importlib.util.find_spec("tensorboard") is None:
            raise ImportError(
                "The TensorBoard callback needs the `tensorboard` package: `pip install tensorboard` "
                "(or `pip install kerasbridge[test]`)."
            )
        if profile_batch:
            raise ValueError(
                "Profiling is not yet available with the torch backend. Please open a PR if you'd like to add "
                f"this feature. Received: profile_batch={profile_batch} (must be 0)"
            )
        self.log_dir = str(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._global_train_batch = 0
        self._global_test_batch = 0
        self._previous_epoch_iterations = 0
        self._batch_start_time = 0.0
        self._epoch_start_time = 0.0
        self._writers = {}

    # -- writers -------------------------------------------------------------------------------
    def set_model(self, model):
        super().set_model(model)
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")
        self._close_writers()
        if self.write_graph:
            self._write_keras_model_summary()
        if self.embeddings_freq:
            write_projector_config(self.model, self.log_dir, self.embeddings_metadata)

    def _writer(self, kind: str):
        if kind not in self._writers:
            from torch.utils.tensorboard import SummaryWriter

            self._writers[kind] = SummaryWriter(self._train_dir if kind == "train" else self._val_dir)
        return self._writers[kind]

    @property
    def _train_writer(self):
        return self._writer("train")

    @property
    def _val_writer(self):
        return self._writer("val")

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def _write_keras_model_summary(self) -> None:
        if type(self.model).__name__ not in ("Functional", "Sequential"):
            return
        summary = keras_model_summary("keras", self.model)
        if summary is not None:
            self._train_writer.file_writer.add_summary(summary, 0)

    def _records_batches(self) -> bool:
        return self.update_freq != "epoch" and self._global_train_batch % self.update_freq == 0

    # -- hooks ---------------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._previous_epoch_iterations = 0

    def on_train_end(self, logs=None):
        self._close_writers()

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "iterations"):
            step = int(_as_float(optimizer.iterations))
            for name, value in (logs or {}).items():
                self._val_writer.add_scalar(f"evaluation_{name}_vs_iterations", value, step)

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def on_train_batch_end(self, batch, logs=None):
        if not self._records_batches():
            return
        writer, step = self._train_writer, self._global_train_batch
        if self.write_steps_per_second:
            writer.add_scalar("batch_steps_per_second", 1.0 / (time.time() - self._batch_start_time), step)
        for name, value in (logs or {}).items():
            writer.add_scalar(f"batch_{name}", value, step)

    def on_test_batch_begin(self, batch, logs=None):
        self._global_test_batch += 1

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._previous_epoch_iterations = _as_float(self.model.optimizer.iterations)
            self._epoch_start_time = time.time()

    def on_epoch_end(self, epoch, logs=None):
        self._log_epoch_metrics(epoch, logs)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            path = os.path.join(self.log_dir, "train", f"keras_embedding.ckpt-{epoch}.weights.h5")
            self.model.save_weights(path)
        for writer in self._writers.values():
            writer.flush()

    def _kerasbridge_uses_batch_logs(self, hook: str) -> bool:
        return self.update_freq != "epoch"

    # -- writing -------------------------------------------------------------------------------
    def _collect_learning_rate(self, logs: dict) -> dict:
        from kerasbridge.optimizers import Optimizer

        optimizer = self.model.optimizer
        if hasattr(optimizer, "inner_optimizer"):
            optimizer = optimizer.inner_optimizer
        if hasattr(optimizer, "optimizers"):
            for inner in optimizer.optimizers:
                logs[f"learning_rate_{inner.name}"] = _as_float(inner.learning_rate)
        elif isinstance(optimizer, Optimizer):
            logs["learning_rate"] = _as_float(optimizer.learning_rate)
        return logs

    def _log_epoch_metrics(self, epoch, logs) -> None:
        if not logs:
            return
        train_logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val_logs = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        train_logs = self._collect_learning_rate(train_logs)
        if self.write_steps_per_second:
            done = _as_float(self.model.optimizer.iterations) - self._previous_epoch_iterations
            train_logs["steps_per_second"] = float(np.float32(done) / np.float32(time.time() - self._epoch_start_time))
        for name, value in train_logs.items():
            self._train_writer.add_scalar(f"epoch_{name}", value, epoch)
        for name, value in val_logs.items():
            self._val_writer.add_scalar(f"epoch_{name}", value, epoch)

    def _log_weights(self, epoch) -> None:
        writer = self._train_writer
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.path.replace(":", "_")
                values = np.asarray(weight.numpy())
                writer.add_histogram(f"{name}/histogram", values, epoch)
                if self.write_images:
                    image = weight_as_image(values)
                    if image is not None:
                        writer.add_images(f"{name}/image", image, epoch, dataformats="NHWC")
        writer.flush()

    # -- BackupAndRestore ----------------------------------------------------------------------
    def _kerasbridge_state(self) -> dict:
        return {"train_batch": self._global_train_batch, "test_batch": self._global_test_batch}

    def _kerasbridge_set_state(self, state: dict) -> None:
        self._global_train_batch, self._global_test_batch = state["train_batch"], state["test_batch"]


__all__ = ["TensorBoard"]
