"""`python -m kerasbridge run SCRIPT`: an unmodified `import keras` script runs on kerasbridge."""

import os
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
