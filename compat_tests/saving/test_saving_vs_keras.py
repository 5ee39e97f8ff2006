"""`.keras` archives and `.weights.h5` files move both ways between Keras 3 (torch backend) and kerasbridge.

For each model family the same architecture is built in both libraries: a file saved by one is
loaded by the other and both must predict the same numbers (atol 1e-5), and the HDF5 weights
layout (group paths, dataset shapes, object names) must be identical.
"""

import io
import json
import os
import zipfile

os.environ.setdefault("KERAS_BACKEND", "torch")

import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kerasbridge as kb  # noqa: E402

ATOL = 1e-5
RNG = np.random.default_rng(11)


@pytest.fixture(autouse=True)
def _fresh_sessions():
    keras.utils.clear_session(free_memory=False)
    kb.utils.clear_session(free_memory=False)
    yield


def _dense(K):
    return K.Sequential([K.Input((6,)), K.layers.Dense(5, activation="relu"), K.layers.Dense(2)])


def _conv_bn(K):
    return K.Sequential([
        K.Input((8, 8, 3)), K.layers.Conv2D(4, 3, padding="same"), K.layers.BatchNormalization(),
        K.layers.ReLU(), K.layers.MaxPooling2D(), K.layers.Flatten(), K.layers.Dense(2),
    ])


def _embedding(K):
    tokens = K.Input((5,), dtype="int32")
    h = K.layers.Embedding(12, 4)(tokens)
    h = K.layers.GlobalAveragePooling1D()(h)
    return K.Model(tokens, K.layers.Dense(1)(h))


def _lstm_gru(K):
    return K.Sequential([K.Input((5, 3)), K.layers.LSTM(4, return_sequences=True), K.layers.GRU(3), K.layers.Dense(1)])


def _attention(K):
    tokens = K.Input((5,), dtype="int32")
    h = K.layers.Embedding(12, 4)(tokens)
    h = K.layers.MultiHeadAttention(num_heads=2, key_dim=3)(h, h)
    h = K.layers.LayerNormalization()(h)
    return K.Model(tokens, K.layers.Dense(1)(h))


def _multi_io(K):
    a, b = K.Input((4,), name="a"), K.Input((4,), name="b")
    shared = K.layers.Dense(3)
    merged = K.layers.Concatenate()([shared(a), shared(b)])
    nested = K.Sequential([K.layers.Dense(2), K.layers.BatchNormalization()])
    return K.Model([a, b], [nested(merged), K.layers.Dense(1)(merged)])


FAMILIES = {
    "dense": (_dense, lambda: RNG.random((4, 6), dtype=np.float32)),
    "conv_bn": (_conv_bn, lambda: RNG.random((4, 8, 8, 3), dtype=np.float32)),
    "embedding": (_embedding, lambda: RNG.integers(0, 12, (4, 5)).astype("int32")),
    "lstm_gru": (_lstm_gru, lambda: RNG.random((4, 5, 3), dtype=np.float32)),
    "attention": (_attention, lambda: RNG.integers(0, 12, (4, 5)).astype("int32")),
    "multi_io": (_multi_io, lambda: [RNG.random((4, 4), dtype=np.float32), RNG.random((4, 4), dtype=np.float32)]),
}


def _assert_close(a, b):
    a = a if isinstance(a, list) else [a]
    b = b if isinstance(b, list) else [b]
    assert len(a) == len(b)
    for left, right in zip(a, b):
        np.testing.assert_allclose(np.asarray(right), np.asarray(left), rtol=0, atol=ATOL)


def _h5_tree(data: bytes) -> dict:
    tree = {}
    with h5py.File(io.BytesIO(data), "r") as f:
        f.visititems(lambda name, obj: tree.__setitem__(
            name, tuple(obj.shape) if isinstance(obj, h5py.Dataset) else dict(obj.attrs)))
    return tree


