"""From a `kerasbridge.distribution` setting (and the cluster environment) to `lightning.Trainer` arguments.

Mapping:

- no distribution, one process: one device (`devices=1`), as before.
- no distribution after `kerasbridge.distribution.initialize(...)`: DDP over the processes that
  joined, with `InitializedClusterEnvironment` giving Lightning their ranks (it launches none).
- no distribution under torchrun or a multi-task SLURM job: DDP over the processes the
  launcher created (`devices` = processes per node, `num_nodes` from the environment);
  Lightning's `TorchElasticEnvironment` / `SLURMEnvironment` find ranks and addresses.
- `DataParallel(devices=[...])`: the accelerator from the device names (`cpu`, `cuda`/`gpu`,
  `tpu`), one process per device, `strategy="ddp"` for more than one (Lightning's XLA strategy
  on TPUs). `"ddp"` uses Lightning's subprocess launcher: the calling process is rank 0 and
  the other ranks re-run the same command, so after `fit` the caller's model holds the trained
  weights, the optimizer state and its iteration count. (The spawn/fork launchers would train
  in child processes and hand back only weights.)
- `ModelParallel(layout_map=...)`: Lightning's `ModelParallelStrategy` with torch's FSDP2
  (`fully_shard`, applied in `engine/fsdp.py`) over all of the mesh's devices.
- then `set_trainer_kwargs(...)` and the distribution's `trainer_kwargs` (the escape hatch:
  plugins, loggers, strategy objects, precision) override the above.
"""

from __future__ import annotations

import contextlib
import os
import sys

_EXTRA_TRAINER_KWARGS: dict = {}
_RELAUNCH: dict = {}


def set_trainer_kwargs(**kwargs) -> None:
    """Extra `lightning.Trainer` arguments for every later `fit`/`evaluate`/`predict`.

    Example: `kerasbridge.engine.set_trainer_kwargs(precision="bf16-mixed", plugins=[...])`.
    Calling it with no arguments clears them. The loop's own arguments (`max_epochs`, ...)
    cannot be overridden.
    """
    _EXTRA_TRAINER_KWARGS.clear()
    _EXTRA_TRAINER_KWARGS.update(kwargs)


def get_trainer_kwargs() -> dict:
    """The arguments set with `set_trainer_kwargs`."""
    return dict(_EXTRA_TRAINER_KWARGS)


@contextlib.contextmanager
def trainer_kwargs_scope(**kwargs):
    """`set_trainer_kwargs(**kwargs)` inside a `with` block only."""
    previous = get_trainer_kwargs()
    set_trainer_kwargs(**{**previous, **kwargs})
    try:
        yield
    finally:
        set_trainer_kwargs(**previous)


def set_relaunch_argv(argv: list[str] | None) -> None:
    """Used by `kerasbridge run`: the arguments of `python -m kerasbridge` that re-create this run.

    Lightning's subprocess launcher starts the other ranks by re-running the command line; under
    `kerasbridge run` that command must be the CLI (which aliases `keras`), not the bare script.
    """
    _RELAUNCH.clear()
    if argv is not None:
        _RELAUNCH["argv"] = list(argv)


