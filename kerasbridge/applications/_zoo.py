"""Steps every model-zoo constructor shares: argument checks, the image input, the heads, weights.

Each constructor checks its `weights` argument, resolves the input shape, makes (or adopts) the
input tensor, builds its body, puts the classifier or the feature-extraction pooling on top, wraps
the graph in a Functional model and loads weights. Only the body differs, so the rest lives here.
"""

from __future__ import annotations

import os

from kerasbridge.applications import imagenet_utils

_ARGS_DOC = """
    Args:
        include_top: Whether to include the classifier at the top of the network.
        weights: `None` (random initialization), `"imagenet"` (ImageNet weights, read from the
            Keras cache `~/.keras/models` and downloaded there if missing) or the path of a
            weights file (a Keras `.weights.h5`, `.keras`, `.safetensors` or legacy `.h5` file).
        input_tensor: Optional Keras tensor (the output of `layers.Input()`) to use as image input.
        input_shape: Optional shape tuple without the batch axis; only needed with
            `include_top=False` (otherwise it must be the default input size).
        pooling: Feature-extraction pooling when `include_top` is `False`: `None` (4D output of
            the last block), `"avg"` (global average pooling) or `"max"` (global max pooling).
        classes: Number of classes of the classifier, with `include_top=True` and no `weights`.
        classifier_activation: Activation of the top layer (`None` returns logits). With
            pretrained weights only `None` and `"softmax"` are allowed.{extra_args}
        name: Name of the model.

    Returns:
        A `Model` instance.
"""

INCLUDE_PREPROCESSING_ARG = """
        include_preprocessing: Whether the model rescales and normalizes its `[0, 255]` inputs
            itself (keep `True` with `"imagenet"` weights)."""


def args_doc(extra_args=""):
    """The `Args:` and `Returns:` sections of a constructor docstring; `extra_args` adds argument lines."""
    return _ARGS_DOC.format(extra_args=extra_args)


COMMON_ARGS_DOC = args_doc()


def channels_last() -> bool:
    """Whether the current `image_data_format` is `"channels_last"`."""
    from kerasbridge.backend import image_data_format

    return image_data_format() == "channels_last"


def channel_axis(channels_last_axis: int = 3) -> int:
    """The channel axis of an image batch: `channels_last_axis` (3 or -1) for channels-last data, else 1."""
    return channels_last_axis if channels_last() else 1


def require_channels_last(family):
    """Raises ValueError under the `channels_first` image data format, which `family` does not support."""
    if not channels_last():
        raise ValueError(
            f"{family} does not support the `channels_first` image data format. Switch to `channels_last` "
            "by editing your local config file at ~/.keras/keras.json"
        )


def image_size(shape):
    """`(rows, cols)` of an image shape without the batch axis, under the current `image_data_format`."""
    return shape[:2] if channels_last() else shape[1:3]


DEFAULT_CLASSES_MESSAGE = (
    "If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  Received classes={classes}"
)
# The wording of `check_weights_argument` (DenseNet, EfficientNet, ConvNeXt, Inception, Xception, NASNet).
_EARLY_CHECK_WORDING = {
    "imagenet_quote": "`imagenet`",
    "received": " Received: weights={weights}",
    "classes_message": 'If using `weights="imagenet"` with `include_top=True`, `classes` should be 1000. '
                       "Received: classes={classes}",
}


def check_weights_and_classes(weights, include_top, classes, imagenet_quote="'imagenet'",
                              received="  Received: weights={weights}", classes_message=DEFAULT_CLASSES_MESSAGE):
    """Raises ValueError when `weights` is neither None, `"imagenet"` nor an existing file, or when
    ImageNet weights with a top are asked for with a number of classes other than 1000.

    `imagenet_quote`, `received` and `classes_message` reproduce each Keras family's own wording.
    """
    if not (weights in {"imagenet", None} or (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights))):
        raise ValueError(
            f"The `weights` argument should be either `None` (random initialization), {imagenet_quote} "
            "(pre-training on ImageNet), or the path to the weights file to be loaded."
            + received.format(weights=weights)
        )
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(classes_message.format(classes=classes))


