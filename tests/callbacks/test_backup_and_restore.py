"""BackupAndRestore: a fit killed (SIGKILL, SIGTERM, SIGUSR1) and run again ends with bit for bit the
weights and history of an uninterrupted fit; plus the backup file's handling."""

import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest

import kerasbridge
from kerasbridge.callbacks import BackupAndRestore

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "backup_fit_script.py")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(SCRIPT)))
posix_only = pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(signal, "SIGKILL"), reason="POSIX only")


def _env(**extra):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([ROOT, env.get("PYTHONPATH", "")])
    env.update(extra)
    return env


def _script(*args, **env):
    return subprocess.run([sys.executable, SCRIPT, *map(str, args)], env=_env(**env), capture_output=True,
                          text=True, timeout=300)


def _fork_jobs(jobs, **env):
    result = subprocess.run([sys.executable, SCRIPT, "--fork-jobs", json.dumps([list(map(str, j)) for j in jobs])],
                            env=_env(**env), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _assert_same_run(out, reference):
    with np.load(f"{out}.npz") as ours, np.load(f"{reference}.npz") as theirs:
        assert len(ours.files) == len(theirs.files) == 4
        for key in theirs.files:
            np.testing.assert_array_equal(ours[key], theirs[key])  # bit for bit
    with open(f"{out}.json") as mine, open(f"{reference}.json") as other:
        assert json.load(mine) == json.load(other)


@pytest.fixture(scope="module")
def references(tmp_path_factory):
    """Uninterrupted runs without BackupAndRestore, shuffled and not (each in a forked process)."""
    folder = tmp_path_factory.mktemp("references")
    jobs = [[folder / "shuffled", folder / "unused", "--shuffle", "--no-backup"],
            [folder / "ordered", folder / "unused", "--no-backup"]]
    assert _fork_jobs(jobs) == [0, 0]
    return folder


@posix_only
def test_sigkill_after_epoch_two_then_rerun_matches_an_uninterrupted_run(tmp_path, references):
    backup = tmp_path / "backup"
    # A fresh process, killed during epoch 3 after the backup of epoch 2: that epoch's first batch is lost.
    killed = _script(tmp_path / "run", backup, "--shuffle", "--kill", "2:1:SIGKILL")
    assert killed.returncode == -signal.SIGKILL
    assert (backup / "latest.ckpt").exists()
    rerun = _script(tmp_path / "run", backup, "--shuffle")  # the same script, run again
    assert rerun.returncode == 0, rerun.stderr
    _assert_same_run(tmp_path / "run", references / "shuffled")
    assert not backup.exists()  # deleted after a completed fit


@posix_only
def test_kills_at_epochs_mid_epoch_and_by_signals_resume_exactly(tmp_path, references):
    scontrol = tmp_path / "bin" / "scontrol"
    scontrol.parent.mkdir()
    scontrol.write_text(f"#!/bin/sh\necho \"$@\" > {tmp_path / 'scontrol_args'}\n")
    scontrol.chmod(0o755)
    t = tmp_path
    jobs = [
        # shuffle off, SIGKILL after epoch 2
        [t / "ordered", t / "b1", "--kill", "2:0:SIGKILL"],
        [t / "ordered", t / "b1"],
        # backups every 3 batches, SIGKILL in the middle of epoch 2 (backup after its 4th batch)
        [t / "mid", t / "b2", "--shuffle", "--save-freq", "3", "--kill", "1:4:SIGKILL"],
        [t / "mid", t / "b2", "--shuffle", "--save-freq", "3"],
        # the same, shuffle off, backups every 2 batches, killed in epoch 4
        [t / "mid_ordered", t / "b3", "--save-freq", "2", "--kill", "3:2:SIGKILL"],
        [t / "mid_ordered", t / "b3", "--save-freq", "2"],
        # SIGTERM mid-epoch: a backup is written at the end of the batch, then the process ends
        [t / "term", t / "b4", "--shuffle", "--kill", "1:2:SIGTERM"],
        [t / "term", t / "b4", "--shuffle"],
        # SIGUSR1 inside a SLURM job after the epoch's last batch: backup, requeue, exit
        [t / "usr1", t / "b5", "--shuffle", "--kill", "1:4:SIGUSR1"],
        [t / "usr1", t / "b5", "--shuffle"],
    ]
    statuses = _fork_jobs(jobs, SLURM_JOB_ID="4242", PATH=f"{scontrol.parent}{os.pathsep}{os.environ['PATH']}")
    killed = [-signal.SIGKILL, -signal.SIGKILL, -signal.SIGKILL, -signal.SIGTERM, -signal.SIGUSR1]
    assert statuses == [code for pair in zip(killed, [0] * 5) for code in pair]
    _assert_same_run(t / "ordered", references / "ordered")
    _assert_same_run(t / "mid_ordered", references / "ordered")
    for name in ("mid", "term", "usr1"):
        _assert_same_run(t / name, references / "shuffled")
    assert (t / "scontrol_args").read_text().split() == ["requeue", "4242"]


# -- in-process behaviour ------------------------------------------------------------------------------
class Crash(kerasbridge.callbacks.Callback):
    def __init__(self, epoch, batch):
        super().__init__()
        self.at, self.epoch = (epoch, batch), None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            raise RuntimeError("simulated crash")


def _model():
    kerasbridge.utils.clear_session(free_memory=False)
    kerasbridge.utils.set_random_seed(3)
    model = kerasbridge.Sequential([kerasbridge.Input((2,)), kerasbridge.layers.Dense(1)])
    model.compile(kerasbridge.optimizers.SGD(0.1, momentum=0.5), "mse")
    return model


def _fit(model, callbacks, epochs=3):
    x = np.linspace(-1, 1, 24, dtype="float32").reshape(12, 2)
    return model.fit(x, x[:, :1] * 2, batch_size=4, epochs=epochs, verbose=0, callbacks=callbacks)


def test_crash_then_rerun_in_process_restores_weights_optimizer_and_history(tmp_path):
    reference = _model()
    expected = _fit(reference, []).history
    model = _model()
    with pytest.raises(RuntimeError, match="simulated crash"):
        _fit(model, [Crash(2, 0), BackupAndRestore(tmp_path)])
    model = _model()
    history = _fit(model, [BackupAndRestore(tmp_path)])
    assert history.history == expected
    assert int(model.optimizer.iterations.numpy()) == 9
    for a, b in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_completed_backup_resumes_without_training(tmp_path):
    model = _model()
    _fit(model, [BackupAndRestore(tmp_path, delete_checkpoint=False)])
    assert (tmp_path / "latest.ckpt").exists()
    trained = model.get_weights()
    again = _model()
    history = _fit(again, [BackupAndRestore(tmp_path, delete_checkpoint=False)])
    assert len(history.history["loss"]) == 3  # restored History, no new epoch
    for a, b in zip(again.get_weights(), trained):
        np.testing.assert_array_equal(a, b)


def test_double_checkpoint_falls_back_to_the_previous_backup(tmp_path):
    model = _model()
    with pytest.raises(RuntimeError, match="simulated crash"):
        _fit(model, [Crash(2, 0), BackupAndRestore(tmp_path, double_checkpoint=True)])
    assert (tmp_path / "latest.ckpt.bkp").exists()
    (tmp_path / "latest.ckpt").write_bytes(b"damaged")
    model = _model()
    history = _fit(model, [BackupAndRestore(tmp_path)])
    assert len(history.history["loss"]) == 3


def test_damaged_backup_without_a_previous_one_raises(tmp_path):
    (tmp_path / "latest.ckpt").write_bytes(b"damaged")
    with pytest.raises(OSError, match="Could not read the backup"):
        _fit(_model(), [BackupAndRestore(tmp_path)])


def test_backup_is_a_weights_only_torch_checkpoint_without_temporary_files(tmp_path):
    import torch

    with pytest.raises(RuntimeError, match="simulated crash"):
        _fit(_model(), [Crash(1, 1), BackupAndRestore(tmp_path, save_freq=2)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.ckpt"]
    state = torch.load(tmp_path / "latest.ckpt", weights_only=True)
    assert (state["epoch"], state["steps_done"]) == (1, 1)
    assert set(state["model"]["state_dict"]) == {"dense.kernel", "dense.bias"}
    assert {"torch", "numpy", "python"} <= set(state["rng"])


def test_signal_handlers_are_restored_after_fit(tmp_path):
    before = signal.getsignal(signal.SIGTERM)
    _fit(_model(), [BackupAndRestore(tmp_path)], epochs=1)
    assert signal.getsignal(signal.SIGTERM) == before


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"backup_dir": ""}, "Empty `backup_dir`"),
    ({"backup_dir": "d", "save_freq": "batch"}, "Invalid value for argument `save_freq`"),
])
def test_bad_arguments_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BackupAndRestore(**kwargs)


def test_unbuilt_model_raises(tmp_path):
    model = kerasbridge.Sequential([kerasbridge.layers.Dense(1)])
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match="must be built before you call `fit\\(\\)`"):
        model.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0, callbacks=[BackupAndRestore(tmp_path)])
