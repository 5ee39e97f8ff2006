"""SwapEMAWeights: evaluation and prediction see the optimizer's moving averages, training does not."""

import numpy as np
import pytest

import kerasbridge
from kerasbridge.callbacks import SwapEMAWeights


def _trained(use_ema=True):
    kerasbridge.utils.clear_session(free_memory=False)
    kerasbridge.utils.set_random_seed(0)
    model = kerasbridge.Sequential([kerasbridge.Input((3,)), kerasbridge.layers.Dense(1)])
    model.compile(kerasbridge.optimizers.SGD(0.1, use_ema=use_ema, ema_momentum=0.5), "mse")
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model.fit(x, y, batch_size=4, epochs=2, verbose=0, shuffle=False)
    # `fit` ends with the averages in the model: move the weights away from them.
    model.set_weights([w + 0.5 for w in model.get_weights()])
    return model, x, y


def _averages(model):
    return [v.numpy() for v in model.optimizer._model_variables_moving_average]


def test_evaluate_uses_the_averages_and_restores_the_weights():
    model, x, y = _trained()
    trained, averages = model.get_weights(), _averages(model)
    assert not np.allclose(trained[0], averages[0])
    with_ema = model.evaluate(x, y, verbose=0, callbacks=[SwapEMAWeights()])
    for now, before in zip(model.get_weights(), trained):
        np.testing.assert_array_equal(now, before)
    model.set_weights(averages)
    np.testing.assert_allclose(with_ema, model.evaluate(x, y, verbose=0), rtol=1e-6)


def test_predict_uses_the_averages_and_restores_the_weights():
    model, x, _ = _trained()
    trained, averages = model.get_weights(), _averages(model)
    with_ema = model.predict(x, verbose=0, callbacks=[SwapEMAWeights()])
    for now, before in zip(model.get_weights(), trained):
        np.testing.assert_array_equal(now, before)
    np.testing.assert_allclose(with_ema, x @ averages[0] + averages[1], rtol=1e-5, atol=1e-6)


def test_swap_on_epoch_leaves_the_final_averages_in_the_model():
    kerasbridge.utils.clear_session(free_memory=False)
    model = kerasbridge.Sequential([kerasbridge.Input((3,)), kerasbridge.layers.Dense(1)])
    model.compile(kerasbridge.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5), "mse")
    x = np.random.default_rng(1).normal(size=(16, 3)).astype("float32")
    model.fit(x, x[:, :1], batch_size=4, epochs=2, verbose=0, callbacks=[SwapEMAWeights(swap_on_epoch=True)])
    for weight, average in zip(model.get_weights(), _averages(model)):
        np.testing.assert_array_equal(weight, average)


def test_requires_an_ema_optimizer():
    model, x, y = _trained(use_ema=False)
    with pytest.raises(ValueError, match="use_ema=True"):
        model.evaluate(x, y, verbose=0, callbacks=[SwapEMAWeights()])