def _weights_of_archive(path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("model.weights.h5")


def _randomize_bn(model):
    for layer in model._flatten_layers() if hasattr(model, "_flatten_layers") else []:
        if type(layer).__name__ == "BatchNormalization":
            for variable in layer.non_trainable_weights:
                variable.assign(RNG.random(tuple(variable.shape), dtype=np.float32) + 0.5)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_keras_archive_loads_in_kerasbridge_and_back(tmp_path, family):
    build, make_x = FAMILIES[family]
    x = make_x()
    k_model = build(keras)
    k_model.compile(optimizer="adam", loss="mse")
    k_model.save(tmp_path / "keras.keras")
    kb_loaded = kb.models.load_model(tmp_path / "keras.keras")
    _assert_close(k_model.predict(x, verbose=0), kb_loaded.predict(x, verbose=0))

    kb_model = build(kb)
    _randomize_bn(kb_model)
    kb_model.compile(optimizer="adam", loss="mse")
    kb_model.save(tmp_path / "kb.keras")
    k_loaded = keras.models.load_model(tmp_path / "kb.keras")
    _assert_close(kb_model.predict(x, verbose=0), k_loaded.predict(x, verbose=0))


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_weights_files_move_both_ways_with_identical_layout(tmp_path, family):
    build, make_x = FAMILIES[family]
    x = make_x()
    k_model, kb_model = build(keras), build(kb)
    k_model.save_weights(tmp_path / "k.weights.h5")
    kb_model.load_weights(tmp_path / "k.weights.h5")
    _assert_close(k_model.predict(x, verbose=0), kb_model.predict(x, verbose=0))

    _randomize_bn(kb_model)
    kb_model.save_weights(tmp_path / "kb.weights.h5")
    k_model.load_weights(tmp_path / "kb.weights.h5")
    _assert_close(kb_model.predict(x, verbose=0), k_model.predict(x, verbose=0))
    assert _h5_tree((tmp_path / "kb.weights.h5").read_bytes()) == _h5_tree((tmp_path / "k.weights.h5").read_bytes())


def _strip_shared_ids(obj):
    if isinstance(obj, dict):
        return {k: _strip_shared_ids(v) for k, v in obj.items() if k != "shared_object_id"}
    if isinstance(obj, list):
        return [_strip_shared_ids(v) for v in obj]
    return obj


def test_trained_keras_model_resumes_identically_in_kerasbridge(tmp_path):
    x = RNG.random((32, 6), dtype=np.float32)
    y = RNG.random((32, 2), dtype=np.float32)
    k_model = _dense(keras)
    k_model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    k_model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    k_model.save(tmp_path / "trained.keras")
    kb_model = kb.models.load_model(tmp_path / "trained.keras")
    assert len(kb_model.optimizer.variables) == len(k_model.optimizer.variables)
    for k_var, kb_var in zip(k_model.optimizer.variables, kb_model.optimizer.variables):
        np.testing.assert_array_equal(kb_var.numpy(), keras.ops.convert_to_numpy(k_var))
    k_model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    kb_model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for k_w, kb_w in zip(k_model.get_weights(), kb_model.get_weights()):
        np.testing.assert_allclose(kb_w, k_w, rtol=0, atol=2e-4)

    kb_model.save(tmp_path / "resaved.keras")
    k_again = keras.models.load_model(tmp_path / "resaved.keras")
    assert int(keras.ops.convert_to_numpy(k_again.optimizer.iterations)) == 8
    with zipfile.ZipFile(tmp_path / "trained.keras") as a, zipfile.ZipFile(tmp_path / "resaved.keras") as b:
        keras_config = _strip_shared_ids(json.loads(a.read("config.json")))
        kb_config = _strip_shared_ids(json.loads(b.read("config.json")))
        assert a.namelist() == b.namelist()
    assert kb_config == keras_config
    assert _h5_tree(_weights_of_archive(tmp_path / "resaved.keras")) == _h5_tree(
        _weights_of_archive(tmp_path / "trained.keras"))


def test_kerasbridge_safetensors_match_keras_weights(tmp_path):
    x = RNG.random((4, 6), dtype=np.float32)
    k_model, kb_model = _dense(keras), _dense(kb)
    kb_model.save_weights(tmp_path / "w.safetensors")
    kb_model.save_weights(tmp_path / "w.weights.h5")
    k_model.load_weights(tmp_path / "w.weights.h5")
    fresh = _dense(kb)
    fresh.load_weights(tmp_path / "w.safetensors")
    _assert_close(k_model.predict(x, verbose=0), fresh.predict(x, verbose=0))


def _tower_class(K):
    class Tower(K.Model):
        """A subclassed model whose layers sit in attributes and in a list, as Keras walks them."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.left = K.layers.Dense(3)
            self.right = K.layers.Dense(3)
            self.blocks = [K.layers.Dense(3), K.layers.Dense(3)]
            self.zhead = K.layers.Dense(2)
            self.bn = K.layers.BatchNormalization()

        def call(self, x):
            h = self.left(x) + self.right(x)
            for block in self.blocks:
                h = block(h)
            return self.zhead(self.bn(h))

    return Tower


def test_subclassed_model_weights_have_keras_paths_and_move_both_ways(tmp_path):
    x = RNG.random((4, 5), dtype=np.float32)
    k_model, kb_model = _tower_class(keras)(), _tower_class(kb)()
    k_model(x)
    kb_model(x)
    for model in (k_model, kb_model):
        model.compile(optimizer="adam", loss="mse")
        model.optimizer.build(model.trainable_variables)
    k_model.save_weights(tmp_path / "k.weights.h5")
    kb_model.save_weights(tmp_path / "kb.weights.h5")
    assert _h5_tree((tmp_path / "kb.weights.h5").read_bytes()) == _h5_tree((tmp_path / "k.weights.h5").read_bytes())
    kb_model.load_weights(tmp_path / "k.weights.h5")
    _assert_close(k_model.predict(x, verbose=0), kb_model.predict(x, verbose=0))
    _randomize_bn(kb_model)
    kb_model.save_weights(tmp_path / "kb.weights.h5")
    k_model.load_weights(tmp_path / "kb.weights.h5")
    _assert_close(kb_model.predict(x, verbose=0), k_model.predict(x, verbose=0))


def _scaled_dense_class(K):
    @K.saving.register_keras_serializable(package="CompatSaving", name="ScaledDense")
    class ScaledDense(K.layers.Layer):
        def __init__(self, units, scale=2.0, **kwargs):
            super().__init__(**kwargs)
            self.units, self.scale = units, scale

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform")

        def call(self, x):
            return K.ops.matmul(x, self.kernel) * self.scale

        def get_config(self):
            return {**super().get_config(), "units": self.units, "scale": self.scale}

    return ScaledDense


def test_custom_registered_layer_archive_moves_both_ways(tmp_path):
    x = RNG.random((4, 6), dtype=np.float32)
    k_layer, kb_layer = _scaled_dense_class(keras), _scaled_dense_class(kb)
    k_model = keras.Sequential([keras.Input((6,)), k_layer(3, scale=0.5), keras.layers.Dense(2)])
    k_model.save(tmp_path / "k.keras")
    kb_model = kb.models.load_model(tmp_path / "k.keras")
    assert type(kb_model.layers[0]) is kb_layer and kb_model.layers[0].scale == 0.5
    _assert_close(k_model.predict(x, verbose=0), kb_model.predict(x, verbose=0))
    kb_model.save(tmp_path / "kb.keras")
    k_again = keras.models.load_model(tmp_path / "kb.keras")
    assert type(k_again.layers[0]) is k_layer
    _assert_close(kb_model.predict(x, verbose=0), k_again.predict(x, verbose=0))


def test_trained_kerasbridge_model_resumes_identically_in_keras(tmp_path):
    x = RNG.random((32, 6), dtype=np.float32)
    y = RNG.random((32, 2), dtype=np.float32)
    kb_model = _dense(kb)
    kb_model.compile(optimizer=kb.optimizers.Adam(0.01), loss=kb.losses.MeanSquaredError(),
                     metrics=[kb.metrics.MeanAbsoluteError()])
    kb_model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    kb_model.save(tmp_path / "kb_trained.keras")
    k_model = keras.models.load_model(tmp_path / "kb_trained.keras")
    assert isinstance(k_model.loss, keras.losses.MeanSquaredError)
    for kb_var, k_var in zip(kb_model.optimizer.variables, k_model.optimizer.variables):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(k_var), kb_var.numpy())
    kb_history = kb_model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0).history
    k_history = k_model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0).history
    assert sorted(kb_history) == sorted(k_history)
    for key in k_history:
        np.testing.assert_allclose(kb_history[key], k_history[key], rtol=0, atol=1e-5)
    for kb_w, k_w in zip(kb_model.get_weights(), k_model.get_weights()):
        np.testing.assert_allclose(kb_w, k_w, rtol=0, atol=2e-4)


@pytest.mark.parametrize("name", ["adadelta", "adagrad", "adam", "adamax", "adamw", "lion", "nadam", "rmsprop", "sgd"])
def test_optimizer_configs_name_the_torch_backend_module_both_ways(name):
    keys = ("module", "class_name", "registered_name")
    k_config = keras.optimizers.serialize(keras.optimizers.get(name))
    kb_config = kb.saving.serialize_keras_object(kb.optimizers.get(name))
    assert {k: kb_config[k] for k in keys} == {k: k_config[k] for k in keys}
    assert type(kb.saving.deserialize_keras_object(k_config)).__name__ == type(kb.optimizers.get(name)).__name__
    assert type(keras.saving.deserialize_keras_object(kb_config)) is type(keras.optimizers.get(name))
