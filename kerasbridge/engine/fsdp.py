"""`ModelParallel` as torch's FSDP2 (`fully_shard`): shard the model for a loop, gather it afterwards.

Lightning's `ModelParallelStrategy` opens the processes and the device mesh and calls the
module's `configure_model` hook, where `shard_model` applies `fully_shard` to every top-level
layer that has trainable weights and then to the model. From then on each process stores a
1/N slice of every trainable weight (a `DTensor`); a layer's full weights exist only during
its forward and backward, and gradients are reduce-scattered (averaged) into slices.

The Keras optimizer updates the slices: its slot variables (momentums, velocities, ...) are
re-laid out as `DTensor`s with the same placement as the weight they belong to, so every
update is elementwise on the local slices and the optimizer state is sharded too.

Non-trainable weights (BatchNormalization's moving statistics, frozen layers) stay whole in
every process, as with DDP. When the loop ends, `gather_model` collects the full weights and
optimizer slots in every process and removes FSDP again, so the calling process holds a plain
model that `fit` can continue and `evaluate`/`predict`/`save` can use.
"""

from __future__ import annotations

import torch

from kerasbridge.backend import state_version


def _dtensor_type():
    from torch.distributed.tensor import DTensor

    return DTensor


def data_parallel_mesh(trainer):
    """The data-parallel device mesh when `trainer` runs Lightning's `ModelParallelStrategy`, else None."""
    from lightning.pytorch.strategies import ModelParallelStrategy

    if trainer is None or not isinstance(trainer.strategy, ModelParallelStrategy):
        return None
    return trainer.strategy.device_mesh["data_parallel"]


def is_sharded(model) -> bool:
    """Whether `shard_model` has sharded `model` and `gather_model` has not undone it yet."""
    return bool(model.__dict__.get("_fsdp_sharded"))


def shard_model(model, mesh) -> None:
    """Apply FSDP2 to `model` over the 1-D `mesh`, then shard the optimizer's slots alike.

    Raises:
        ValueError: The model has no weights yet (FSDP shards existing weights).
    """
    from torch.distributed.fsdp import fully_shard

    if not model.built or not model.trainable_weights:
        raise ValueError(
            "`ModelParallel` shards the model's weights, so the model must be built before `fit`: "
            "start it with `keras.Input(...)` or call `model.build(input_shape)`."
        )
    _rename_variable_parameters(model, sharded=True)
    frozen = {parameter for parameter in model.parameters() if not parameter.requires_grad}
    for layer in model.layers:
        owned = set(layer.parameters())
        if any(parameter.requires_grad for parameter in owned):
            fully_shard(layer, mesh=mesh, ignored_params=(owned & frozen) or None)
    fully_shard(model, mesh=mesh, ignored_params=frozen or None)
    _relayout_slots(getattr(model, "optimizer", None), shard=True)
    model.__dict__["_fsdp_sharded"] = True
    state_version.bump()  # cached parameter lists now name the sharded parameters


def gather_model(model) -> None:
    """Collect the full weights and optimizer slots in every process and remove FSDP from `model`.

    A collective: every process of the job calls it at the same point.
    """
    dtensor = _dtensor_type()
    for module in model.modules():
        for key, parameter in list(module._parameters.items()):
            if isinstance(parameter, dtensor):
                full = parameter.full_tensor().detach()
                module._parameters[key] = torch.nn.Parameter(full, requires_grad=parameter.requires_grad)
    _relayout_slots(getattr(model, "optimizer", None), shard=False)
    for module in model.modules():
        _remove_fsdp(module)
    _rename_variable_parameters(model, sharded=False)
    model.__dict__.pop("_fsdp_sharded", None)
    state_version.bump()


_SHARDED_SUFFIX = ":sharded"


def _rename_variable_parameters(model, sharded: bool) -> None:
    """Register the Keras variables' parameters under keys no attribute shadows, or back.

    A Keras layer keeps each weight's `Variable` in an attribute named like its parameter
    (`layer.kernel`), while FSDP looks parameters up with `getattr(module, key)`; under a key
    with a suffix that lookup reaches the parameter. Order of `_parameters` is kept.
    """
    for variable in model.variables:
        owner, key = getattr(variable, "_owner", None), getattr(variable, "_key", None)
        if owner is None or key is None or key.endswith(_SHARDED_SUFFIX) == sharded:
            continue
        new_key = key + _SHARDED_SUFFIX if sharded else key[: -len(_SHARDED_SUFFIX)]
        items = [(new_key if name == key else name, value) for name, value in owner._parameters.items()]
        owner._parameters.clear()
        owner._parameters.update(items)
        variable._key = new_key


def _relayout_slots(optimizer, shard: bool) -> None:
    """Lay each slot variable out like its reference weight (`shard`), or gather it back to a full tensor."""
    if optimizer is None:
        return
    dtensor = _dtensor_type()
    for slot in optimizer.variables:  # a wrapping optimizer lists its inner ones' too
        reference = getattr(slot, "_reference_variable", None)
        value = slot.value
        if shard:
            reference_value = reference.value if reference is not None else None
            if not isinstance(reference_value, dtensor) or isinstance(value, dtensor):
                continue
            from torch.distributed.tensor import distribute_tensor

            new_value = distribute_tensor(value.detach(), reference_value.device_mesh, reference_value.placements)
        elif isinstance(value, dtensor):
            new_value = value.full_tensor().detach()
        else:
            continue
        _replace_value(slot, torch.nn.Parameter(new_value, requires_grad=False))


def _replace_value(variable, parameter) -> None:
    owner = getattr(variable, "_owner", None)
    if owner is not None:
        owner._parameters[variable._key] = parameter
    else:
        variable._param = parameter


def _remove_fsdp(module) -> None:
    """Undo `fully_shard` on one module: its hooks, its composable state and its FSDP class."""
    import importlib

    from torch.distributed.fsdp import FSDPModule, fully_shard

    contract = importlib.import_module("torch.distributed._composable.contract")  # the module, not its function
    from torch.distributed import _composable_state

    for name in ("_is_fsdp_managed_module", "_fsdp_use_orig_params"):
        module.__dict__.pop(name, None)
    if not isinstance(module, FSDPModule):
        return
    state = fully_shard.state(module)
    if state is not None:
        for name in ("_pre_forward_hook_handle", "_post_forward_hook_handle"):
            handle = getattr(state, name, None)
            if handle is not None:
                handle.remove()
    module.__dict__.pop(contract.STATE_KEY, None)
    module.__dict__.pop(contract.REGISTRY_KEY, None)
    _composable_state._module_state_mapping.pop(module, None)
    module.__class__ = type(module).__mro__[type(module)._orig_cls_mro_index]
