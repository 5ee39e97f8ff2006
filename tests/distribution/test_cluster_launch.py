"""The same script under torchrun (2 ranks on CPU): no distribution set, DDP from the environment.

Each multi-process run is its own subprocess with a timeout, so a hang cannot block the suite.
"""

import importlib.util
import os
import re
import subprocess
import sys

import pytest

import kerasbridge

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "examples", "cluster", "train.py")


@pytest.fixture(autouse=True)
def _clean():
    kerasbridge.utils.clear_session(free_memory=False)
    yield
    kerasbridge.distribution.set_distribution(None)


def _one_process_result(epochs, batch_size):
    spec = importlib.util.spec_from_file_location("cluster_train_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model, history = module.train(epochs, batch_size)
    return history.history["loss"][-1], int(model.optimizer.iterations.numpy())


def test_torchrun_two_ranks_runs_the_example_like_one_process(tmp_path):
    saved = tmp_path / "model.keras"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
               EXAMPLE, "--epochs", "1", "--save", str(saved)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300,
                            env={**os.environ, "PYTHONPATH": ROOT})
    assert result.returncode == 0, result.stderr[-4000:]
    found = re.findall(r"rank 0 of (\d+): final loss ([\d.]+), optimizer iterations (\d+)", result.stdout)
    assert len(found) == 1, result.stdout
    world, loss, iterations = found[0]
    expected_loss, expected_iterations = _one_process_result(epochs=1, batch_size=32)
    assert world == "2"
    assert int(iterations) == expected_iterations == 8
    assert abs(float(loss) - expected_loss) < 1e-4
    assert result.stdout.count("8/8 - ") == 1  # the progress line comes from rank 0 only
    assert saved.exists()
