"""`optimizers.get`, `serialize` and `deserialize`."""

import pytest

from kerasbridge import optimizers


@pytest.mark.parametrize(
    "identifier, cls",
    [
        ("adam", optimizers.Adam),
        ("SGD", optimizers.SGD),
        ("rmsprop", optimizers.RMSprop),
        ("adamw", optimizers.AdamW),
    ],
)
def test_get_by_name(identifier, cls):
    assert type(optimizers.get(identifier)) is cls


def test_get_returns_instances_unchanged():
    opt = optimizers.Lion()
    assert optimizers.get(opt) is opt


def test_get_none_is_none():
    assert optimizers.get(None) is None


def test_get_unknown_name_raises():
    with pytest.raises((ValueError, TypeError)):
        optimizers.get("not_an_optimizer")


def test_get_non_optimizer_raises():
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        optimizers.get(3)


def test_serialize_writes_the_keras_module_and_class():
    config = optimizers.serialize(optimizers.Adam(learning_rate=0.01))
    # Keras's torch backend writes its backend subclass's module for the built-in optimizers.
    assert config["module"] == "keras.src.backend.torch.optimizers.torch_adam"
    assert config["class_name"] == "Adam"
    assert config["config"]["learning_rate"] == pytest.approx(0.01)


def test_deserialize_is_case_insensitive_for_builtins():
    config = optimizers.serialize(optimizers.Nadam(beta_1=0.8))
    config["class_name"] = "NADAM"
    restored = optimizers.deserialize(config)
    assert isinstance(restored, optimizers.Nadam)
    assert restored.beta_1 == 0.8


def test_deserialize_keras_private_torch_module():
    config = optimizers.serialize(optimizers.SGD(momentum=0.5))
    config["module"] = "keras.src.backend.torch.optimizers.torch_sgd"
    config["registered_name"] = "SGD"
    assert optimizers.deserialize(config).momentum == 0.5
