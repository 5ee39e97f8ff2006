"""Round trips of `.keras` archives and weights files inside kerasbridge."""

import json
import zipfile

import numpy as np
import pytest

import kerasbridge as kb
from kerasbridge.saving import saving_lib


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    yield


RNG = np.random.default_rng(7)
X = RNG.random((16, 4), dtype=np.float32)
Y = RNG.random((16, 2), dtype=np.float32)


def _sequential():
    return kb.Sequential([kb.Input((4,)), kb.layers.Dense(3, activation="relu"), kb.layers.Dense(2)])


def _assert_same_predictions(a, b, x):
    pa, pb = a.predict(x, verbose=0), b.predict(x, verbose=0)
    if isinstance(pa, dict):
        assert sorted(pa) == sorted(pb)
        pa, pb = [pa[k] for k in sorted(pa)], [pb[k] for k in sorted(pb)]
    for left, right in zip(pa if isinstance(pa, list) else [pa], pb if isinstance(pb, list) else [pb]):
        np.testing.assert_array_equal(left, right)


def test_sequential_round_trip_keeps_config_and_predictions(tmp_path):
    model = _sequential()
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = kb.models.load_model(path)
    assert isinstance(loaded, kb.Sequential)
    assert json.dumps(loaded.get_config()) == json.dumps(model.get_config())
    _assert_same_predictions(model, loaded, X)


def test_archive_has_keras_entries_uncompressed(tmp_path):
    path = tmp_path / "model.keras"
    _sequential().save(path)
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        assert all(info.compress_type == zipfile.ZIP_STORED for info in archive.infolist())
        metadata = json.loads(archive.read("metadata.json"))
        config = json.loads(archive.read("config.json"))
    assert set(metadata) >= {"keras_version", "date_saved"}
    assert (config["module"], config["class_name"]) == ("keras", "Sequential")


def test_functional_multi_io_shared_and_nested_round_trip(tmp_path):
    a, b = kb.Input((4,), name="a"), kb.Input((4,), name="b")
    shared = kb.layers.Dense(3, name="shared")
    merged = kb.layers.Concatenate()([shared(a), shared(b)])
    inner_in = kb.Input((6,))
    inner = kb.Model(inner_in, kb.layers.Dense(2)(inner_in), name="inner")
    nested_seq = kb.Sequential([kb.layers.Dense(2), kb.layers.BatchNormalization()], name="nested_seq")
    model = kb.Model([a, b], {"x": nested_seq(merged), "y": inner(merged)})
    path = tmp_path / "functional.keras"
    model.save(path)
    loaded = kb.models.load_model(path)
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    assert len(loaded.get_layer("shared")._inbound_nodes) == 2
    _assert_same_predictions(model, loaded, [X, X[::-1].copy()])


@kb.saving.register_keras_serializable(package="TestSaving")
class ScaledDense(kb.layers.Layer):
    def __init__(self, units, scale=2.0, **kwargs):
        super().__init__(**kwargs)
        self.units, self.scale = units, scale

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform")

    def call(self, x):
        return kb.ops.matmul(x, self.kernel) * self.scale

    def get_config(self):
        return {**super().get_config(), "units": self.units, "scale": self.scale}


@kb.saving.register_keras_serializable(package="TestSaving")
class TwoTower(kb.Model):
    def __init__(self, hidden, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden
        self.left = kb.layers.Dense(hidden, activation="tanh")
        self.right = ScaledDense(hidden)
        self.head = kb.layers.Dense(2)

    def call(self, x):
        return self.head(self.left(x) + self.right(x))

    def get_config(self):
        return {**super().get_config(), "hidden": self.hidden}


def test_subclassed_model_with_custom_registered_layer_round_trip(tmp_path):
    model = TwoTower(5)
    model(X)
    path = tmp_path / "sub.keras"
    model.save(path)
    loaded = kb.models.load_model(path)
    assert type(loaded) is TwoTower and type(loaded.right) is ScaledDense
    _assert_same_predictions(model, loaded, X)


def test_custom_layer_in_sequential_round_trip(tmp_path):
    model = kb.Sequential([kb.Input((4,)), ScaledDense(3, scale=0.5), kb.layers.Dense(2)])
    path = tmp_path / "custom.keras"
    model.save(path)
    loaded = kb.models.load_model(path)
    assert loaded.layers[0].scale == 0.5
    _assert_same_predictions(model, loaded, X)


def test_training_continues_after_round_trip(tmp_path):
    model = _sequential()
    model.compile(optimizer=kb.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    model.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    path = tmp_path / "trained.keras"
    model.save(path)
    loaded = kb.models.load_model(path)
    assert int(loaded.optimizer.iterations.numpy()) == int(model.optimizer.iterations.numpy()) == 4
    for saved, restored in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(saved.numpy(), restored.numpy())
    model.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    loaded.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    for expected, actual in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-7)


def test_load_without_compile(tmp_path):
    model = _sequential()
    model.compile("sgd", "mse")
    model.save(tmp_path / "m.keras")
    assert not kb.models.load_model(tmp_path / "m.keras", compile=False).compiled


@pytest.mark.parametrize("suffix", [".weights.h5", ".safetensors"])
def test_weights_file_round_trip_with_optimizer(tmp_path, suffix):
    model = _sequential()
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, Y, batch_size=8, epochs=1, verbose=0)
    path = tmp_path / f"w{suffix}"
    model.save_weights(path)
    other = _sequential()
    other.compile(optimizer="adam", loss="mse")
    other.optimizer.build(other.trainable_variables)
    other.load_weights(path)
    for expected, actual in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(actual, expected)
    np.testing.assert_array_equal(other.optimizer.variables[2].numpy(), model.optimizer.variables[2].numpy())


