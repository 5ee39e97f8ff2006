"""`distribute_tensor`: place a tensor on a `DeviceMesh` following a `TensorLayout`."""

from __future__ import annotations

_TORCH_MESHES: dict = {}


def _device_type(device_mesh) -> str:
    kinds = {str(name).split(":")[0].lower() for name in device_mesh.devices.ravel()}
    if len(kinds) != 1:
        raise ValueError(f"A device mesh's devices must all be of one type. Received: {sorted(kinds)}")
    kind = kinds.pop()
    return {"gpu": "cuda", "tpu": "xla"}.get(kind, kind)


def _torch_mesh(device_mesh):
    """The `torch.distributed.DeviceMesh` over all processes with the Keras mesh's shape and axis names."""
    key = (_device_type(device_mesh), device_mesh.shape, tuple(device_mesh.axis_names))
    mesh = _TORCH_MESHES.get(key)
    if mesh is None:
        from torch.distributed.device_mesh import init_device_mesh

        mesh = init_device_mesh(key[0], key[1], mesh_dim_names=key[2])
        _TORCH_MESHES[key] = mesh
    return mesh


def distribute_tensor(tensor, layout):
    """Lay `tensor` out over `layout.device_mesh` as `layout.axes` says.

    Each process of a multi-process job (started by torchrun, SLURM or `initialize()`) is one
    device of the mesh. The result is a `torch.distributed.tensor.DTensor`: the tensor dimension
    named with a mesh axis is split over that axis (this process keeps its slice, e.g.
    `dtensor.to_local()`), the others are replicated. On a one-device mesh it is the tensor
    on that device. Symbolic `KerasTensor`s are returned unchanged, as in Keras.

    Args:
        tensor: The (global) tensor value, the same in every process.
        layout: A `TensorLayout` whose `device_mesh` is set, with one entry per tensor dimension.

    Returns:
        The tensor with the requested layout.
    """
    from kerasbridge.distribution.tensor_layout import TensorLayout
    from kerasbridge.ops.keras_tensor import KerasTensor

    if isinstance(tensor, KerasTensor):
        return tensor
    if not isinstance(layout, TensorLayout):
        raise TypeError(f"`layout` must be a `TensorLayout`. Received: {type(layout).__name__}")
    device_mesh = layout.device_mesh
    if device_mesh is None:
        raise ValueError(
            f"Cannot distribute a tensor with {layout}: its `device_mesh` is not set. Pass `device_mesh=` to "
            "`TensorLayout` or insert the layout into a `LayoutMap`."
        )
    from kerasbridge.backend.tensor import convert_to_tensor

    tensor = convert_to_tensor(tensor)
    if len(layout.axes) != tensor.ndim:
        raise ValueError(
            f"The layout has {len(layout.axes)} axes {layout.axes}, but the tensor has rank {tensor.ndim} "
            f"(shape {tuple(tensor.shape)}); give one axis (or None) per dimension."
        )
    size = int(device_mesh.devices.size)
    if size == 1:
        import torch

        return tensor.to(torch.device(str(device_mesh.devices.ravel()[0]).replace("gpu", "cuda")))
    import torch.distributed as dist

    world = dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1
    if world != size:
        raise ValueError(
            f"The device mesh has {size} devices, but this job has {world} process(es): each device is one "
            "process. Start the job with torchrun/SLURM or call `keras.distribution.initialize(...)` first."
        )
    from torch.distributed.tensor import Replicate, Shard
    from torch.distributed.tensor import distribute_tensor as torch_distribute_tensor

    placements = [Shard(layout.axes.index(name)) if name in layout.axes else Replicate()
                  for name in device_mesh.axis_names]
    return torch_distribute_tensor(tensor, _torch_mesh(device_mesh), placements)
