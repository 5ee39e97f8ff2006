"""`fit`, `evaluate` and `predict` on a `lightning.Trainer`, with Keras's arguments and results."""

from __future__ import annotations

import contextlib
import logging
import warnings

import numpy as np
import torch

from kerasbridge.backend.tensor import convert_to_numpy
from kerasbridge.engine import replica_sync, resume, strategy
from kerasbridge.engine.data_adapters import get_data_adapter, train_validation_split
from kerasbridge.engine.lightning_module import KerasLightningModule, to_python
from kerasbridge.engine.step_groups import BatchGroup, group_data
from kerasbridge.engine.trainer import unpack_x_y_sample_weight
from kerasbridge.utils import tree

_QUIET_LOGGERS = ("lightning.pytorch", "lightning.fabric", "lightning")


@contextlib.contextmanager
def quiet_lightning():
    """Silence Lightning's info lines and hints; kerasbridge prints Keras's own output instead."""
    previous = {name: logging.getLogger(name).level for name in _QUIET_LOGGERS}
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"lightning\..*")
        warnings.filterwarnings("ignore", message=r".*does not have many workers.*")
        try:
            yield
        finally:
            for name, level in previous.items():
                logging.getLogger(name).setLevel(level)


def make_trainer(**kwargs):
    """A `lightning.Trainer` with Lightning's own progress bar, logging, checkpoints and summary off.

    The current distribution and `set_trainer_kwargs` (engine/strategy.py) choose devices and
    strategy; `kwargs` (the loop's own settings) come last.
    """
    import lightning

    options = dict(
        accelerator="auto", devices=1, barebones=True, use_distributed_sampler=False,
        enable_checkpointing=False, logger=False, enable_progress_bar=False, enable_model_summary=False,
        num_sanity_val_steps=0,
    )
    options.update(strategy.trainer_options())
    options.update(kwargs)
    trainer = lightning.Trainer(**options)
    strategy.relaunch_through_cli(trainer)
    return trainer


def _replica_layout() -> tuple[tuple[int, int] | None, int]:
    """`(shard, rank)`: how array inputs are split across replicas (None: not split) and this rank."""
    if strategy.is_single_process(strategy.trainer_options()):
        return None, 0
    with quiet_lightning():
        probe = make_trainer()
    return strategy.shard_for(probe), probe.global_rank


def _resolve_verbose(verbose) -> int:
    if verbose == "auto":
        return 1
    return int(verbose)


def _callback_list(model, callbacks, verbose, epochs, steps, add_history):
    from kerasbridge.callbacks import CallbackList

    if isinstance(callbacks, CallbackList):
        return callbacks
    return CallbackList(callbacks, add_history=add_history, add_progbar=verbose != 0, model=model,
                        verbose=verbose, epochs=epochs, steps=steps)


def _capped_steps(steps):
    """`steps` limited by `keras.config.set_max_steps_per_epoch` (a debugging cap), as Keras's EpochIterator."""
    from kerasbridge import config

    limit = config.max_steps_per_epoch()
    if limit and (not steps or limit < steps):
        warnings.warn(f"Limiting steps_per_epoch to {limit}", stacklevel=3)
        return limit
    return steps


def fit(model, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
        validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
        steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1):
    model._assert_compiled("fit")
    from kerasbridge import config

    if config.max_epochs() and config.max_epochs() < epochs:  # keras.config.set_max_epochs (debugging cap)
        warnings.warn(f"Limiting epochs to {config.max_epochs()}", stacklevel=3)
        epochs = config.max_epochs()
    steps_per_epoch, validation_steps = _capped_steps(steps_per_epoch), _capped_steps(validation_steps)
    if validation_split and validation_data is None:
        (x, y, sample_weight), validation_data = train_validation_split((x, y, sample_weight), validation_split)
    shard, rank = _replica_layout()  # data parallel: each replica takes its slice of every global batch
    train_data = get_data_adapter(x, y, sample_weight, batch_size=batch_size, steps_per_epoch=steps_per_epoch,
                                  shuffle=shuffle, class_weight=class_weight, shard=shard)
    strategy.check_even_shards(train_data, shard)
    val_data = None
    if validation_data is not None:
        val_x, val_y, val_sw = unpack_x_y_sample_weight(validation_data)
        val_data = get_data_adapter(val_x, val_y, val_sw, batch_size=validation_batch_size or batch_size,
                                    steps_per_epoch=validation_steps, shuffle=False, shard=shard)
        strategy.check_even_shards(val_data, shard)
    verbose = _resolve_verbose(verbose) if rank == 0 else 0  # the progbar prints on rank 0 only
    callback_list = _callback_list(model, callbacks, verbose, epochs, train_data.num_batches, add_history=True)
    module = KerasLightningModule(model, callbacks=callback_list, initial_epoch=initial_epoch)
    model.__dict__["stop_training"] = False
    resume.move_backup_callbacks_last(callback_list)  # BackupAndRestore (engine/resume.py)
    callback_list.on_train_begin()
    initial_epoch, resume_point = resume.resumed_initial_epoch(model, initial_epoch)  # a restored backup
    module.initial_epoch = initial_epoch
    if epochs > initial_epoch:
        with quiet_lightning():
            trainer = make_trainer(max_epochs=epochs - initial_epoch, check_val_every_n_epoch=validation_freq,
                                   limit_val_batches=1.0 if val_data is not None else 0)
            spe = model.steps_per_execution
            train_batches = resume.skip_done_steps(group_data(train_data, spe), resume_point, spe)
            trainer.fit(module, train_dataloaders=train_batches,
                        val_dataloaders=None if val_data is None else group_data(val_data, spe))
    if model.optimizer is not None and epochs > initial_epoch:
        model.optimizer.finalize_variable_values(model.trainable_weights)
    callback_list.on_train_end(logs=module.last_train_logs)
    return model.history


