"""The Keras training API of `Model`: compile, the overridable steps, losses and metrics.

Everything here is plain torch; the loops that drive the steps (`fit`, `evaluate`,
`predict`) run on a `lightning.Trainer` and live in `engine/loops.py`, imported on
first use.
"""

from __future__ import annotations

import warnings

import torch

from kerasbridge.backend.random import flush_global_draws
from kerasbridge.engine.compile_utils import (
    CompileLoss,
    CompileMetrics,
    validate_loss_identifiers,
    validate_metric_identifiers,
)
from kerasbridge.engine.jit import StepFunctions, resolve_jit_compile
from kerasbridge.utils import tree


def unpack_x_y_sample_weight(data):
    """Split a batch into `(x, y, sample_weight)` (missing parts are `None`)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
        f"found: {data}"
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The inverse of `unpack_x_y_sample_weight`."""
    if y is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    if sample_weight is None:
        return x, y
    return x, y, sample_weight


def _batch_size_of(x) -> int:
    if isinstance(x, torch.Tensor):
        return int(x.shape[0])
    for leaf in tree.flatten(x):
        if leaf is not None:
            return int(leaf.shape[0])
    return 0


class Trainer:
    """Keras's `compile()` and the step functions that `fit()`/`evaluate()`/`predict()` call.

    Override `train_step(data)`, `test_step(data)` or `predict_step(data)` to customise what
    happens to one batch, exactly as in Keras's guide "Customizing what happens in fit()
    with PyTorch".
    """

    def _init_trainer_state(self) -> None:
        state = self.__dict__
        state.setdefault("compiled", False)
        state.setdefault("optimizer", None)
        state.setdefault("_compile_loss", None)
        state.setdefault("_compile_metrics", None)
        state.setdefault("_loss_tracker", None)
        state.setdefault("stop_training", False)
        state.setdefault("history", None)
        state.setdefault("steps_per_execution", 1)
        state.setdefault("_step_cache", None)
        state.setdefault("_step_functions", None)

    # -- compile -----------------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", auto_scale_loss=True):
        """Configure the model for training.

        Args:
            optimizer: Optimizer name or instance.
            loss: Loss name, function or `Loss` instance; a list (one per output) or a dict by output name.
            loss_weights: Optional scalar coefficients for the outputs' losses (list or dict).
            metrics: Metrics evaluated during training and testing (list, or dict by output name).
            weighted_metrics: Metrics that also see `sample_weight`/`class_weight`.
            run_eagerly: Accepted for compatibility; kerasbridge always runs eagerly unless `jit_compile`.
            steps_per_execution: Number of batches to run per engine step.
            jit_compile: `True` runs the model's forward pass and loss through `torch.compile`
                (the optimizer update stays eager); `"auto"` is eager, as in Keras on torch.
            auto_scale_loss: Wrap the optimizer in a `LossScaleOptimizer` under `mixed_float16`.
        """
        from kerasbridge import metrics as metrics_module
        from kerasbridge import optimizers

        self._init_trainer_state()
        output_names = self._output_names_for_compile()
        if loss is not None:
            validate_loss_identifiers(loss, output_names)
        if metrics is not None:
            validate_metric_identifiers(metrics, output_names, "metrics")
        if weighted_metrics is not None:
            validate_metric_identifiers(weighted_metrics, output_names, "weighted_metrics")
        optimizer = optimizers.get(optimizer)
        if auto_scale_loss and self.dtype_policy.name == "mixed_float16" and not isinstance(
            optimizer, optimizers.LossScaleOptimizer
        ):
            optimizer = optimizers.LossScaleOptimizer(optimizer, name="loss_scale_optimizer")
        jit_compile_resolved = resolve_jit_compile(jit_compile, run_eagerly)
        if not isinstance(steps_per_execution, int) or steps_per_execution < 1:
            raise ValueError(f"`steps_per_execution` must be a positive integer. Received: {steps_per_execution}")
        self.__dict__["optimizer"] = optimizer
        self.__dict__["loss"] = loss
        self.__dict__["_compile_loss"] = CompileLoss(loss, loss_weights, output_names) if loss is not None else None
        has_metrics = metrics is not None or weighted_metrics is not None
        self.__dict__["_compile_metrics"] = (
            CompileMetrics(metrics, weighted_metrics, output_names) if has_metrics else None
        )
        self.__dict__["_loss_tracker"] = metrics_module.Mean(name="loss")
        self.__dict__["steps_per_execution"] = steps_per_execution
        self.__dict__["jit_compile"] = jit_compile_resolved
        self.__dict__["run_eagerly"] = run_eagerly
        self.__dict__["_compile_config"] = {
            "optimizer": optimizer, "loss": loss, "loss_weights": loss_weights, "metrics": metrics,
            "weighted_metrics": weighted_metrics, "run_eagerly": run_eagerly,
            "steps_per_execution": steps_per_execution, "jit_compile": jit_compile,
        }
        self.__dict__["_step_cache"] = None
        self.__dict__["_step_functions"] = None
        self.__dict__["_first_build_draw_pending"] = True
        self.__dict__["compiled"] = True
        self.__dict__["stop_training"] = False

    def _output_names_for_compile(self) -> list[str] | None:
        try:
            return list(self.output_names)
        except (AttributeError, ValueError):
            return None

    def _assert_compiled(self, method: str) -> None:
        if not getattr(self, "compiled", False):
            raise ValueError(f"You must call `compile()` before using the model. (`{method}()` was called.)")

    # -- metrics --------------------------------------------------------------------------------------
    @property
    def metrics(self) -> list:
        """The loss tracker, the compiled metrics, the per-output losses, then the layers' metrics."""
        found = []
        if getattr(self, "compiled", False):
            if self._loss_tracker is not None:
                found.append(self._loss_tracker)
            if self._compile_metrics is not None:
                found.append(self._compile_metrics)
            if self._compile_loss is not None:
                found.extend(self._compile_loss.metrics)
        for layer in self._layers:
            found.extend(layer.metrics)
        return found

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    def reset_metrics(self) -> None:
        """Reset the state of every metric (called at the start of each epoch and evaluation)."""
        for metric in self.metrics:
            metric.reset_state()

    def get_metrics_result(self) -> dict:
        """The current value of every metric, as 0-d tensors keyed by Keras's names."""
        results = {}
        for metric in self.metrics:
            value = metric.result()
            if isinstance(value, dict):
                results.update(value)
            else:
                results[metric.name] = value
        return results

    def compute_metrics(self, x, y, y_pred, sample_weight=None) -> dict:
        """Update the compiled metrics with a batch and return all metric results."""
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight=sample_weight)
        return self.get_metrics_result()

    # -- loss ---------------------------------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The total loss: the compiled loss plus every loss added by layers (regularizers included)."""
        losses = []
        if self._compile_loss is not None:
            value = self._compile_loss(y, y_pred, sample_weight)
            if value is not None:
                losses.append(value)
        for extra in self.losses:
            if not extra.is_floating_point():
                extra = extra.float()
            losses.append(extra.sum())
        if not losses:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        if len(losses) == 1:
            return losses[0]
        return torch.stack([loss.reshape(()) for loss in losses]).sum()

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of every parameter, as `torch.nn.Module.zero_grad` does.

        The parameter list is cached (until the model's structure changes), which spares the
        module-tree walk on every training step.
        """
        for parameter in self._cached("_all_parameters_cache", lambda: list(self.parameters())):
            if parameter.grad is None:
                continue
            if set_to_none:
                parameter.grad = None
            else:
                if parameter.grad.grad_fn is not None:
                    parameter.grad.detach_()
                else:
                    parameter.grad.requires_grad_(False)
                parameter.grad.zero_()

    # -- steps ----------------------------------------------------------------------------------------------
    def _call_for_step(self, x, training: bool):
        if self._call_info.has_training:
            return self(x, training=training)
        return self(x)

    def _forward_and_loss(self, x, y, sample_weight, training: bool):
        y_pred = self._call_for_step(x, training=training)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
        return y_pred, loss

    def _step_fns(self) -> StepFunctions:
        functions = self.__dict__.get("_step_functions")
        if functions is None:
            functions = StepFunctions(self, self.__dict__.get("jit_compile", False))
            self.__dict__["_step_functions"] = functions
        return functions

    def train_step(self, data) -> dict:
        """One training step: forward, loss, backward, optimizer update; returns the metric results."""
        x, y, y_pred, sample_weight = self._train_step_update(data)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def _train_step_update(self, data):
        """`train_step` without computing the metric results: returns `(x, y, y_pred, sample_weight)`."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        self.zero_grad()
        y_pred, loss = self._step_fns().forward_and_loss(x, y, sample_weight, True)
        with torch.no_grad():
            self._loss_tracker.update_state(loss.detach(), sample_weight=_batch_size_of(x))
        if self.optimizer is not None:
            loss = self.optimizer.scale_loss(loss)
        trainable_weights = self._cached("_trainable_weights_cache", lambda: self.trainable_weights)
        if trainable_weights:
            loss.backward()
            gradients = [v.value.grad for v in trainable_weights]
            with torch.no_grad():
                self.optimizer.apply(gradients, trainable_weights)
        else:
            warnings.warn("The model does not have any trainable weights.", stacklevel=2)
        return x, y, y_pred, sample_weight

    def test_step(self, data) -> dict:
        """One evaluation step: forward and loss, metrics updated; returns the metric results."""
        x, y, y_pred, sample_weight = self._test_step_update(data)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def _test_step_update(self, data):
        """`test_step` without computing the metric results: returns `(x, y, y_pred, sample_weight)`."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred, loss = self._step_fns().forward_and_loss(x, y, sample_weight, False)
        with torch.no_grad():
            self._loss_tracker.update_state(loss.detach(), sample_weight=_batch_size_of(x))
        return x, y, y_pred, sample_weight

    def _steps_without_results(self) -> tuple[bool, bool]:
        """Whether the engine may run `(train_step, test_step)` without computing their returned results.

        True only for the built-in steps, `compute_metrics` and `get_metrics_result` (a user's
        override of any of them runs exactly as written); the metric states are updated the same.
        """
        cls = type(self)
        plain = cls.compute_metrics is Trainer.compute_metrics and cls.get_metrics_result is Trainer.get_metrics_result
        return (plain and cls.train_step is Trainer.train_step, plain and cls.test_step is Trainer.test_step)

    def _update_compiled_metrics(self, x, y, y_pred, sample_weight=None) -> None:
        """The state update of `compute_metrics`, without reading the results."""
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data):
        """One prediction step: the model's outputs for the batch's `x`."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self._step_fns().forward(x, False)

    def _build_optimizer(self) -> None:
        """Create the optimizer's variables before training, outside any name scope, as Keras's fit does.

        (Built lazily inside `apply` instead, a wrapping optimizer such as `LossScaleOptimizer`
        would prefix its inner optimizer's slot paths with its own name.)
        """
        optimizer = getattr(self, "optimizer", None)
        if optimizer is not None and not optimizer.built and self.built and getattr(self, "compiled", False):
            optimizer.build(self.trainable_variables)

    def _draw_like_keras_first_build(self, x, shuffle) -> None:
        """Advance torch's global RNG as Keras's first `fit`/`evaluate` after `compile` does.

        Keras builds its compiled loss and metrics symbolically from a first batch that it takes
        from a fresh DataLoader over the arrays, which draws from the global generator once more
        than the epochs themselves. Unseeded Dropout masks come from that generator too, so the
        same draw keeps a seeded kerasbridge run on Keras's exact trajectory.
        """
        from kerasbridge.engine.data_adapters.array_adapter import can_slice, draw_epoch_order

        if self.__dict__.pop("_first_build_draw_pending", False) and x is not None and can_slice(x):
            draw_epoch_order(0, shuffle)

    # -- loops (Lightning) ------------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1):
        """Train the model for a fixed number of epochs; returns a `History`. See Keras's `Model.fit`."""
        from kerasbridge.engine import loops

        self._build_optimizer()
        self._draw_like_keras_first_build(x, shuffle)
        history = loops.fit(self, x=x, y=y, batch_size=batch_size, epochs=epochs, verbose=verbose,
                         callbacks=callbacks, validation_split=validation_split,
                         validation_data=validation_data, shuffle=shuffle, class_weight=class_weight,
                         sample_weight=sample_weight, initial_epoch=initial_epoch,
                         steps_per_epoch=steps_per_epoch, validation_steps=validation_steps,
                         validation_batch_size=validation_batch_size, validation_freq=validation_freq)
        flush_global_draws()
        return history

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False, **kwargs):
        """Return the loss and metric values of the model on the given data."""
        from kerasbridge.engine import loops

        self._draw_like_keras_first_build(x, False)
        results = loops.evaluate(self, x=x, y=y, batch_size=batch_size, verbose=verbose,
                                 sample_weight=sample_weight, steps=steps, callbacks=callbacks,
                                 return_dict=return_dict, **kwargs)
        flush_global_draws()
        return results

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Return the model's outputs for `x` as numpy arrays (nested like the outputs)."""
        from kerasbridge.engine import loops

        outputs = loops.predict(self, x, batch_size=batch_size, verbose=verbose, steps=steps, callbacks=callbacks)
        flush_global_draws()
        return outputs

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """Run one training step on one batch; returns the loss and metrics."""
        from kerasbridge.engine import loops

        self._build_optimizer()
        self.__dict__.pop("_first_build_draw_pending", None)  # Keras builds from this batch: no draw
        return loops.train_on_batch(self, x, y, sample_weight=sample_weight, class_weight=class_weight,
                                    return_dict=return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Evaluate the model on one batch; returns the loss and metrics."""
        from kerasbridge.engine import loops

        self.__dict__.pop("_first_build_draw_pending", None)
        return loops.test_on_batch(self, x, y, sample_weight=sample_weight, return_dict=return_dict)

    def predict_on_batch(self, x):
        """The model's outputs for one batch, as numpy arrays."""
        from kerasbridge.engine import loops

        return loops.predict_on_batch(self, x)

    def to_lightning(self):
        """A `lightning.LightningModule` that trains this model with Keras's steps.

        Hand it to your own `lightning.Trainer` (with any strategy, plugins or loggers); the model
        must be compiled first.
        """
        from kerasbridge.engine.lightning_module import KerasLightningModule

        self._assert_compiled("to_lightning")
        return KerasLightningModule(self)
