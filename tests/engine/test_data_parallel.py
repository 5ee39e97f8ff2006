"""DataParallel on two CPU processes (Lightning DDP, gloo) against the one-process fit.

Lightning's "ddp" strategy launches the other ranks by re-running the command line; the
calling process stays rank 0 and keeps the trained model, optimizer state included. Re-running
pytest's command line would re-run the test session, so the data-parallel run is a small
script (data_parallel_script.py) started in its own subprocess with a timeout: a hang fails
the test instead of blocking the suite.
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
    out = tmp_path_factory.mktemp("data_parallel") / "result.npz"
    result = subprocess.run([sys.executable, os.path.join(HERE, "data_parallel_script.py"), str(out)],
                            capture_output=True, text=True, cwd=ROOT, timeout=300,
                            env={**os.environ, "PYTHONPATH": ROOT})
    assert result.returncode == 0, result.stderr[-4000:]
    return dict(np.load(out)), result.stdout


def test_two_process_fit_equals_one_process_fit(run):
    data, _ = run
    np.testing.assert_allclose(data["replicated_weights"], data["single_weights"], atol=1e-5)


def test_history_is_reduced_across_replicas(run):
    data, _ = run
    assert list(data["history_keys"]) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    np.testing.assert_allclose(data["replicated_history"], data["single_history"], atol=1e-4)


def test_second_fit_continues_the_optimizer_in_the_calling_process(run):
    data, _ = run
    assert int(data["replicated_iterations"]) == int(data["single_iterations"]) == 3 * 4


def test_evaluate_predict_and_save_after_data_parallel_fit(run):
    data, _ = run
    np.testing.assert_allclose(data["replicated_evaluate"], data["single_evaluate"], atol=1e-5)
    assert data["replicated_predict"].shape == (64, 3)
    np.testing.assert_allclose(data["replicated_predict"], data["single_predict"], atol=1e-5)
    np.testing.assert_allclose(data["reloaded_predict"], data["replicated_predict"], atol=1e-6)


def test_progress_bar_prints_on_rank_zero_only(run):
    _, stdout = run
    assert stdout.count("Epoch 1/2") == 1
    assert stdout.count("Epoch 2/2") == 1