def check_weights_argument(weights, include_top, classes, classifier_activation):
    """`check_weights_and_classes` in its second wording, then (with a top) the classifier activation.

    Checked before anything is built, so that a bad argument fails fast.
    """
    check_weights_and_classes(weights, include_top, classes, **_EARLY_CHECK_WORDING)
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)


def resolve_input_shape(input_shape, default_size, min_size, include_top, weights):
    """The validated `(height, width, channels)` (or channels-first) input shape of a model."""
    from kerasbridge.backend import image_data_format

    return imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=min_size, data_format=image_data_format(),
        require_flatten=include_top, weights=weights,
    )


def image_input(input_tensor, input_shape):
    """The network's input: a new `Input`, or `input_tensor` (wrapped in an `Input` if not symbolic)."""
    from kerasbridge.layers import Input
    from kerasbridge.utils.source_inputs import is_keras_tensor

    if input_tensor is None:
        return Input(shape=input_shape)
    if not is_keras_tensor(input_tensor):
        return Input(tensor=input_tensor, shape=input_shape)
    return input_tensor


def pooling_head(x, pooling, named=False):
    """Applies the optional global pooling (`None`, `"avg"` or `"max"`) of a headless network.

    Args:
        x: The feature map.
        pooling: `None` (returns `x`), `"avg"` or `"max"`.
        named: Name the pooling layer `avg_pool` / `max_pool` (otherwise it is auto-named).
    """
    from kerasbridge import layers

    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name="avg_pool" if named else None)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name="max_pool" if named else None)(x)
    return x


def classifier_head(x, *, include_top, pooling, classes, classifier_activation, weights, top_pool_name="avg_pool",
                    named_pooling=False, dropout_rate=0.0, **dense_kwargs):
    """The common top of a network: global average pooling, optional dropout and the `predictions`
    `Dense` layer with `include_top`, otherwise `pooling_head`.

    Args:
        x: The last feature map.
        include_top, pooling, classes, classifier_activation, weights: The constructor's arguments.
        top_pool_name: Name of the classifier's global pooling layer (`None`: auto-named).
        named_pooling: Passed to `pooling_head` as `named`.
        dropout_rate: Rate of a `top_dropout` layer before the classifier (none when 0).
        **dense_kwargs: Extra arguments of the `predictions` layer (initializers).
    """
    from kerasbridge import layers

    if not include_top:
        return pooling_head(x, pooling, named=named_pooling)
    x = layers.GlobalAveragePooling2D(name=top_pool_name)(x)
    if dropout_rate > 0:
        x = layers.Dropout(dropout_rate, name="top_dropout")(x)
    imagenet_utils.validate_activation(classifier_activation, weights)
    return layers.Dense(classes, activation=classifier_activation, name="predictions", **dense_kwargs)(x)


def assemble_model(input_tensor, img_input, outputs, name, weights, pretrained_file=None):
    """Wraps the graph in a Functional model and loads `weights` into it.

    Args:
        input_tensor: The user's `input_tensor` argument (its source inputs become the model inputs).
        img_input: The input tensor the graph was built from.
        outputs: The graph's output tensor.
        name: The model name.
        weights: `None`, `"imagenet"` or a weights file path.
        pretrained_file: For `"imagenet"`: a `(file name, url, file hash)` triple, or `None` when
            the architecture has no published weights (nothing is loaded, as in Keras).

    Returns:
        The built `Functional` model.
    """
    from kerasbridge.applications._pretrained import fetch_file, load_model_weights
    from kerasbridge.models.functional import Functional
    from kerasbridge.utils.source_inputs import get_source_inputs

    inputs = get_source_inputs(input_tensor) if input_tensor is not None else img_input
    model = Functional(inputs, outputs, name=name)
    if weights == "imagenet":
        if pretrained_file is not None:
            file_name, origin, file_hash = pretrained_file
            path = fetch_file(file_name, origin, file_hash, what=f"the ImageNet weights of '{model.name}'")
            load_model_weights(model, path)
    elif weights is not None:
        load_model_weights(model, weights)
    return model
