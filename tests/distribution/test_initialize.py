"""`distribution.initialize` and `distribute_tensor` in a 2-process CPU job, and synchronized batch statistics.

The two processes are started here (as two hosts would start them), each in its own subprocess
with a timeout, so a hang fails the test instead of blocking the suite.
"""

import importlib
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

import kerasbridge

initialize_module = importlib.import_module("kerasbridge.distribution.initialize")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    out = tmp_path_factory.mktemp("initialize") / "result.npz"
    port = str(_free_port())
    env = {**os.environ, "PYTHONPATH": ROOT, "OMP_NUM_THREADS": "1"}
    script = os.path.join(HERE, "initialize_script.py")
    processes = [subprocess.Popen([sys.executable, script, str(rank), port, str(out)], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for rank in (0, 1)]
    outputs = []
    try:
        for process in processes:
            outputs.append(process.communicate(timeout=300))
    finally:
        for process in processes:
            process.kill()
    for process, (_, stderr) in zip(processes, outputs):
        assert process.returncode == 0, stderr[-4000:]
    return dict(np.load(out))


def _data():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 4)).astype("float32") * np.tile(np.repeat([[1.0], [3.0]], 8, axis=0), (4, 1))
    return x


def test_synchronized_batch_norm_fit_over_initialized_processes_equals_one_process_fit(job):
    np.testing.assert_allclose(job["synced_weights"], job["single_weights"], atol=1e-5)
    np.testing.assert_allclose(job["synced_loss"], job["single_loss"], atol=1e-5)


def test_unsynchronized_batch_norm_uses_per_replica_statistics(job):
    # The control: without synchronization each replica normalizes by its own half batch.
    assert np.abs(job["local_weights"] - job["single_weights"]).max() > 1e-3


def test_distribute_tensor_shards_the_batch_axis_over_processes(job):
    x = _data()
    np.testing.assert_array_equal(job["shard"], x[:4])
    np.testing.assert_array_equal(job["full"], x[:8])


def test_synchronized_moments_are_global_and_differentiable(job):
    x = _data()[:32]
    np.testing.assert_allclose(job["moments"][0], x.mean(axis=0), atol=1e-5)
    np.testing.assert_allclose(job["moments"][1], x.var(axis=0), rtol=1e-4, atol=1e-5)
    # Each process backpropagates its own copy of L = sum(mean) + sum(var) of the global batch, and
    # the gradient its inputs receive sums both processes' losses: 2 * dL/dx_i = 2 (1 + 2 (x_i - mean)) / N
    # (DDP's gradient averaging then divides by the 2 processes). Rows of process 0.
    expected = 2 * (1.0 + 2.0 * (x - x.mean(axis=0))) / 32
    np.testing.assert_allclose(job["moments_grad"], expected[:16], atol=1e-5)


def test_initialize_needs_addresses_processes_and_id(monkeypatch):
    for name in ("KERAS_DISTRIBUTION_JOB_ADDRESSES", "KERAS_DISTRIBUTION_NUM_PROCESSES",
                 "KERAS_DISTRIBUTION_PROCESS_ID"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match="needs job_addresses, num_processes, process_id"):
        kerasbridge.distribution.initialize()
    with pytest.raises(ValueError, match=r"process_id.*\[0, num_processes\)"):
        kerasbridge.distribution.initialize("127.0.0.1:1234", num_processes=2, process_id=2)
    with pytest.raises(ValueError, match="host:port"):
        kerasbridge.distribution.initialize("127.0.0.1", num_processes=1, process_id=0)
    with pytest.raises(ValueError, match="one address per process"):
        kerasbridge.distribution.initialize("a:1,b:1,c:1", num_processes=2, process_id=0)


def test_cluster_layout_from_job_addresses():
    layout = initialize_module._layout(["h1:9", "h1:9", "h2:9", "h2:9"], 4, 3)
    assert (layout.num_nodes, layout.processes_per_node, layout.node_rank, layout.local_rank) == (2, 2, 1, 1)
    assert (layout.main_address, layout.main_port) == ("h1", 9)
    with pytest.raises(ValueError, match="same number of processes"):
        initialize_module._layout(["h1:9", "h1:9", "h2:9"], 3, 0)


def test_distribute_tensor_on_one_device_and_errors():
    dist = kerasbridge.distribution
    one = dist.DeviceMesh((1,), ["batch"], devices=["cpu:0"])
    x = np.arange(6, dtype="float32").reshape(3, 2)
    placed = dist.distribute_tensor(x, dist.TensorLayout(["batch", None], one))
    np.testing.assert_array_equal(placed.numpy(), x)
    symbolic = kerasbridge.KerasTensor((None, 2))
    assert dist.distribute_tensor(symbolic, dist.TensorLayout(["batch", None], one)) is symbolic
    with pytest.raises(ValueError, match="rank 2"):
        dist.distribute_tensor(x, dist.TensorLayout(["batch"], one))
    with pytest.raises(ValueError, match="device_mesh` is not set"):
        dist.distribute_tensor(x, dist.TensorLayout(["batch", None]))
    two = dist.DeviceMesh((2,), ["batch"], devices=["cpu:0", "cpu:1"])
    with pytest.raises(ValueError, match="2 devices, but this job has 1 process"):
        dist.distribute_tensor(x, dist.TensorLayout(["batch", None], two))
