"""RandomShear, RandomErasing, RandomGaussianBlur, MixUp, CutMix, RandomPerspective, RandomElasticTransform,
RandAugment and AugMix: inference behaviour, what the training transforms do, labels, argument errors, configs.

Exact agreement with Keras (same seed, same outputs) is checked in
compat_tests/layers/test_geometric_augmentation_vs_keras.py.
"""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_session():
    keras.utils.clear_session(free_memory=False)


IMAGES = np.random.default_rng(0).uniform(0, 255, size=(6, 8, 9, 3)).astype("float32")

LAYERS = {
    "RandomShear": lambda: layers.RandomShear(x_factor=0.3, y_factor=0.3, seed=1),
    "RandomErasing": lambda: layers.RandomErasing(seed=1),
    "RandomGaussianBlur": lambda: layers.RandomGaussianBlur(sigma=(0.5, 1.0), seed=1),
    "MixUp": lambda: layers.MixUp(seed=1),
    "CutMix": lambda: layers.CutMix(seed=1),
    "RandomPerspective": lambda: layers.RandomPerspective(seed=1),
    "RandomElasticTransform": lambda: layers.RandomElasticTransform(seed=1),
    "RandAugment": lambda: layers.RandAugment(seed=1),
    "AugMix": lambda: layers.AugMix(seed=1),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_identity_when_not_training(name):
    out = LAYERS[name]()(IMAGES, training=False)
    np.testing.assert_array_equal(out.numpy(), IMAGES)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_training_changes_images_and_keeps_their_shape(name):
    out = LAYERS[name]()(IMAGES, training=True).numpy()
    assert out.shape == IMAGES.shape and out.dtype == np.float32
    assert not np.allclose(out, IMAGES)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_config_round_trip(name):
    layer = LAYERS[name]()
    rebuilt = type(layer).from_config(layer.get_config())
    assert rebuilt.get_config() == layer.get_config()


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_symbolic_output_keeps_the_input_shape(name):
    outputs = LAYERS[name]()(keras.Input((8, 9, 3)))
    assert tuple(outputs.shape) == (None, 8, 9, 3)


def test_same_seed_same_augmentation_and_successive_calls_differ():
    first, second = layers.RandomShear(x_factor=0.4, seed=3), layers.RandomShear(x_factor=0.4, seed=3)
    a, b = first(IMAGES).numpy(), second(IMAGES).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(first(IMAGES).numpy(), a)


def test_shear_along_x_keeps_the_top_row():
    """Output pixel (x, y) samples the input at (x + s * y, y): row 0 is unchanged."""
    out = layers.RandomShear(x_factor=0.5, seed=2)(IMAGES).numpy()
    np.testing.assert_allclose(out[:, 0], IMAGES[:, 0], atol=1e-4)
    assert not np.allclose(out[:, -1], IMAGES[:, -1])


def test_erasing_with_a_constant_fills_one_rectangle_per_image():
    out = layers.RandomErasing(factor=(1.0, 1.0), scale=(0.2, 0.3), fill_value=-1.0, value_range=(-1, 255), seed=4)(IMAGES)
    erased = (out.numpy() == -1.0).all(axis=-1)
    for mask in erased:
        rows, cols = np.nonzero(mask)
        assert rows.size > 0
        assert mask[rows.min():rows.max() + 1, cols.min():cols.max() + 1].all()
    untouched = ~erased[..., None].repeat(3, axis=-1)
    np.testing.assert_array_equal(out.numpy()[untouched], IMAGES[untouched])


def test_gaussian_blur_smooths_and_stays_in_range():
    out = layers.RandomGaussianBlur(factor=(1.0, 1.0), kernel_size=5, sigma=(0.8, 1.0), seed=0)(IMAGES).numpy()
    assert out.std() < IMAGES.std()
    assert out.min() >= 0 and out.max() <= 255


def test_gaussian_blur_with_zero_probability_returns_the_images():
    out = layers.RandomGaussianBlur(factor=0.0, seed=0)(IMAGES).numpy()
    np.testing.assert_array_equal(out, IMAGES)


def test_mix_up_mixes_labels_like_images():
    labels = np.eye(6, dtype="float32")
    out = layers.MixUp(alpha=0.5, seed=2)({"images": IMAGES, "labels": labels}, training=True)
    mixed_labels = out["labels"].numpy()
    np.testing.assert_allclose(mixed_labels.sum(axis=1), 1.0, rtol=1e-6)
    # image i = w x_i + (1 - w) x_j, with the weights the labels carry
    partner = np.argmax(mixed_labels - np.eye(6) * mixed_labels, axis=1)
    own = mixed_labels[np.arange(6), np.arange(6)]
    own = np.where(partner == np.arange(6), 1.0, own)
    expected = own[:, None, None, None] * IMAGES + (1 - own[:, None, None, None]) * IMAGES[partner]
    np.testing.assert_allclose(out["images"].numpy(), expected, rtol=1e-4, atol=1e-3)


def test_cut_mix_label_weights_match_the_pasted_area():
    """The label weights come from the box's real-valued area; on a 40x40 grid they are near the pixel share."""
    images = np.broadcast_to(np.arange(6, dtype="float32")[:, None, None, None], (6, 40, 40, 1)).copy()
    labels = np.eye(6, dtype="float32")
    out = layers.CutMix(seed=5)({"images": images, "labels": labels}, training=True)
    out_images, out_labels = out["images"].numpy(), out["labels"].numpy()
    np.testing.assert_allclose(out_labels.sum(axis=1), 1.0, rtol=1e-6)
    own_fraction = (out_images == images).mean(axis=(1, 2, 3))
    kept = np.where(own_fraction < 1.0, out_labels[np.arange(6), np.arange(6)], 1.0)
    np.testing.assert_allclose(kept, own_fraction, atol=0.08)


def test_cut_mix_leaves_a_single_image_unchanged():
    np.testing.assert_array_equal(layers.CutMix(seed=1)(IMAGES[0], training=True).numpy(), IMAGES[0])


def test_perspective_with_zero_scale_is_identity():
    out = layers.RandomPerspective(scale=0.0, seed=1)(IMAGES).numpy()
    np.testing.assert_allclose(out, IMAGES, atol=1e-3)


def test_elastic_transform_stays_in_value_range_and_follows_torch_seed():
    layer = layers.RandomElasticTransform(scale=1.0, value_range=(0, 200), seed=1)
    torch.manual_seed(0)
    out = layer(IMAGES).numpy()
    assert out.min() >= 0 and out.max() <= 200
    again = layers.RandomElasticTransform(scale=1.0, value_range=(0, 200), seed=1)
    torch.manual_seed(0)
    np.testing.assert_array_equal(again(IMAGES).numpy(), out)


def test_channels_first_matches_channels_last():
    last = layers.RandomShear(x_factor=0.3, y_factor=0.2, seed=8)(IMAGES).numpy()
    first = layers.RandomShear(x_factor=0.3, y_factor=0.2, seed=8, data_format="channels_first")(
        IMAGES.transpose(0, 3, 1, 2)).numpy()
    np.testing.assert_allclose(first.transpose(0, 2, 3, 1), last, atol=1e-4)


def test_rand_augment_and_aug_mix_stay_in_value_range():
    for layer in (layers.RandAugment(num_ops=4, factor=0.9, seed=2), layers.AugMix(factor=0.9, seed=2)):
        out = layer(IMAGES).numpy()
        assert out.min() >= 0 and out.max() <= 255


@pytest.mark.parametrize("make,message", [
    (lambda: layers.RandomShear(x_factor=1.5), "range"),
    (lambda: layers.RandomShear(y_factor=(0.1, 0.2, 0.3)), "y_factor"),
    (lambda: layers.RandomShear(fill_mode="bogus"), "fill_mode"),
    (lambda: layers.RandomErasing(scale=2.0), "scale"),
    (lambda: layers.RandomErasing(fill_value=(1, 2)), "fill_value"),
    (lambda: layers.RandomGaussianBlur(kernel_size=4), "odd"),
    (lambda: layers.CutMix(factor=(0.1, 0.2, 0.3)), "factor"),
    (lambda: layers.RandomPerspective(scale=1.5), "scale"),
    (lambda: layers.RandomPerspective(interpolation="cubic"), "interpolation"),
    (lambda: layers.RandomElasticTransform(fill_mode="bogus"), "fill_mode"),
    (lambda: layers.RandAugment(factor=2.0), "factor"),
])
def test_bad_arguments_raise_value_error(make, message):
    with pytest.raises(ValueError, match=message):
        layer = make()
        layer(IMAGES)


def test_rank_two_input_is_rejected():
    with pytest.raises(ValueError, match="rank 3"):
        layers.MixUp()({"images": IMAGES[0, 0], "labels": np.zeros((9, 2), "float32")})