def _ordered_results(model, logs: dict):
    """Keras's `evaluate()` value: the logs in metrics order (the loss first); a scalar when alone."""
    from kerasbridge.engine.compile_utils import CompileMetrics

    names = []
    for metric in model.metrics:
        if isinstance(metric, CompileMetrics):
            names.extend(sub.name for sub in metric.metrics)
        else:
            names.append(metric.name)
    results = [logs[name] for name in names if name in logs]
    results.extend(logs[key] for key in sorted(logs) if key not in names)
    return results[0] if len(results) == 1 else results


def evaluate(model, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
             callbacks=None, return_dict=False, **kwargs):
    model._assert_compiled("evaluate")
    if kwargs:
        raise ValueError(f"Arguments not recognized: {kwargs}")
    shard, rank = _replica_layout()
    data = get_data_adapter(x, y, sample_weight, batch_size=batch_size, steps_per_epoch=_capped_steps(steps), shuffle=False,
                            shard=shard)
    strategy.check_even_shards(data, shard)
    verbose = _resolve_verbose(verbose) if rank == 0 else 0
    callback_list = _callback_list(model, callbacks, verbose, 1, data.num_batches, add_history=False)
    module = KerasLightningModule(model, callbacks=callback_list)
    with quiet_lightning():
        trainer = make_trainer()
        trainer.validate(module, dataloaders=group_data(data, model.steps_per_execution), verbose=False)
    logs = module.last_eval_logs
    if return_dict:
        return logs
    return _ordered_results(model, logs)


def _concatenate(batches):
    if not batches:
        raise ValueError("Unexpected result of `predict_function` (Empty batch_outputs). Please use "
                         "`Model.compile(..., run_eagerly=True)`, or `tf.config.run_functions_eagerly(True)` "
                         "for more information of where went wrong, or file a issue/bug to `keras`.")
    structure = batches[0]
    flat = [tree.flatten(b) for b in batches]
    merged = [np.concatenate([convert_to_numpy(b[i]) for b in flat], axis=0) for i in range(len(flat[0]))]
    return tree.pack_sequence_as(structure, merged)


def predict(model, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
    shard, rank = _replica_layout()
    data = get_data_adapter(x, None, None, batch_size=batch_size, steps_per_epoch=_capped_steps(steps), shuffle=False,
                            shard=shard)
    verbose = _resolve_verbose(verbose) if rank == 0 else 0
    callback_list = _callback_list(model, callbacks, verbose, 1, data.num_batches, add_history=False)
    module = KerasLightningModule(model, callbacks=callback_list)
    callback_list.on_predict_begin()
    with quiet_lightning():
        trainer = make_trainer()
        outputs = trainer.predict(module, dataloaders=group_data(data, getattr(model, "steps_per_execution", 1)),
                                  return_predictions=True)
    callback_list.on_predict_end()
    flat = [item for out in outputs for item in (out if isinstance(out, BatchGroup) else [out])]
    if shard is not None:  # every replica predicted its slice of each batch: reassemble them in order
        structure = flat[0] if flat else None
        local = [[convert_to_numpy(t) for t in tree.flatten(b)] for b in flat]
        flat = [tree.pack_sequence_as(structure, b) for b in replica_sync.gather_sharded_batches(local, shard[1])]
    return _concatenate(flat)


def _model_device(model) -> torch.device:
    for param in model.parameters():
        return param.device
    return torch.device("cpu")


def _to_device(batch, device):
    return tree.map_structure(lambda t: t.to(device) if isinstance(t, torch.Tensor) else t, batch)


def _single_batch(model, x, y, sample_weight, class_weight=None):
    adapter = get_data_adapter(x, y, sample_weight, batch_size=None, shuffle=False, class_weight=class_weight)
    if hasattr(adapter, "whole_batch"):  # arrays: Keras calls the step on them directly, drawing nothing
        batch = adapter.whole_batch()
    else:
        adapter.batch_size = max(adapter.num_samples, 1)
        batch = next(iter(adapter))
    return _to_device(batch, _model_device(model))


def train_on_batch(model, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
    model._assert_compiled("train_on_batch")
    model.reset_metrics()  # as Keras: the results are this batch's, not a running mean over calls
    logs = to_python(model.train_step(_single_batch(model, x, y, sample_weight, class_weight)))
    return logs if return_dict else _ordered_results(model, logs)


def test_on_batch(model, x, y=None, sample_weight=None, return_dict=False):
    model._assert_compiled("test_on_batch")
    model.reset_metrics()
    with torch.no_grad():
        logs = to_python(model.test_step(_single_batch(model, x, y, sample_weight)))
    return logs if return_dict else _ordered_results(model, logs)


def predict_on_batch(model, x):
    with torch.no_grad():
        outputs = model.predict_step(_single_batch(model, x, None, None))
    return tree.map_structure(convert_to_numpy, outputs)
