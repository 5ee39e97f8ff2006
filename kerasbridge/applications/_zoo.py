"""Steps every model-zoo constructor shares: argument checks, the image input, the pooling head, weights."""

from __future__ import annotations

import os

COMMON_ARGS_DOC = """
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
            pretrained weights only `None` and `"softmax"` are allowed.
        name: Name of the model.

    Returns:
        A `Model` instance.
"""


def channels_last() -> bool:
    from kerasbridge.backend import image_data_format

    return image_data_format() == "channels_last"


DEFAULT_CLASSES_MESSAGE = (
    "If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  Received classes={classes}"
)


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


def image_input(input_tensor, input_shape):
    """The network's input: a new `Input`, or `input_tensor` (wrapped in an `Input` if not symbolic)."""
    from kerasbridge.layers import Input
    from kerasbridge.utils.source_inputs import is_keras_tensor

    if input_tensor is None:
        return Input(shape=input_shape)
    if not is_keras_tensor(input_tensor):
        return Input(tensor=input_tensor, shape=input_shape)
    return input_tensor


def pooling_head(x, pooling, avg_name=None, max_name=None):
    """Applies the optional global pooling of a headless network."""
    from kerasbridge import layers

    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x


def functional_model(input_tensor, img_input, outputs, name):
    """Builds the Functional model, starting at the sources of `input_tensor` when one was given."""
    from kerasbridge.models.functional import Functional
    from kerasbridge.utils.source_inputs import get_source_inputs

    inputs = get_source_inputs(input_tensor) if input_tensor is not None else img_input
    return Functional(inputs, outputs, name=name)


def load_weights(model, weights, pretrained_file=None):
    """Loads `weights` into `model`.

    Args:
        model: The built network.
        weights: `None`, `"imagenet"` or a file path.
        pretrained_file: For `"imagenet"`: a `(file name, url, file hash)` triple, or `None` when
            the architecture has no published weights (nothing is loaded, as in Keras).
    """
    from kerasbridge.applications._pretrained import fetch_file, load_model_weights

    if weights == "imagenet":
        if pretrained_file is None:
            return
        file_name, origin, file_hash = pretrained_file
        path = fetch_file(file_name, origin, file_hash, what=f"the ImageNet weights of '{model.name}'")
        load_model_weights(model, path)
    elif weights is not None:
        load_model_weights(model, weights)
