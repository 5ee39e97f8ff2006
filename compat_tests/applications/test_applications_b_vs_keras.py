"""Differential tests: application families of part B (EfficientNet, EfficientNetV2, DenseNet, ConvNeXt,
Xception, InceptionV3, InceptionResNetV2, NASNet) against Keras 3 (torch backend).

For the smallest variant of each family, built with `include_top=False` and the smallest input each
allows, the two models must have the same layer names, weight paths, weight shapes and parameter count.
Keras's weights are randomized (so that every weight matters) and reach kerasbridge twice: through a
Keras-written `.weights.h5` file (the `weights=<path>` argument, i.e. `load_weights`) and, randomized
again, through `get_weights`/`set_weights`; both times the outputs are compared. Tolerance: `1e-4`
times the output magnitude (at least `1e-4`), for float32 networks hundreds of layers deep.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge as kb  # noqa: E402
import kerasbridge.applications as kb_apps  # noqa: E402

RTOL = 1e-4


@pytest.fixture(autouse=True)
def _fresh_sessions():
    keras.backend.clear_session(free_memory=False)
    kb.backend.clear_session(free_memory=False)
    yield


def _keras_nasnet_mobile(**kwargs):
    # keras.applications.NASNetMobile refuses the torch backend; its builder works, with the same arguments.
    from keras.src.applications.nasnet import NASNet

    input_shape = kwargs.pop("input_shape")
    return NASNet(input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32, skip_reduction=False,
                  filter_multiplier=2, default_size=224, name="nasnet_mobile", **kwargs)


# (constructor name, input side, builder for keras or None to use keras.applications.<name>)
CASES = [
    ("EfficientNetB0", 32, None),
    ("EfficientNetV2B0", 32, None),
    ("DenseNet121", 32, None),
    ("ConvNeXtTiny", 32, None),
    ("Xception", 71, None),
    ("InceptionV3", 75, None),
    ("InceptionResNetV2", 75, None),
    ("NASNetMobile", 32, _keras_nasnet_mobile),
]


def _randomize(model, seed):
    """Scale every weight by U(0.5, 1.5) and shift it a little: nonzero betas/means, positive variances."""
    rng = np.random.default_rng(seed)
    new_weights = []
    for variable in model.weights:
        value = np.asarray(variable.numpy(), dtype="float32")
        value = value * rng.uniform(0.5, 1.5, value.shape) + 0.01 * rng.standard_normal(value.shape)
        if "variance" in variable.path:
            value = np.abs(value) + 0.5
        new_weights.append(value.astype("float32"))
    model.set_weights(new_weights)


def _assert_close(actual, expected):
    atol = RTOL * max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=RTOL, atol=atol)


def _outputs(model, images):
    with torch.no_grad():
        outputs = model(images, training=False)
    return outputs.detach().cpu().numpy()


@pytest.mark.parametrize("name,side,keras_builder", CASES, ids=[case[0] for case in CASES])
def test_architecture_and_weights_match_keras(name, side, keras_builder, tmp_path):
    kwargs = {"include_top": False, "input_shape": (side, side, 3)}
    keras_model = (keras_builder or getattr(keras.applications, name))(weights=None, **kwargs)
    _randomize(keras_model, seed=1)
    weights_file = str(tmp_path / "model.weights.h5")
    keras_model.save_weights(weights_file)
    images = np.random.default_rng(0).uniform(0, 255, (2, side, side, 3)).astype("float32")

    # `weights=<Keras .weights.h5 file>` builds the model and loads the file.
    kb_model = getattr(kb_apps, name)(weights=weights_file, **kwargs)
    assert kb_model.name == keras_model.name
    assert [layer.name for layer in kb_model.layers] == [layer.name for layer in keras_model.layers]
    assert [w.path for w in kb_model.weights] == [w.path for w in keras_model.weights]
    assert [tuple(w.shape) for w in kb_model.weights] == [tuple(w.shape) for w in keras_model.weights]
    assert kb_model.count_params() == keras_model.count_params()
    assert tuple(kb_model.output.shape) == tuple(keras_model.output.shape)
    _assert_close(_outputs(kb_model, images), _outputs(keras_model, images))

    # get_weights/set_weights carry other weights over, in the same order.
    _randomize(keras_model, seed=2)
    kb_model.set_weights(keras_model.get_weights())
    _assert_close(_outputs(kb_model, images), _outputs(keras_model, images))


def test_classifier_head_matches_keras():
    """With the top: same head layers, and the same logits for a custom number of classes."""
    kwargs = {"weights": None, "include_top": True, "input_shape": (32, 32, 3), "classes": 7,
              "classifier_activation": None}
    keras_model = keras.applications.EfficientNetV2B0(**kwargs)
    kb_model = kb_apps.EfficientNetV2B0(**kwargs)
    assert [layer.name for layer in kb_model.layers][-4:] == [layer.name for layer in keras_model.layers][-4:]
    _randomize(keras_model, seed=3)
    kb_model.set_weights(keras_model.get_weights())
    images = np.random.default_rng(4).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    _assert_close(_outputs(kb_model, images), _outputs(keras_model, images))


@pytest.mark.parametrize("module", ["densenet", "xception", "inception_v3", "inception_resnet_v2", "nasnet",
                                    "efficientnet", "efficientnet_v2", "convnext"])
def test_preprocess_input_matches_keras(module):
    images = np.random.default_rng(5).uniform(0, 255, (2, 4, 4, 3)).astype("float32")
    expected = getattr(keras.applications, module).preprocess_input(images.copy())
    actual = getattr(kb_apps, module).preprocess_input(images.copy())
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=1e-6, atol=1e-6)