def external_processes() -> tuple[int, int] | None:
    """`(processes per node, nodes)` when `initialize()`, torchrun or SLURM started several processes, else None."""
    from kerasbridge.distribution.initialize import initialized_cluster

    layout = initialized_cluster()
    if layout is not None:
        return layout.processes_per_node, layout.num_nodes
    env = os.environ
    if all(k in env for k in ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "GROUP_RANK")):
        per_node = int(env["LOCAL_WORLD_SIZE"])
        return per_node, max(1, int(env["WORLD_SIZE"]) // max(per_node, 1))
    from lightning.fabric.plugins.environments import SLURMEnvironment

    if SLURMEnvironment.detect() and int(env.get("SLURM_NTASKS", "1")) > 1:
        nodes = int(env.get("SLURM_NNODES", env.get("SLURM_JOB_NUM_NODES", "1")))
        return int(env["SLURM_NTASKS"]) // nodes, nodes
    return None


def _accelerator_and_devices(device_names: list[str]) -> tuple[str, object]:
    kinds = {name.split(":")[0].lower() for name in device_names}
    if len(kinds) != 1:
        raise ValueError(f"A distribution's devices must all be of one type. Received: {device_names}")
    kind = kinds.pop()
    if kind in ("cuda", "gpu"):
        return "gpu", [int(name.split(":")[1]) if ":" in name else i for i, name in enumerate(device_names)]
    if kind in ("tpu", "xla"):
        return "tpu", len(device_names)
    if kind == "cpu":
        return "cpu", len(device_names)
    raise ValueError(f"Unknown device type {kind!r} in {device_names}; expected cpu, cuda/gpu or tpu devices.")


def _xla_accelerator(name: str):
    """Lightning's XLA accelerator, counting devices through the PJRT runtime when PJRT runs on CPU/GPU.

    Lightning's own count probes TPU chips (and Google Cloud metadata), so on `PJRT_DEVICE=CPU`
    it finds none and refuses the accelerator; on real TPUs the stock accelerator is kept (its
    probe does not initialize the runtime before processes are launched).
    """
    if os.environ.get("PJRT_DEVICE", "TPU").upper() == "TPU":
        return name
    from lightning.pytorch.accelerators import XLAAccelerator

    class PjrtXLAAccelerator(XLAAccelerator):
        @staticmethod
        def auto_device_count() -> int:
            import torch_xla.runtime as xr

            return int(xr.global_runtime_device_count())

        @staticmethod
        def is_available() -> bool:
            try:
                return PjrtXLAAccelerator.auto_device_count() > 0
            except (RuntimeError, ValueError, OSError):
                return False

        @staticmethod
        def parse_devices(devices):
            count = PjrtXLAAccelerator.auto_device_count()
            if devices == "auto":
                return count
            if isinstance(devices, int) and 1 <= devices <= count:
                return devices
            if isinstance(devices, (list, tuple)) and len(devices) == 1 and 0 <= int(devices[0]) < count:
                return [int(devices[0])]
            raise ValueError(f"`devices` can be 'auto', 1..{count} or [<0-{count - 1}>] for XLA. Got {devices!r}")

        @staticmethod
        def get_parallel_devices(devices):
            import torch

            devices = PjrtXLAAccelerator.parse_devices(devices)
            if isinstance(devices, int):
                return [torch.device("xla", i) for i in range(devices)]
            return [torch.device("xla", devices[0])]

    return PjrtXLAAccelerator()


def _skip_tpu_probe_off_tpu() -> None:
    """With torch-xla installed and PJRT on CPU/GPU, make Lightning's TPU probe answer "none" cleanly.

    Every `lightning.Trainer` asks `XLAAccelerator.is_available()`, which reads the TPU type from
    Google Cloud metadata (or, with `TPU_SKIP_MDS_QUERY`, from `TPU_ACCELERATOR_TYPE`); off a TPU
    VM that raises a `TypeError` Lightning does not catch. An unparseable accelerator type makes
    torch-xla raise the `EnvironmentError` Lightning expects, so the probe says "no TPU" without a
    network query. Nothing changes on TPU hosts (`PJRT_DEVICE` unset or `TPU`).
    """
    import importlib.util

    if os.environ.get("PJRT_DEVICE", "TPU").upper() == "TPU" or importlib.util.find_spec("torch_xla") is None:
        return
    os.environ.setdefault("TPU_SKIP_MDS_QUERY", "1")
    os.environ.setdefault("TPU_ACCELERATOR_TYPE", "none")


def is_single_process(options: dict) -> bool:
    """Whether `lightning.Trainer` arguments describe one process on one device."""
    devices = options.get("devices", 1)
    one_device = devices == 1 or (isinstance(devices, (list, tuple)) and len(devices) == 1)
    return one_device and options.get("num_nodes", 1) == 1 and options.get("strategy", "auto") == "auto"


def distribution_options(distribution) -> dict:
    """`lightning.Trainer` arguments for `distribution` (None: one device or the launcher's processes)."""
    from kerasbridge.distribution import ModelParallel

    external = external_processes()
    if distribution is None:
        if external is None:
            return {"devices": 1}
        return {"devices": external[0], "num_nodes": external[1], "strategy": "ddp"}
    accelerator, devices = _accelerator_and_devices(distribution.devices)
    count = devices if isinstance(devices, int) else len(devices)
    options = {"accelerator": _xla_accelerator(accelerator) if accelerator == "tpu" else accelerator,
               "devices": devices}
    if external is not None:
        per_node, nodes = external
        options.update(devices=per_node, num_nodes=nodes)
        count = per_node * nodes
    if isinstance(distribution, ModelParallel):
        from lightning.pytorch.strategies import ModelParallelStrategy

        # FSDP2 over all processes (engine/fsdp.py); no tensor parallelism.
        options["strategy"] = ModelParallelStrategy(data_parallel_size=count, tensor_parallel_size=1)
    elif count > 1 and accelerator != "tpu":
        options["strategy"] = "ddp"
    return options


def _initialized_environment_plugin() -> dict:
    """`plugins=[...]` naming the job that `kerasbridge.distribution.initialize` joined, if any."""
    from kerasbridge.distribution.initialize import initialized_cluster

    layout = initialized_cluster()
    if layout is None:
        return {}
    from kerasbridge.engine.initialized_environment import InitializedClusterEnvironment

    return {"plugins": [InitializedClusterEnvironment(layout)]}


def trainer_options() -> dict:
    """The distribution's arguments, then `set_trainer_kwargs`, then the distribution's `trainer_kwargs`."""
    from kerasbridge.distribution import distribution as current_distribution

    _skip_tpu_probe_off_tpu()
    distribution = current_distribution()
    options = distribution_options(distribution)
    options.update(_initialized_environment_plugin())
    options.update(_EXTRA_TRAINER_KWARGS)
    if distribution is not None:
        options.update(distribution.trainer_kwargs)
    return options


def shard_for(trainer) -> tuple[int, int] | None:
    """`(rank, world_size)` for splitting array inputs, or None when every process reads everything."""
    from kerasbridge.distribution import distribution as current_distribution

    distribution = current_distribution()
    if trainer.world_size <= 1 or (distribution is not None and not distribution.auto_shard_dataset):
        return None
    return trainer.global_rank, trainer.world_size


def relaunch_through_cli(trainer) -> None:
    """Under `kerasbridge run`, make Lightning's subprocess launcher re-run the CLI for the other ranks."""
    if "argv" not in _RELAUNCH:
        return
    from lightning.pytorch.strategies.launchers.subprocess_script import _SubprocessScriptLauncher

    launcher = getattr(trainer.strategy, "_launcher", None)
    if type(launcher) is not _SubprocessScriptLauncher:
        return

    class _CliRelaunch(_SubprocessScriptLauncher):
        def _call_children_scripts(self) -> None:
            import importlib.util

            main = sys.modules["__main__"]
            saved_argv, saved_spec = sys.argv, getattr(main, "__spec__", None)
            sys.argv = [saved_argv[0], *_RELAUNCH["argv"]]
            main.__spec__ = importlib.util.find_spec("kerasbridge.__main__")
            try:
                super()._call_children_scripts()
            finally:
                sys.argv, main.__spec__ = saved_argv, saved_spec

    replacement = _CliRelaunch(launcher.cluster_environment, launcher.num_processes, launcher.num_nodes)
    trainer.strategy._launcher = replacement


def check_even_shards(adapter, shard) -> None:
    """Refuse global batches that leave a replica without samples (its loss would be NaN).

    Raises:
        ValueError: `batch_size` not divisible by the number of replicas, or a last partial
            batch too small to give every replica at least one sample.
    """
    from kerasbridge.engine.data_adapters import ArrayDataAdapter

    if shard is None or not isinstance(adapter, ArrayDataAdapter):
        return
    world = shard[1]
    if adapter.batch_size % world:
        raise ValueError(
            f"With {world} data-parallel replicas, `batch_size` (the global batch) must be divisible by {world}. "
            f"Received: batch_size={adapter.batch_size}"
        )
    remainder = adapter.num_samples % adapter.batch_size
    if remainder:
        per_replica = -(-remainder // world)
        if per_replica * (world - 1) >= remainder:
            raise ValueError(
                f"The last batch has {remainder} samples, too few to give each of the {world} data-parallel "
                f"replicas at least one. Use a number of samples ({adapter.num_samples}) whose remainder by "
                f"batch_size={adapter.batch_size} splits over {world} replicas, or drop the last samples."
            )
