"""`python -m kerasbridge run SCRIPT [ARGS...]`: run an unmodified Keras script on kerasbridge."""

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kerasbridge", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run", help="run a Keras script with `keras` aliased to kerasbridge",
        description="Run SCRIPT as __main__ with `import keras` resolving to kerasbridge. "
                    "Arguments after SCRIPT are passed to the script unchanged.",
    )
    run.add_argument("script", help="path of the Python script to run")
    run.add_argument("script_args", nargs=argparse.REMAINDER, help="arguments for the script")
    return parser


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
        run_script(args.script, args.script_args)


if __name__ == "__main__":
    main()
