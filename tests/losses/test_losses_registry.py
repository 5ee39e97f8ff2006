"""Unit tests for `kerasbridge.losses.get`, `serialize` and `deserialize`."""

import pytest

from kerasbridge import losses


def test_get_function_name_returns_the_function():
    assert losses.get("sparse_categorical_crossentropy") is losses.sparse_categorical_crossentropy


def test_get_class_name_returns_a_default_instance():
    assert isinstance(losses.get("CategoricalCrossentropy"), losses.CategoricalCrossentropy)


@pytest.mark.parametrize(
    "alias, target",
    [
        ("mse", "mean_squared_error"),
        ("MAE", "mean_absolute_error"),
        ("mape", "mean_absolute_percentage_error"),
        ("MSLE", "mean_squared_logarithmic_error"),
        ("kld", "kl_divergence"),
        ("BCE", "binary_crossentropy"),
    ],
)
def test_get_resolves_short_names(alias, target):
    assert losses.get(alias) is getattr(losses, target)


def test_get_unknown_name_raises_keras_error():
    with pytest.raises(ValueError, match="Could not interpret loss identifier: nope"):
        losses.get("nope")


def test_get_none_is_none():
    assert losses.get(None) is None


def test_get_passes_callables_through():
    def my_loss(y_true, y_pred):
        return y_pred

    assert losses.get(my_loss) is my_loss


def test_get_instantiates_classes():
    assert isinstance(losses.get(losses.Huber), losses.Huber)


def test_get_builds_from_a_config_dict():
    loss = losses.get({"class_name": "BinaryCrossentropy", "config": {"from_logits": True}})
    assert isinstance(loss, losses.BinaryCrossentropy) and loss.from_logits


def test_serialize_writes_the_keras_module_and_config():
    assert losses.serialize(losses.Poisson(name="p")) == {
        "module": "keras.losses",
        "class_name": "Poisson",
        "config": {"name": "p", "reduction": "sum_over_batch_size"},
        "registered_name": None,
    }


def test_serialize_round_trips_a_configured_loss():
    original = losses.CategoricalFocalCrossentropy(alpha=[0.2, 0.8], gamma=3.0, reduction="sum")
    rebuilt = losses.deserialize(losses.serialize(original))
    assert rebuilt.get_config() == original.get_config()


def test_deserialize_function_name():
    assert losses.deserialize("huber") is losses.huber


def test_short_names_are_module_attributes():
    assert (losses.mse, losses.logcosh, losses.kullback_leibler_divergence) == (
        losses.mean_squared_error,
        losses.log_cosh,
        losses.kl_divergence,
    )
