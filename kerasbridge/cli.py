"""`python -m kerasbridge run [OPTIONS] SCRIPT [ARGS...]`: run an unmodified Keras script on kerasbridge."""

from __future__ import annotations

import argparse
import os
import runpy
import sys

DESCRIPTION = """\
Run a Keras 3 script on kerasbridge without changing it: `import keras` and
`from keras import layers` resolve to kerasbridge, so the script's models are
torch modules and its fit() runs on a lightning.Trainer.
"""

RUN_EPILOG = """\
Options go before SCRIPT; everything after SCRIPT is passed to the script.
Examples:
  kerasbridge run train.py --epochs 3
  kerasbridge run --devices 2 --accelerator cpu train.py     # 2 CPU processes (DDP, gloo)
  kerasbridge run --devices 4 --precision bf16-mixed train.py  # 4 GPUs
  srun kerasbridge run --devices 4 --num-nodes 2 train.py    # SLURM, 2 nodes x 4 GPUs
"""

_ACCELERATOR_DEVICE_TYPE = {"cpu": "cpu", "gpu": "gpu", "tpu": "tpu"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kerasbridge", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run", help="run a Keras script with `keras` aliased to kerasbridge",
        description="Run SCRIPT as __main__ with `import keras` resolving to kerasbridge, with the given "
                    "devices/strategy applied to every fit, evaluate and predict.",
        epilog=RUN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("--devices", type=int, default=None, metavar="N",
                     help="devices (processes) per node; more than 1 trains data-parallel (DataParallel, DDP)")
    run.add_argument("--accelerator", choices=["cpu", "gpu", "tpu", "auto"], default=None,
                     help="device type (default: auto = GPUs, else TPU, else CPU)")
    run.add_argument("--num-nodes", type=int, default=None, metavar="N", help="number of nodes (cluster jobs)")
    run.add_argument("--strategy", default=None, metavar="NAME",
                     help="a Lightning strategy name (e.g. ddp, fsdp, ddp_find_unused_parameters_true)")
    run.add_argument("--precision", default=None, metavar="P",
                     help="a Lightning precision (e.g. 32-true, bf16-mixed, 16-mixed)")
    run.add_argument("script", help="path of the Python script to run")
    run.add_argument("script_args", nargs=argparse.REMAINDER, help="arguments for the script")
    return parser


def _option_argv(args) -> list[str]:
    argv = []
    for flag, value in (("--devices", args.devices), ("--accelerator", args.accelerator),
                        ("--num-nodes", args.num_nodes), ("--strategy", args.strategy),
                        ("--precision", args.precision)):
        if value is not None:
            argv += [flag, str(value)]
    return argv


def apply_run_options(args) -> None:
    """Turn the run options into a distribution and `lightning.Trainer` arguments for every fit."""
    from kerasbridge import distribution
    from kerasbridge.engine import strategy

    if args.devices is not None and args.devices < 1:
        raise SystemExit(f"kerasbridge run: --devices must be at least 1, got {args.devices}")
    if args.num_nodes is not None and args.num_nodes < 1:
        raise SystemExit(f"kerasbridge run: --num-nodes must be at least 1, got {args.num_nodes}")
    if args.devices is not None or args.accelerator not in (None, "auto"):
        device_type = _ACCELERATOR_DEVICE_TYPE.get(args.accelerator or "auto")
        available = distribution.list_devices(device_type)
        kind = (available[0] if available else f"{device_type}:0").split(":")[0]
        count = args.devices if args.devices is not None else max(len(available), 1)
        distribution.set_distribution(distribution.DataParallel(devices=[f"{kind}:{i}" for i in range(count)]))
    extra = {}
    if args.num_nodes is not None:
        extra["num_nodes"] = args.num_nodes
        if args.strategy is None:
            extra["strategy"] = "ddp"
    if args.strategy is not None:
        extra["strategy"] = args.strategy
    if args.precision is not None:
        extra["precision"] = args.precision
    strategy.set_trainer_kwargs(**extra)
    strategy.set_relaunch_argv(["run", *_option_argv(args), args.script, *args.script_args])


def run_script(script: str, script_args: list[str]) -> None:
    """Execute `script` as `__main__` with `keras` aliased to kerasbridge."""
    from kerasbridge import keras_alias

    if not os.path.isfile(script):
        raise SystemExit(f"kerasbridge run: no such script: {script}")
    keras_alias.install()
    sys.argv = [script, *script_args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        if not os.path.isfile(args.script):
            raise SystemExit(f"kerasbridge run: no such script: {args.script}")
        apply_run_options(args)
        run_script(args.script, args.script_args)


if __name__ == "__main__":
    main()
