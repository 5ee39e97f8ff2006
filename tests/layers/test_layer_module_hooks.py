"""A Layer's call honours torch module hooks (the eager call skips `Module.__call__` only without them)."""

import numpy as np
import torch

import kerasbridge as keras


def setup_function():
    keras.utils.clear_session(free_memory=False)


def _model():
    inputs = keras.Input((3,))
    hidden = keras.layers.Dense(4, kernel_initializer="ones", name="hidden")(inputs)
    outputs = keras.layers.Dense(2, kernel_initializer="ones", name="head")(hidden)
    return keras.Model(inputs, outputs)


def test_forward_hook_on_a_sublayer_fires_inside_the_model_call():
    model = _model()
    seen = []
    handle = model.get_layer("hidden").register_forward_hook(lambda module, args, output: seen.append(output.shape))
    model(np.ones((5, 3), "float32"))
    handle.remove()
    model(np.ones((5, 3), "float32"))
    assert seen == [torch.Size([5, 4])]


def test_forward_pre_hook_can_replace_the_input():
    model = _model()
    handle = model.get_layer("hidden").register_forward_pre_hook(lambda module, args: (args[0] * 0,))
    out = model(np.ones((2, 3), "float32"))
    handle.remove()
    np.testing.assert_allclose(out.detach().numpy(), np.zeros((2, 2)))
    assert float(model(np.ones((2, 3), "float32")).sum()) == 2 * 2 * 4 * 3


def test_global_forward_hook_sees_every_layer_call():
    model = _model()
    names = []
    handle = torch.nn.modules.module.register_module_forward_hook(
        lambda module, args, output: names.append(getattr(module, "name", None))
    )
    try:
        model(np.ones((1, 3), "float32"))
    finally:
        handle.remove()
    assert {"hidden", "head"} <= set(names)


def test_an_overridden_forward_is_what_the_call_runs():
    class Doubling(keras.layers.Layer):
        def call(self, inputs):
            return inputs

        def forward(self, inputs):
            return inputs * 2

    assert float(Doubling()(torch.ones(2, 2)).sum()) == 8.0
