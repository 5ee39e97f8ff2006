"""SpatialDropout, GaussianNoise, GaussianDropout, AlphaDropout, ActivityRegularization."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session(free_memory=False)
    with torch.device(keras.backend.get_device()):
        yield


RANDOM_LAYERS = [
    lambda: layers.SpatialDropout1D(0.5, seed=1),
    lambda: layers.SpatialDropout2D(0.5, seed=1),
    lambda: layers.SpatialDropout3D(0.5, seed=1),
    lambda: layers.GaussianNoise(0.5, seed=1),
    lambda: layers.GaussianDropout(0.5, seed=1),
    lambda: layers.AlphaDropout(0.5, seed=1),
]
SHAPES = [(4, 5, 6), (2, 3, 4, 5), (2, 3, 4, 5, 6), (4, 5), (4, 5), (4, 5)]


@pytest.mark.parametrize("index", range(len(RANDOM_LAYERS)))
def test_identity_when_not_training(index):
    layer = RANDOM_LAYERS[index]()
    x = torch.randn(*SHAPES[index])
    assert layer(x) is x
    assert layer(x, training=False) is x
    assert not torch.equal(layer(x, training=True), x)


@pytest.mark.parametrize("index", range(len(RANDOM_LAYERS)))
def test_seeded_layers_repeat_and_advance(index):
    a, b = RANDOM_LAYERS[index](), RANDOM_LAYERS[index]()
    x = torch.randn(*SHAPES[index])
    first = a(x, training=True)
    assert torch.equal(first, b(x, training=True))
    assert not torch.equal(a(x, training=True), first)


def test_spatial_dropout_1d_drops_whole_channels():
    x = torch.ones(8, 10, 16)
    out = layers.SpatialDropout1D(0.5, seed=3)(x, training=True)
    assert torch.equal(out, out[:, :1, :].expand_as(out))
    assert set(np.unique(out.cpu().numpy())) <= {0.0, 2.0}


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_spatial_dropout_2d_and_3d_share_mask_over_space(data_format):
    x2 = torch.ones(4, 6, 7, 8)
    out2 = layers.SpatialDropout2D(0.5, data_format=data_format, seed=4)(x2, training=True)
    x3 = torch.ones(4, 6, 7, 8, 9)
    out3 = layers.SpatialDropout3D(0.5, data_format=data_format, seed=4)(x3, training=True)
    if data_format == "channels_last":
        assert torch.equal(out2, out2[:, :1, :1, :].expand_as(out2))
        assert torch.equal(out3, out3[:, :1, :1, :1, :].expand_as(out3))
    else:
        assert torch.equal(out2, out2[:, :, :1, :1].expand_as(out2))
        assert torch.equal(out3, out3[:, :, :1, :1, :1].expand_as(out3))


def test_spatial_dropout_checks_rank_and_config():
    with pytest.raises(ValueError):
        layers.SpatialDropout2D(0.5)(torch.ones(2, 3, 4))
    config = layers.SpatialDropout2D(0.3, data_format="channels_first", seed=2, name="sd").get_config()
    assert config == {"rate": 0.3, "seed": 2, "name": "sd", "dtype": "float32", "data_format": "channels_first"}
    assert layers.SpatialDropout1D(0.3).get_config()["rate"] == 0.3
    with pytest.raises(ValueError):
        layers.SpatialDropout1D(1.5)


def test_gaussian_noise_statistics():
    x = torch.full((400, 500), 3.0)
    out = layers.GaussianNoise(0.2, seed=5)(x, training=True)
    noise = (out - x).cpu().numpy()
    assert abs(noise.mean()) < 0.005
    assert abs(noise.std() - 0.2) < 0.005


def test_gaussian_dropout_statistics():
    rate = 0.3
    x = torch.full((400, 500), 2.0)
    out = layers.GaussianDropout(rate, seed=6)(x, training=True).cpu().numpy()
    factor = out / 2.0
    assert abs(factor.mean() - 1.0) < 0.01
    assert abs(factor.std() - np.sqrt(rate / (1 - rate))) < 0.01


def test_alpha_dropout_keeps_mean_and_variance_of_standard_normal():
    torch.manual_seed(0)
    x = torch.randn(500, 400)
    out = layers.AlphaDropout(0.2, seed=7)(x, training=True).cpu().numpy()
    assert abs(out.mean()) < 0.02
    assert abs(out.var() - 1.0) < 0.03
    # dropped entries collapse to a single value: a * alpha_p + b
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - 0.2) * (1 + 0.2 * alpha_p**2)) ** -0.5
    dropped = a * alpha_p - a * alpha_p * 0.2
    frac = np.isclose(out, dropped, atol=1e-6).mean()
    assert 0.17 < frac < 0.23


def test_alpha_dropout_noise_shape():
    x = torch.ones(3, 4, 5)
    out = layers.AlphaDropout(0.5, noise_shape=(None, 1, 5), seed=8)(x, training=True)
    assert torch.equal(out, out[:, :1, :].expand_as(out))  # one keep/drop draw per (sample, feature)
    assert len(torch.unique(out)) == 2


@pytest.mark.parametrize("cls,arg", [("GaussianNoise", 1.5), ("GaussianDropout", -0.1), ("AlphaDropout", 2.0)])
def test_invalid_rates(cls, arg):
    with pytest.raises(ValueError):
        getattr(layers, cls)(arg)


def test_zero_rate_is_identity_in_training_and_has_no_state():
    x = torch.randn(3, 3)
    for layer in [layers.GaussianNoise(0.0), layers.GaussianDropout(0.0), layers.AlphaDropout(0.0)]:
        assert torch.equal(layer(x, training=True), x)
        assert layer.variables == []


def test_activity_regularization_adds_loss():
    x = torch.tensor([[1.0, -2.0], [3.0, 0.5]])
    layer = layers.ActivityRegularization(l1=0.1, l2=0.01)
    out = layer(x)
    assert torch.equal(out, x)
    expected = (0.1 * x.abs().sum() + 0.01 * x.square().sum()).item() / 2
    assert len(layer.losses) == 1
    assert layer.losses[0].item() == pytest.approx(expected, rel=1e-6)
    config = layer.get_config()
    assert config["l1"] == 0.1 and config["l2"] == 0.01 and "activity_regularizer" not in config
    assert layers.ActivityRegularization.from_config(config).get_config() == config


@pytest.mark.parametrize("cls,kwargs", [("GaussianNoise", {"stddev": 0.1, "seed": 3}),
                                        ("GaussianDropout", {"rate": 0.1, "seed": 3}),
                                        ("AlphaDropout", {"rate": 0.1, "seed": 3, "noise_shape": None})])
def test_config_round_trip(cls, kwargs):
    layer = getattr(layers, cls)(**kwargs)
    config = layer.get_config()
    for key, value in kwargs.items():
        assert config[key] == value
    assert getattr(layers, cls).from_config(config).get_config() == config
