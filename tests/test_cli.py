"""`python -m kerasbridge run SCRIPT`: an unmodified `import keras` script runs on kerasbridge."""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args):
    return subprocess.run([sys.executable, "-m", "kerasbridge", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)


def test_run_aliases_keras_to_kerasbridge_and_passes_arguments():
    result = run("run", "examples/keras_script.py", "--epochs", "2")
    assert result.returncode == 0, result.stderr
    assert "backend module: kerasbridge" in result.stdout
    assert "Epoch 2/2" in result.stdout


def test_submodule_imports_resolve(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(
        "from keras.layers import Dense\nfrom keras import ops\nimport keras.backend as K\n"
        "import kerasbridge\nassert Dense is kerasbridge.layers.Dense\nassert ops is kerasbridge.ops\n"
        "assert K is kerasbridge.backend\nprint('ok')\n"
    )
    result = run("run", str(script))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_help_documents_run_and_missing_script_fails_clearly():
    assert "run" in run("--help").stdout
    result = run("run", "does_not_exist.py")
    assert result.returncode != 0
    assert "no such script" in result.stderr


def _final_losses(stdout):
    # Two ranks share one pipe, so one rank's line can be glued to the other's: match, don't split lines.
    return [float(value) for value in re.findall(r"backend module: kerasbridge; final loss: (\d+\.\d+)", stdout)]


def test_run_with_two_devices_trains_data_parallel():
    double = run("run", "--devices", "2", "--accelerator", "cpu", "examples/keras_script.py", "--epochs", "1")
    assert double.returncode == 0, double.stderr[-4000:]
    # Lightning re-runs the CLI (keras aliased, same options) for rank 1; had rank 1 imported the real
    # keras instead, it would never join rank 0's process group and the run would time out.
    losses = _final_losses(double.stdout)
    assert len(losses) == 2 and losses[0] == losses[1], double.stdout + double.stderr[-3000:]
    assert double.stdout.count("8/8 - ") == 1  # the progress line prints on rank 0 only


def test_run_help_documents_distribution_options():
    text = run("run", "--help").stdout
    for flag in ("--devices", "--accelerator", "--num-nodes", "--strategy", "--precision"):
        assert flag in text


def test_run_options_become_a_distribution_and_trainer_kwargs():
    from kerasbridge import cli, distribution
    from kerasbridge.engine import strategy

    args = cli.build_parser().parse_args(
        ["run", "--devices", "3", "--accelerator", "cpu", "--precision", "bf16-mixed", "x.py", "--lr", "1"])
    try:
        cli.apply_run_options(args)
        assert distribution.distribution().devices == ["cpu:0", "cpu:1", "cpu:2"]
        assert strategy.get_trainer_kwargs() == {"precision": "bf16-mixed"}
        assert args.script_args == ["--lr", "1"]
    finally:
        distribution.set_distribution(None)
        strategy.set_trainer_kwargs()
        strategy.set_relaunch_argv(None)
