"""kerasbridge.distribution's Keras-shaped objects (no processes started here)."""

import numpy as np
import pytest

import kerasbridge
from kerasbridge import distribution as dist


@pytest.fixture(autouse=True)
def _clean():
    kerasbridge.utils.clear_session(free_memory=False)
    yield
    dist.set_distribution(None)


def test_list_devices_names_the_cpu():
    assert dist.list_devices("cpu") == ["cpu:0"]
    assert dist.get_device_count("cpu") == 1
    with pytest.raises(ValueError, match="device_type"):
        dist.list_devices("abacus")


def test_data_parallel_from_devices_builds_a_batch_mesh():
    distribution = dist.DataParallel(devices=["cpu:0", "cpu:1"])
    assert distribution.devices == ["cpu:0", "cpu:1"]
    assert distribution.device_mesh.shape == (2,)
    assert distribution.batch_dim_name == "batch"
    assert distribution.num_model_replicas == 2
    assert distribution.auto_shard_dataset is True


def test_data_parallel_defaults_to_local_devices_and_rejects_mesh_with_devices():
    assert dist.DataParallel().devices == dist.list_devices()
    mesh = dist.DeviceMesh((2,), ["data"], devices=["cpu:0", "cpu:1"])
    assert dist.DataParallel(device_mesh=mesh).batch_dim_name == "data"
    with pytest.raises(ValueError, match="not both"):
        dist.DataParallel(device_mesh=mesh, devices=["cpu:0"])
    with pytest.raises(ValueError, match="DeviceMesh"):
        dist.DataParallel(device_mesh="mesh")


def test_device_mesh_validates_shape():
    with pytest.raises(ValueError, match="same size"):
        dist.DeviceMesh((2,), ["a", "b"], devices=["cpu:0", "cpu:1"])
    with pytest.raises(ValueError, match="does not match the number of devices"):
        dist.DeviceMesh((3,), ["a"], devices=["cpu:0", "cpu:1"])
    mesh = dist.DeviceMesh((2, 2), ["data", "model"], devices=[f"cuda:{i}" for i in range(4)])
    assert mesh.devices.shape == (2, 2)
    assert mesh.devices[1, 0] == "cuda:2"


def test_layout_map_matches_regex_keys_once():
    mesh = dist.DeviceMesh((2,), ["model"], devices=["cpu:0", "cpu:1"])
    layouts = dist.LayoutMap(mesh)
    layouts[".*dense.*kernel"] = (None, "model")
    layouts[".*dense.*bias"] = dist.TensorLayout(("model",))
    assert layouts["dense_1/kernel"].axes == (None, "model")
    assert layouts["dense_1/kernel"].device_mesh is mesh
    assert layouts["dense_1/bias"].axes == ("model",)
    assert layouts["conv/kernel"] is None
    layouts[".*kernel"] = (None, None)
    with pytest.raises(ValueError, match="matches multiple"):
        layouts["dense_1/kernel"]
    with pytest.raises(ValueError, match="already exist"):
        layouts[".*kernel"] = (None, None)
    with pytest.raises(ValueError, match="Invalid axis names"):
        layouts["x"] = ("nope",)


def test_model_parallel_keeps_layout_map_and_validates():
    mesh = dist.DeviceMesh((1, 2), ["batch", "model"], devices=["cpu:0", "cpu:1"])
    layouts = dist.LayoutMap(mesh)
    layouts[".*kernel"] = (None, "model")
    model = kerasbridge.Sequential([kerasbridge.Input((3,)), kerasbridge.layers.Dense(4)])
    distribution = dist.ModelParallel(layout_map=layouts)
    assert distribution.batch_dim_name == "batch"
    assert distribution.num_model_replicas == 1
    assert distribution.get_variable_layout(model.layers[0].kernel).axes == (None, "model")
    with pytest.raises(ValueError, match="layout_map"):
        dist.ModelParallel()
    with pytest.raises(ValueError, match="LayoutMap"):
        dist.ModelParallel(layout_map={})


def test_set_distribution_and_scope():
    assert dist.distribution() is None
    outer = dist.DataParallel(devices=["cpu:0"])
    dist.set_distribution(outer)
    inner = dist.DataParallel(devices=["cpu:0", "cpu:1"])
    with inner.scope():
        assert dist.distribution() is inner
    assert dist.distribution() is outer
    with pytest.raises(ValueError, match="Distribution"):
        dist.set_distribution("ddp")


def test_trainer_kwargs_must_be_a_dict():
    with pytest.raises(TypeError, match="trainer_kwargs"):
        dist.DataParallel(devices=["cpu:0"], trainer_kwargs=["plugins"])
    assert dist.DataParallel(devices=["cpu:0"], trainer_kwargs={"precision": "64"}).trainer_kwargs == {
        "precision": "64"
    }


def test_exported_at_top_level():
    assert kerasbridge.distribution is dist
    assert np.array(dist.DataParallel(devices=["cpu:0"]).device_mesh.devices).tolist() == ["cpu:0"]
