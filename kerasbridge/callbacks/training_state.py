"""The full state of a `fit()` in progress, as plain tensors: what `BackupAndRestore` writes.

A backup holds the model's `state_dict` (plus the variables it does not cover, such as
seed-generator states), the optimizer's variables (`iterations`, learning rate, slots),
the metric accumulators, the callbacks' own state, and the random number generators of
torch, numpy, Python and kerasbridge. Everything is stored as tensors, numbers, strings,
lists and dicts, so `torch.load(..., weights_only=True)` reads it back.

This module knows nothing about the training loop; `kerasbridge/engine/resume.py` is the
loop side of resuming.
"""

from __future__ import annotations

import os
import random as python_random
import tempfile
from dataclasses import dataclass, field

import numpy as np
import torch

# -- file I/O -------------------------------------------------------------------------------------


def atomic_torch_save(obj, path: str) -> None:
    """`torch.save` to a temporary file in the same folder, fsync, then `os.replace`.

    A reader (or a process killed mid-write) sees either the previous file or the new one,
    never a truncated file.
    """
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".ckpt", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            torch.save(obj, stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def load_checkpoint(path: str) -> dict:
    """Read a file written by `atomic_torch_save` (tensors and plain Python data only)."""
    return torch.load(path, map_location="cpu", weights_only=True)


# -- plain-data encoding ----------------------------------------------------------------------------
_ARRAY_KEY = "__ndarray__"


def encode(value):
    """Turn numpy arrays and scalars inside `value` into tensors and Python numbers."""
    if isinstance(value, np.ndarray):
        return {_ARRAY_KEY: torch.from_numpy(np.array(value, copy=True))}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(encode(item) for item in value)
    return value


def decode(value):
    """The inverse of `encode`."""
    if isinstance(value, dict):
        if set(value) == {_ARRAY_KEY}:
            return value[_ARRAY_KEY].numpy()
        return {key: decode(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(decode(item) for item in value)
    return value


# -- random number generators -----------------------------------------------------------------------


def capture_rng_state() -> dict:
    """The state of every random stream a training step may draw from."""
    from kerasbridge.backend import random as backend_random

    numpy_state = np.random.get_state()
    state = {
        "torch": torch.get_rng_state(),
        "numpy": [numpy_state[0], torch.from_numpy(numpy_state[1].astype(np.int64)), *numpy_state[2:]],
        "python": _python_state_to_lists(python_random.getstate()),
        "kerasbridge_global": None,
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    # Draws the data pipeline owes the global generator but has not made yet (backend/random.py).
    state["kerasbridge_deferred_draws"] = int(getattr(backend_random, "_deferred_global_draws", 0))
    generator = backend_random._global_generator
    if generator is not None:
        state["kerasbridge_global"] = generator.state.value.detach().cpu().clone()
    return state


def restore_rng_state(state: dict) -> None:
    """Put every random stream back where `capture_rng_state` found it."""
    from kerasbridge.backend import random as backend_random

    torch.set_rng_state(state["torch"])
    name, keys, *rest = state["numpy"]
    np.random.set_state((name, keys.numpy().astype(np.uint32), *rest))
    python_random.setstate(_python_state_from_lists(state["python"]))
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    if hasattr(backend_random, "_deferred_global_draws"):
        backend_random._deferred_global_draws = int(state.get("kerasbridge_deferred_draws", 0))
    saved = state["kerasbridge_global"]
    if saved is None:
        backend_random.reset_global_seed_generator()
    else:
        generator = backend_random.global_seed_generator()
        generator.state.assign(saved.to(generator.state.value.device))


def _python_state_to_lists(state):
    version, internal, gauss = state
    return [version, list(internal), gauss]


def _python_state_from_lists(state):
    version, internal, gauss = state
    return version, tuple(internal), gauss


# -- model, optimizer, metrics ----------------------------------------------------------------------


def _assign(variable, value: torch.Tensor) -> None:
    variable.assign(value.to(device=variable.value.device, dtype=variable.value.dtype))


def _extra_variables(model, state_dict: dict) -> list:
    """The model's variables that `state_dict` does not hold (seed-generator states, ...)."""
    covered = {t.data_ptr() for t in state_dict.values() if isinstance(t, torch.Tensor) and t.numel()}
    return [v for v in model.variables if v.value.numel() and v.value.data_ptr() not in covered]


def model_state(model) -> dict:
    """The model's `state_dict` (cloned to the CPU) and its other variables, in order."""
    state_dict = model.state_dict()
    extras = _extra_variables(model, state_dict)
    return {
        "state_dict": {name: t.detach().cpu().clone() for name, t in state_dict.items()},
        "extra_variables": [v.value.detach().cpu().clone() for v in extras],
    }


def restore_model_state(model, state: dict) -> None:
    extras = _extra_variables(model, model.state_dict())
    model.load_state_dict(state["state_dict"], strict=True)
    saved = state["extra_variables"]
    if len(saved) != len(extras):
        raise ValueError(
            f"The backup holds {len(saved)} non-weight model variables but the model has {len(extras)}: "
            "the model is not the one that was backed up."
        )
    for variable, value in zip(extras, saved):
        _assign(variable, value)


def optimizer_state(optimizer) -> list | None:
    if optimizer is None:
        return None
    return [v.value.detach().cpu().clone() for v in optimizer.variables]


def restore_optimizer_state(model, optimizer, saved: list | None) -> None:
    if optimizer is None or saved is None:
        return
    if not optimizer.built and len(saved) != len(optimizer.variables):
        # The slots exist only once the optimizer is built for the model's weights.
        optimizer.build(model.trainable_variables)
    variables = optimizer.variables
    if len(variables) != len(saved):
        raise ValueError(
            f"The backup holds {len(saved)} optimizer variables but the optimizer has {len(variables)}: "
            "the optimizer is not the one that was backed up."
        )
    for variable, value in zip(variables, saved):
        _assign(variable, value)


def metrics_state(model) -> list:
    return [v.value.detach().cpu().clone() for v in model.metrics_variables]


def restore_metrics_state(model, saved: list) -> bool:
    """Put the metric accumulators back; `False` when the metrics are not built like the saved ones."""
    variables = model.metrics_variables
    if len(variables) != len(saved):
        return False
    for variable, value in zip(variables, saved):
        _assign(variable, value)
    return True


def build_metrics_from_batch(model, batch) -> None:
    """Create the compiled metrics' variables (built on their first update) from one batch.

    The model runs once in inference mode (no dropout draws, no moving statistics updated)
    so that `compute_metrics` sees real outputs; the values it accumulates are overwritten
    by the restore that follows.
    """
    from kerasbridge.utils import tree

    if type(batch).__name__ == "BatchGroup":
        batch = batch[0]
    if not isinstance(batch, tuple) or len(batch) < 2:
        return
    x, y = batch[0], batch[1]
    device = next((p.device for p in model.parameters()), torch.device("cpu"))
    x, y = tree.map_structure(lambda t: t.to(device) if isinstance(t, torch.Tensor) else t, (x, y))
    with torch.no_grad():
        y_pred = model(x, training=False)
        model.compute_metrics(x, y, y_pred)


# -- callbacks --------------------------------------------------------------------------------------
# Attributes that make up the state of callbacks defined before this module. Newer callbacks
# implement `_kerasbridge_state()` / `_kerasbridge_set_state(state)` themselves.
_STATE_ATTRIBUTES = {
    "History": ("history", "epoch"),
    "EarlyStopping": ("wait", "stopped_epoch", "best", "best_weights", "best_epoch"),
}


def _callback_key(callback, seen: dict) -> str:
    name = type(callback).__name__
    seen[name] = seen.get(name, -1) + 1
    return f"{name}:{seen[name]}"


def callback_states(callbacks) -> dict:
    """`{"ClassName:i": state}` for each callback that has a state worth keeping."""
    states, seen = {}, {}
    for callback in callbacks:
        key = _callback_key(callback, seen)
        if hasattr(callback, "_kerasbridge_state"):
            states[key] = encode(callback._kerasbridge_state())
        elif type(callback).__name__ in _STATE_ATTRIBUTES:
            names = _STATE_ATTRIBUTES[type(callback).__name__]
            states[key] = encode({name: getattr(callback, name, None) for name in names})
    return states


def restore_callback_states(callbacks, states: dict) -> None:
    seen = {}
    for callback in callbacks:
        key = _callback_key(callback, seen)
        if key not in states:
            continue
        state = decode(states[key])
        if hasattr(callback, "_kerasbridge_set_state"):
            callback._kerasbridge_set_state(state)
        else:
            for name, value in state.items():
                setattr(callback, name, value)


# -- where the loop resumes -------------------------------------------------------------------------
@dataclass
class ResumePoint:
    """Where `fit()` continues after a restore (read by `kerasbridge/engine/resume.py`).

    Attributes:
        epoch: Index of the first epoch to run.
        steps_done: Training batches of that epoch already done (0: start of the epoch).
        on_first_step: Called with the last skipped batch, before the first batch that is run
            again is drawn.
    """

    epoch: int
    steps_done: int = 0
    on_first_step: object = field(default=None, repr=False)


RESUME_ATTRIBUTE = "_kerasbridge_resume_point"


def set_resume_point(model, point: ResumePoint) -> None:
    model.__dict__[RESUME_ATTRIBUTE] = point


def pop_resume_point(model) -> ResumePoint | None:
    return model.__dict__.pop(RESUME_ATTRIBUTE, None)
