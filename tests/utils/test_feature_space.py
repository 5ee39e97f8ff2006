"""FeatureSpace: adapting, encoding, crosses, dict output, models, errors and saving."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge.utils import FeatureSpace


@pytest.fixture(autouse=True)
def fresh_session():
    keras.utils.clear_session(free_memory=False)
    yield


def _data(n=12):
    rng = np.random.default_rng(0)
    return {
        "price": rng.uniform(0, 10, n).astype("float32"),
        "age": np.arange(n, dtype="float32"),
        "rooms": np.arange(n) % 3,
        "city": np.array(["paris", "rome", "oslo"] * (n // 3)),
        "tag": np.array(["x", "y"] * (n // 2)),
    }


FEATURES = {"price": "float", "age": "float_normalized", "rooms": "integer_categorical",
            "city": "string_categorical", "tag": "string_hashed"}


def test_concat_output_layout_follows_sorted_feature_names_then_crosses():
    space = FeatureSpace(FEATURES, crosses=[("rooms", "city")], crossing_dim=8, hashing_dim=4)
    data = _data()
    space.adapt(data)
    out = space(data)
    # age 1 | city 4 (oov + 3) | price 1 | rooms 4 (oov + 3) | tag 4 | rooms_X_city 8
    assert tuple(out.shape) == (12, 22) and out.dtype == torch.float32
    np.testing.assert_allclose(out[:, 5].numpy(), data["price"])
    assert float(out[:, 0].mean()) == pytest.approx(0.0, abs=1e-5)  # normalized
    np.testing.assert_array_equal(out[:, 14:].sum(dim=1).numpy(), np.ones(12))  # one cross bin per row
    assert tuple(space.get_encoded_features().shape) == (None, 22)


def test_dict_output_and_a_single_sample():
    space = FeatureSpace({"city": "string_categorical", "price": "float"}, output_mode="dict")
    space.adapt(_data())
    out = space({"city": "rome", "price": 2.5})
    assert tuple(out["city"].shape) == (4,) and tuple(out["price"].shape) == (1,)
    assert float(out["price"][0]) == 2.5


def test_adapt_accepts_an_iterable_of_dict_batches():
    data = _data()
    batches = [{k: v[:6] for k, v in data.items()}, {k: v[6:] for k, v in data.items()}]
    space = FeatureSpace({"age": "float_normalized", "city": "string_categorical"})
    space.adapt(batches)
    np.testing.assert_allclose(space.preprocessors["age"].mean.numpy().reshape(-1), [5.5], atol=1e-5)
    assert space.preprocessors["city"].vocabulary_size() == 4


def test_a_model_on_the_encoded_features_trains():
    space = FeatureSpace(FEATURES)
    data = _data()
    space.adapt(data)
    model = keras.Model(space.get_inputs(), keras.layers.Dense(1)(space.get_encoded_features()))
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit({k: v[:, None] for k, v in data.items()}, np.ones((12, 1)), epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_discretized_and_rescaled_features():
    space = FeatureSpace({
        "x": FeatureSpace.float_discretized(num_bins=3),
        "y": FeatureSpace.float_rescaled(scale=2.0, offset=1.0),
    })
    x = np.array([-1.0, 0.5, 2.0, 3.0, -2.0, 0.0], "float32")
    space.adapt({"x": x, "y": np.zeros(6, "float32")})
    out = space({"x": x, "y": np.arange(6, dtype="float32")}).numpy()
    assert out.shape == (6, 4)
    np.testing.assert_array_equal(out[:, :3].sum(axis=1), np.ones(6))  # one bin per value
    assert out[4, 0] == 1 and out[3, 2] == 1  # smallest and largest values in the outer bins
    np.testing.assert_array_equal(out[:, 3], 2 * np.arange(6) + 1)


def test_save_and_load_round_trip(tmp_path):
    space = FeatureSpace({"city": "string_categorical", "age": "float_normalized"})
    data = _data()
    space.adapt(data)
    path = tmp_path / "space.keras"
    space.save(path)
    restored = keras.saving.load_model(path)
    data = {"city": data["city"], "age": data["age"]}
    np.testing.assert_array_equal(restored(data).numpy(), space(data).numpy())


def test_config_round_trip():
    space = FeatureSpace(FEATURES, crosses=[FeatureSpace.cross(("rooms", "city"), crossing_dim=4, output_mode="int")],
                         output_mode="dict")
    rebuilt = FeatureSpace.from_config(space.get_config())
    assert rebuilt.get_config() == space.get_config()
    assert rebuilt.crosses[0].output_mode == "int" and rebuilt.features["tag"].preprocessor.num_bins == 32


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: FeatureSpace({}), "cannot be None or empty"),
        (lambda: FeatureSpace({"a": "float"}, output_mode="list"), "output_mode"),
        (lambda: FeatureSpace({"a": "complex"}), "Invalid feature type"),
        (lambda: FeatureSpace({"a": "float"}, crosses=[("a", "b")]), "unknown features"),
        (lambda: FeatureSpace({"a": "float"}, crosses=[("a", "a")], crossing_dim=None), "crossing_dim"),
        (lambda: FeatureSpace.cross(("a", "b"), 4, output_mode="multi_hot"), "output_mode"),
        (lambda: FeatureSpace.feature("float32", None, output_mode="count"), "output_mode"),
    ],
)
def test_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_using_it_before_adapt_is_an_error():
    space = FeatureSpace({"age": "float_normalized"})
    with pytest.raises(ValueError, match="adapt"):
        space({"age": np.ones(2, "float32")})


def test_concat_of_an_unencoded_integer_feature_is_an_error():
    space = FeatureSpace({"rooms": FeatureSpace.integer_categorical(output_mode="int")})
    with pytest.raises(ValueError, match="Cannot concatenate"):
        space.adapt({"rooms": np.arange(4)})
