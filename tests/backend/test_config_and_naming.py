import pytest

import kerasbridge as keras
from kerasbridge.backend import naming


def test_floatx_round_trip_and_validation():
    assert keras.config.floatx() == "float32"
    keras.config.set_floatx("float64")
    try:
        assert keras.backend.floatx() == "float64"
    finally:
        keras.config.set_floatx("float32")
    with pytest.raises(ValueError, match="floatx"):
        keras.config.set_floatx("int8")


def test_image_data_format_validation():
    assert keras.config.image_data_format() == "channels_last"
    with pytest.raises(ValueError, match="data_format"):
        keras.config.set_image_data_format("nhwc")


def test_snake_case():
    assert naming.to_snake_case("BatchNormalization") == "batch_normalization"
    assert naming.to_snake_case("Conv2DTranspose") == "conv2d_transpose"


def test_clear_session_resets_automatic_names():
    keras.backend.clear_session(free_memory=False)
    first = keras.layers.Dense(2).name
    second = keras.layers.Dense(2).name
    keras.backend.clear_session(free_memory=False)
    again = keras.layers.Dense(2).name
    assert (first, second, again) == ("dense", "dense_1", "dense")


def test_set_random_seed_makes_weights_repeatable():
    def build():
        keras.utils.set_random_seed(7)
        layer = keras.layers.Dense(4)
        layer.build((None, 3))
        return layer.get_weights()[0]

    a, b = build(), build()
    assert (a == b).all()
    keras.utils.set_random_seed(8)
    other = keras.layers.Dense(4)
    other.build((None, 3))
    assert not (other.get_weights()[0] == a).all()