def test_safetensors_keys_are_keras_variable_paths(tmp_path):
    from safetensors import safe_open

    path = tmp_path / "w.safetensors"
    _sequential().save_weights(path)
    with safe_open(str(path), framework="pt") as f:
        keys = set(f.keys())
    assert keys == {"layers/dense/vars/0", "layers/dense/vars/1", "layers/dense_1/vars/0", "layers/dense_1/vars/1"}


def test_load_weights_from_keras_archive(tmp_path):
    model = _sequential()
    model.save(tmp_path / "m.keras")
    other = _sequential()
    other.load_weights(tmp_path / "m.keras")
    _assert_same_predictions(model, other, X)


def _wider():
    return kb.Sequential([kb.Input((4,)), kb.layers.Dense(3, activation="relu"), kb.layers.Dense(5)])


def test_mismatch_raises_and_leaves_weights_unchanged(tmp_path):
    path = tmp_path / "w.weights.h5"
    _sequential().save_weights(path)
    target = _wider()
    before = target.get_weights()
    with pytest.raises(ValueError, match="could not be loaded from .*w.weights.h5"):
        target.load_weights(path)
    for old, now in zip(before, target.get_weights()):
        np.testing.assert_array_equal(now, old)


def test_skip_mismatch_loads_matching_layers_and_warns(tmp_path):
    source = _sequential()
    path = tmp_path / "w.weights.h5"
    source.save_weights(path)
    target = _wider()
    untouched = target.layers[1].get_weights()
    with pytest.warns(UserWarning, match="could not be loaded"):
        target.load_weights(path, skip_mismatch=True)
    for expected, actual in zip(source.layers[0].get_weights(), target.layers[0].get_weights()):
        np.testing.assert_array_equal(actual, expected)
    for expected, actual in zip(untouched, target.layers[1].get_weights()):
        np.testing.assert_array_equal(actual, expected)


def test_saving_module_names_and_weights_extension_checks(tmp_path):
    model = _sequential()
    kb.saving.save_model(model, tmp_path / "a.keras")
    assert isinstance(kb.saving.load_model(tmp_path / "a.keras"), kb.Sequential)
    kb.saving.save_weights(model, tmp_path / "a.weights.h5")
    kb.saving.load_weights(model, tmp_path / "a.weights.h5")
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        model.save_weights(tmp_path / "a.h5")
    with pytest.raises(ValueError, match=r"\.keras"):
        model.save(tmp_path / "a.zip")


def test_torch_optimizer_module_written_as_keras_does():
    config = kb.saving.serialize_keras_object(kb.optimizers.Adam())
    assert config["module"] == "keras.src.backend.torch.optimizers.torch_adam"
    assert config["registered_name"] == "Adam"
    assert type(kb.saving.deserialize_keras_object(config)) is kb.optimizers.Adam


def test_saving_lib_reports_unbuilt_model_for_weights(tmp_path):
    model = kb.Sequential([kb.layers.Dense(2)])
    with pytest.raises(ValueError, match="not yet been built"):
        saving_lib.save_weights_only(model, tmp_path / "x.weights.h5")


def test_deferred_sequential_round_trip(tmp_path):
    model = kb.Sequential([kb.layers.Dense(3), kb.layers.Dense(2)])
    model(X)
    model.save(tmp_path / "deferred.keras")
    loaded = kb.models.load_model(tmp_path / "deferred.keras")
    assert loaded.built
    _assert_same_predictions(model, loaded, X)


def test_save_and_load_with_file_objects():
    import io

    model = _sequential()
    buffer = io.BytesIO()
    kb.saving.save_model(model, buffer)
    buffer.seek(0)
    _assert_same_predictions(model, kb.saving.load_model(buffer), X)
