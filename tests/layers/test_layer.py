"""The Layer base: building, weights, tracking, training flag, masks, losses, configs, errors."""

import numpy as np
import pytest
import torch

import kerasbridge as keras


class Linear(keras.Layer):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="ones", name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")
        self.count = self.add_weight(shape=(), initializer="zeros", trainable=False, name="count")

    def call(self, inputs):
        return inputs @ self.w.value + self.b.value

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class TrainingEcho(keras.Layer):
    def call(self, inputs, training=None):
        return inputs * 0 + (1.0 if training else 0.0)


class Block(keras.Layer):
    """A layer that owns sublayers in an attribute, a list and a dict."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = Linear(2)
        self.stack = [Linear(2), Linear(2)]
        self.heads = {"a": Linear(1)}
        self.echo = TrainingEcho()

    def call(self, inputs, training=None):
        x = self.first(inputs)
        for layer in self.stack:
            x = layer(x)
        return self.heads["a"](x) + self.echo(x[:, :1])


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session(free_memory=False)


def test_builds_on_first_call_with_the_input_shape():
    layer = Linear(3)
    assert not layer.built
    out = layer(np.ones((2, 4), dtype="float32"))
    assert layer.built
    assert tuple(out.shape) == (2, 3)
    assert layer.w.shape == (4, 3)
    assert layer.get_build_config() == {"input_shape": (2, 4)}


def test_is_a_torch_module_with_registered_parameters():
    layer = Linear(3)
    layer.build((None, 4))
    assert isinstance(layer, torch.nn.Module)
    assert dict(layer.named_parameters()).keys() == {"w", "b", "count"}
    assert set(layer.state_dict()) == {"w", "b", "count"}


def test_weights_order_trainable_then_non_trainable_then_sublayers():
    block = Block()
    block(np.ones((2, 3), dtype="float32"))
    names = [w.path for w in block.weights]
    assert names[:3] == ["block/linear/w", "block/linear/b", "block/linear/count"]
    assert len(block.trainable_weights) == 8
    assert len(block.non_trainable_weights) == 4
    assert len(list(block.parameters())) == 12


def test_sublayers_in_lists_and_dicts_are_tracked_and_appends_too():
    block = Block()
    assert [type(layer).__name__ for layer in block._layers] == ["Linear", "Linear", "Linear", "Linear", "TrainingEcho"]
    extra = Linear(1)
    block.stack.append(extra)
    assert extra in list(block.modules())


def test_trainable_false_propagates_and_stops_gradients():
    block = Block()
    block(np.ones((2, 3), dtype="float32"))
    block.trainable = False
    assert block.trainable_weights == []
    assert len(block.non_trainable_weights) == 12
    assert not any(p.requires_grad for p in block.parameters())
    assert not block.stack[0].trainable


def test_training_flag_reaches_nested_layers():
    block = Block()
    x = np.zeros((1, 3), dtype="float32")
    on = block(x, training=True)
    off = block(x, training=False)
    assert float((on - off).sum()) == pytest.approx(1.0)


def test_get_set_weights_round_trip_and_validation():
    layer = Linear(2)
    layer.build((None, 3))
    values = [np.full((3, 2), 2.0, "float32"), np.full((2,), 3.0, "float32"), np.array(5.0, "float32")]
    layer.set_weights(values)
    for got, want in zip(layer.get_weights(), values):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="expecting 3 weights"):
        layer.set_weights(values[:2])
    with pytest.raises(ValueError, match=r"weight shape \(3, 2\) is not compatible"):
        layer.set_weights([np.zeros((2, 2))] + values[1:])
    np.testing.assert_array_equal(layer.get_weights()[0], values[0])


def test_count_params_requires_build():
    layer = Linear(2)
    with pytest.raises(ValueError, match="isn't built"):
        layer.count_params()
    layer.build((None, 3))
    assert layer.count_params() == 3 * 2 + 2 + 1


def test_automatic_names_are_unique_snake_case():
    assert [Linear().name, Linear().name, TrainingEcho().name] == ["linear", "linear_1", "training_echo"]


def test_config_round_trip_keeps_arguments():
    layer = Linear(5, name="lin", trainable=False)
    clone = Linear.from_config(layer.get_config())
    assert (clone.units, clone.name, clone.trainable) == (5, "lin", False)
    assert layer.get_config()["dtype"]["config"] == {"name": "float32"}


def test_auto_config_for_layers_without_get_config():
    class Scale(keras.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

    config = Scale(3.0, name="s").get_config()
    assert config["factor"] == 3.0 and config["name"] == "s"
    assert Scale.from_config(config).factor == 3.0


def test_unknown_constructor_argument_is_refused():
    with pytest.raises(ValueError, match="Unrecognized keyword arguments passed to Linear"):
        Linear(3, bogus=1)


def test_input_spec_error_names_layer_and_shapes():
    layer = Linear(2)
    layer.input_spec = keras.InputSpec(ndim=2, axes={-1: 3})
    with pytest.raises(ValueError, match=r"layer 'linear'.*expected axis -1 of input shape to have value 3.*\(2, 4\)"):
        layer(np.ones((2, 4), dtype="float32"))
    with pytest.raises(ValueError, match=r"expected ndim=2, found ndim=3"):
        layer(np.ones((2, 4, 3), dtype="float32"))


def test_non_tensor_positional_argument_is_refused():
    layer = TrainingEcho()
    with pytest.raises(ValueError, match="Only input tensors may be passed as positional arguments"):
        layer(np.ones((1, 1), dtype="float32"), "oops")


def test_float_inputs_are_cast_to_compute_dtype():
    layer = TrainingEcho()
    out = layer(np.ones((1, 2), dtype="float64"))
    assert out.dtype == torch.float32
    half = TrainingEcho(dtype="float16")
    assert half(torch.ones(1, 2)).dtype == torch.float16


def test_mask_is_passed_to_call_and_propagated():
    seen = {}

    class MaskReader(keras.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs, mask=None):
            seen["mask"] = mask
            return inputs * 2

    x = torch.ones(2, 3)
    x._keras_mask = torch.tensor([[True, True, False], [True, False, False]])
    out = MaskReader()(x)
    assert seen["mask"] is x._keras_mask
    assert out._keras_mask is x._keras_mask


def test_activity_regularizer_and_weight_regularizer_losses():
    class Reg(keras.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(2,), initializer="ones", regularizer=keras.regularizers.L2(0.5))

        def call(self, x):
            return x * self.w.value

    layer = Reg(activity_regularizer=keras.regularizers.L1(0.1))
    layer(np.ones((4, 2), dtype="float32"))
    losses = [float(loss) for loss in layer.losses]
    assert losses == pytest.approx([0.1 * 8 / 4, 0.5 * 2])
    layer(np.ones((4, 2), dtype="float32"))
    assert len(layer.losses) == 2


def test_compute_output_shape_is_derived_without_flops():
    layer = Linear(7)
    assert layer.compute_output_shape((None, 5)) == (None, 7)


def test_variable_paths_follow_layer_nesting():
    block = Block(name="outer")
    block(np.ones((1, 3), dtype="float32"))
    assert block.stack[1].w.path == "outer/linear_2/w"


def test_repr_is_keras_style():
    assert repr(Linear(name="lin")) == "<Linear name=lin, built=False>"


def test_explicit_training_is_consumed_when_call_does_not_take_it():
    class NoTraining(keras.Layer):
        def call(self, x):
            return x + 1

    out = NoTraining()(np.zeros((1, 2), "float32"), training=True)
    np.testing.assert_array_equal(out.numpy(), np.ones((1, 2)))
