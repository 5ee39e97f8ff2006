"""Preprocessing layers inside Sequential and Functional models: symbolic shapes, training flag, saving."""

import numpy as np
import pytest

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_session():
    keras.utils.clear_session(free_memory=False)
    yield


def test_sequential_image_pipeline_shapes_and_augmentation_only_in_training():
    norm = layers.Normalization()
    norm.adapt(np.random.rand(8, 6, 6, 2).astype("float32"))
    model = keras.Sequential([
        keras.Input((6, 6, 2)),
        layers.Rescaling(2.0),
        layers.RandomFlip(seed=1),
        layers.RandomTranslation(0.2, 0.2, seed=2),
        layers.Resizing(4, 4),
        layers.CenterCrop(3, 3),
        norm,
        layers.Flatten(),
        layers.Dense(2),
    ])
    assert model.output_shape == (None, 2)
    assert [layer.output.shape for layer in model.layers[:5]] == [(None, 6, 6, 2)] * 3 + [(None, 4, 4, 2),
                                                                                       (None, 3, 3, 2)]
    x = np.random.rand(8, 6, 6, 2).astype("float32")
    np.testing.assert_array_equal(model.predict(x, verbose=0), model(x, training=False).detach().numpy())
    assert not np.allclose(model(x, training=True).detach().numpy(), model(x, training=False).detach().numpy())


def test_functional_categorical_pipeline():
    ints = keras.Input((3,), dtype="int64")
    floats = keras.Input((2,))
    looked_up = layers.IntegerLookup(vocabulary=[10, 20, 30])(ints)
    encoded = layers.CategoryEncoding(4, output_mode="count")(looked_up)
    bins = layers.Discretization(bin_boundaries=[0.5], output_mode="multi_hot")(floats)
    model = keras.Model([ints, floats], layers.Concatenate()([encoded, bins]))
    assert model.output_shape == (None, 6)
    out = model([np.array([[10, 10, 99]]), np.array([[0.1, 0.9]], "float32")])
    assert out.tolist() == [[1, 2, 0, 0, 1, 1]]


def test_text_vectorization_feeds_an_embedding_model():
    vectorize = layers.TextVectorization(output_sequence_length=5)
    vectorize.adapt(["the cat sat", "the dog ran far away"])
    tokens = vectorize(["the cat ran", "a dog"])
    model = keras.Sequential([keras.Input((5,), dtype="int64"), layers.Embedding(vectorize.vocabulary_size(), 4,
                                                                                 mask_zero=True),
                              layers.GlobalAveragePooling1D(), layers.Dense(1)])
    assert model(tokens).shape == (2, 1)


def test_model_with_adapted_normalization_survives_save_and_load(tmp_path):
    norm = layers.Normalization(axis=-1)
    data = np.random.rand(10, 3).astype("float32") * 5
    norm.adapt(data)
    model = keras.Sequential([keras.Input((3,)), norm, layers.Dense(1)])
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(data, verbose=0), model.predict(data, verbose=0), atol=1e-6)


def test_fit_runs_augmentation_in_training_mode():
    x = np.random.rand(16, 4, 4, 1).astype("float32")
    y = np.random.rand(16, 1).astype("float32")
    model = keras.Sequential([keras.Input((4, 4, 1)), layers.RandomFlip(seed=1), layers.Flatten(), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"][0])
