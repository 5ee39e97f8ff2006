"""`ModelParallel` on two CPU processes (Lightning's ModelParallelStrategy, torch FSDP2, gloo) against one process.

The sharded run is a small script (model_parallel_script.py) started in its own subprocess with a
timeout, because Lightning's launcher re-runs the command line for the other rank and a hang must
fail the test instead of blocking the suite.
"""

import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("model_parallel") / "result.npz"
    result = subprocess.run([sys.executable, os.path.join(HERE, "model_parallel_script.py"), str(out)],
                            capture_output=True, text=True, cwd=ROOT, timeout=300,
                            env={**os.environ, "PYTHONPATH": ROOT})
    assert result.returncode == 0, result.stderr[-4000:]
    return dict(np.load(out)), result.stdout


def test_weights_are_sharded_while_training(run):
    data, _ = run
    kind, local_shape, global_shape = data["kernel_while_training"]
    assert kind == "DTensor"
    assert local_shape == "(3, 7)" and global_shape == "(5, 7)"  # rows split 3 + 2 over the two processes


def test_sharded_fit_equals_one_process_fit(run):
    data, _ = run
    np.testing.assert_allclose(data["sharded_weights"], data["single_weights"], atol=1e-5)
    np.testing.assert_allclose(data["sharded_history"], data["single_history"], atol=1e-4)


def test_calling_process_holds_full_weights_and_optimizer_state(run):
    data, _ = run
    assert set(data["weight_types"]) == {"Parameter"}
    np.testing.assert_allclose(data["sharded_slots"], data["single_slots"], atol=1e-5)


def test_evaluate_and_predict_after_sharded_fit(run):
    data, _ = run
    np.testing.assert_allclose(data["sharded_evaluate"], data["single_evaluate"], atol=1e-5)
    np.testing.assert_allclose(data["sharded_predict"], data["single_predict"], atol=1e-5)


def test_progress_bar_prints_on_rank_zero_only(run):
    _, stdout = run
    assert stdout.count("Epoch 1/2") == 1
