"""Keep the model's training state on the device Lightning chose.

Lightning moves the module (the layers' parameters) to the root device; the optimizer's
variables and the metrics' state are plain objects, so the engine moves them alongside
(`place_training_state`) and creates any variable built during the loop (metrics build lazily)
on that device (`variable_device_scope`). On XLA, `end_of_execution` cuts the lazy graph once per
engine step, i.e. once per `steps_per_execution` batches.
"""

from __future__ import annotations

import torch


def _move_unowned_variable(variable, device: torch.device) -> None:
    param = variable.value
    if param.device == device or getattr(variable, "_owner", None) is not None:
        return
    moved = param.detach().to(device)
    if torch._has_compatible_shallow_copy_type(param, moved):
        param.data = moved
    else:  # XLA/meta tensors cannot share a TensorImpl with a CPU tensor: swap the parameter
        variable._param = torch.nn.Parameter(moved, requires_grad=False)


def _metrics(model) -> list:
    found = []
    for metric in model.metrics:
        inner = getattr(metric, "metrics", None)  # CompileMetrics holds its metrics in a list
        found.extend(inner if isinstance(inner, list) and not hasattr(metric, "to") else [metric])
    return found


def place_training_state(model, device: torch.device) -> None:
    """Move the optimizer's variables and every metric's state to `device` (no-op when already there)."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None:
        for variable in optimizer.variables:
            _move_unowned_variable(variable, device)
    for metric in _metrics(model):
        if hasattr(metric, "to"):
            metric.to(device)


def variable_device_scope(device: torch.device):
    """A `kerasbridge.backend` device scope placing variables created inside it on `device`."""
    from kerasbridge.backend.device import device_scope

    return device_scope(str(device))


def end_of_execution(device: torch.device) -> None:
    """Cut the lazy XLA graph after one engine step (no-op on other devices)."""
    if device.type != "xla":
        return
    import torch_xla

    torch_xla.sync()
