"""engine/strategy.py: a distribution (and the cluster environment) as `lightning.Trainer` arguments."""

import numpy as np
import pytest

import kerasbridge
from kerasbridge import distribution as dist
from kerasbridge.engine import strategy
from kerasbridge.engine.data_adapters import ArrayDataAdapter

_LAUNCHER_VARS = ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "GROUP_RANK", "SLURM_NTASKS",
                  "SLURM_NNODES", "SLURM_JOB_NAME", "SLURM_PROCID")


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    for name in _LAUNCHER_VARS:
        monkeypatch.delenv(name, raising=False)
    kerasbridge.utils.clear_session(free_memory=False)
    yield
    dist.set_distribution(None)
    strategy.set_trainer_kwargs()


def test_no_distribution_is_one_device():
    assert strategy.trainer_options() == {"devices": 1}


def test_data_parallel_on_cpus_is_ddp_with_one_process_per_device():
    dist.set_distribution(dist.DataParallel(devices=["cpu:0", "cpu:1"]))
    assert strategy.trainer_options() == {"accelerator": "cpu", "devices": 2, "strategy": "ddp"}


def test_gpu_devices_keep_their_indices_and_one_device_needs_no_ddp():
    assert strategy.distribution_options(dist.DataParallel(devices=["cuda:1", "cuda:3"])) == {
        "accelerator": "gpu", "devices": [1, 3], "strategy": "ddp"}
    assert strategy.distribution_options(dist.DataParallel(devices=["cpu:0"])) == {
        "accelerator": "cpu", "devices": 1}
    assert strategy.distribution_options(dist.DataParallel(devices=["tpu:0", "tpu:1"])) == {
        "accelerator": "tpu", "devices": 2}
    with pytest.raises(ValueError, match="one type"):
        strategy.distribution_options(dist.DataParallel(devices=["cpu:0", "cuda:0"]))


def test_model_parallel_maps_to_fsdp2_over_all_devices():
    from lightning.pytorch.strategies import ModelParallelStrategy

    mesh = dist.DeviceMesh((2, 2), ["batch", "model"], devices=["cuda:0", "cuda:1", "cuda:2", "cuda:3"])
    options = strategy.distribution_options(dist.ModelParallel(layout_map=dist.LayoutMap(mesh)))
    chosen = options.pop("strategy")
    assert options == {"accelerator": "gpu", "devices": [0, 1, 2, 3]}
    assert isinstance(chosen, ModelParallelStrategy)
    assert (chosen._data_parallel_size, chosen._tensor_parallel_size) == (4, 1)


def test_torchrun_environment_gives_devices_and_nodes(monkeypatch):
    for name, value in {"RANK": "3", "LOCAL_RANK": "1", "WORLD_SIZE": "4", "LOCAL_WORLD_SIZE": "2",
                        "GROUP_RANK": "1"}.items():
        monkeypatch.setenv(name, value)
    assert strategy.trainer_options() == {"devices": 2, "num_nodes": 2, "strategy": "ddp"}


def test_slurm_environment_gives_devices_and_nodes(monkeypatch):
    for name, value in {"SLURM_NTASKS": "8", "SLURM_NNODES": "2", "SLURM_JOB_NAME": "train"}.items():
        monkeypatch.setenv(name, value)
    assert strategy.trainer_options() == {"devices": 4, "num_nodes": 2, "strategy": "ddp"}


def test_trainer_kwargs_escape_hatch_order():
    strategy.set_trainer_kwargs(precision="bf16-mixed", devices=1)
    assert strategy.trainer_options() == {"devices": 1, "precision": "bf16-mixed"}
    dist.set_distribution(dist.DataParallel(devices=["cpu:0", "cpu:1"], trainer_kwargs={"precision": "64-true"}))
    assert strategy.trainer_options()["precision"] == "64-true"
    with strategy.trainer_kwargs_scope(max_time="00:00:01:00"):
        assert strategy.get_trainer_kwargs()["max_time"] == "00:00:01:00"
    assert "max_time" not in strategy.get_trainer_kwargs()


def test_trainer_kwargs_reach_the_lightning_trainer():
    from kerasbridge.engine.loops import make_trainer

    strategy.set_trainer_kwargs(precision="bf16-mixed")
    trainer = make_trainer(max_epochs=1)
    assert trainer.precision == "bf16-mixed"
    assert trainer.max_epochs == 1


def test_uneven_shards_are_refused_with_the_reason():
    x = np.zeros((10, 2), "float32")
    strategy.check_even_shards(ArrayDataAdapter(x, batch_size=4), None)
    strategy.check_even_shards(ArrayDataAdapter(x, batch_size=4), (0, 2))  # last batch: 2 samples, 1 each
    with pytest.raises(ValueError, match="divisible by 2"):
        strategy.check_even_shards(ArrayDataAdapter(x, batch_size=5), (0, 2))
    with pytest.raises(ValueError, match="last batch has 2 samples"):
        strategy.check_even_shards(ArrayDataAdapter(x, batch_size=8), (0, 4))


def test_one_process_fit_is_unchanged_by_the_mapping():
    model = kerasbridge.Sequential([kerasbridge.Input((2,)), kerasbridge.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.ones((8, 2), "float32"), np.ones((8, 1), "float32"), batch_size=4, verbose=0)
    assert len(history.history["loss"]) == 1
    assert int(model.optimizer.iterations.numpy()) == 2
