"""Shared plumbing for the part-B application families (EfficientNet, DenseNet, ConvNeXt, Inception ...).

Every constructor in these families goes through the same steps: check the `weights` argument, work out
the input shape, make (or adopt) the input tensor, build the body, put the classifier or pooling head
on top, wrap everything in a Functional model and finally load weights. The body is the only part
that differs, so the rest lives here.
"""

import os

from kerasbridge import backend, layers
from kerasbridge.applications import imagenet_utils
from kerasbridge.models import Functional
from kerasbridge.utils import file_utils, get_source_inputs


def channel_axis():
    """The axis holding channels of an image batch under the current `image_data_format`."""
    return 3 if backend.image_data_format() == "channels_last" else 1


def check_weights_argument(weights, include_top, classes, classifier_activation):
    """Raise a `ValueError` when `weights` / `classes` / the classifier activation cannot make a valid model.

    Checked before anything is built, so that a bad argument fails fast.

    Args:
        weights: `None`, `"imagenet"` or the path of an existing weights file.
        include_top: Whether the classifier head is built.
        classes: Number of classes of the classifier head.
        classifier_activation: Activation of the classifier head (only `None` or softmax with
            pretrained weights).
    """
    if not (weights in {"imagenet", None} or (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights))):
        raise ValueError(
            "The `weights` argument should be either `None` (random initialization), `imagenet` "
            "(pre-training on ImageNet), or the path to the weights file to be loaded. "
            f"Received: weights={weights}"
        )
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(
            'If using `weights="imagenet"` with `include_top=True`, `classes` should be 1000. '
            f"Received: classes={classes}"
        )
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)


def resolve_input_shape(input_shape, default_size, min_size, include_top, weights):
    """The validated `(height, width, channels)` (or channels-first) input shape of a model."""
    return imagenet_utils.obtain_input_shape(
        input_shape,
        default_size=default_size,
        min_size=min_size,
        data_format=backend.image_data_format(),
        require_flatten=include_top,
        weights=weights,
    )


def image_input(input_tensor, input_shape):
    """The model's input: a new `Input`, or `input_tensor` itself when it already is a symbolic tensor."""
    if input_tensor is None:
        return layers.Input(shape=input_shape)
    if not backend.is_keras_tensor(input_tensor):
        return layers.Input(tensor=input_tensor, shape=input_shape)
    return input_tensor


def pooling_head(x, pooling):
    """Apply the feature-extraction pooling (`None`, `"avg"` or `"max"`) used when `include_top=False`."""
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x


def fetch_imagenet_weights(file_name, origin, file_hash, model_name):
    """Download (or find in the cache) a pretrained weights file; a clear error when that is impossible."""
    try:
        return file_utils.get_file(file_name, origin, cache_subdir="models", file_hash=file_hash)
    except Exception as error:  # noqa: BLE001 - get_file raises plain Exception on network failure
        raise RuntimeError(
            f"Could not obtain the ImageNet weights of {model_name} ({file_name}) from {origin}: {error}. "
            "Without network access, pass `weights=None` or the path of a local weights file, or place "
            f"'{file_name}' in ~/.keras/models/."
        ) from error


def assemble_model(input_tensor, img_input, outputs, name, weights, imagenet_file=None):
    """Wrap the graph in a Functional model and load its weights.

    Args:
        input_tensor: The user's `input_tensor` argument (its source inputs become the model inputs).
        img_input: The input tensor the graph was built from.
        outputs: The graph's output tensor.
        name: The model name.
        weights: `None`, `"imagenet"` or a weights file path.
        imagenet_file: `(file_name, origin, file_hash)` of the pretrained weights, used when
            `weights == "imagenet"`.

    Returns:
        The built `Functional` model.
    """
    inputs = get_source_inputs(input_tensor) if input_tensor is not None else img_input
    model = Functional(inputs, outputs, name=name)
    if weights == "imagenet":
        file_name, origin, file_hash = imagenet_file
        model.load_weights(fetch_imagenet_weights(file_name, origin, file_hash, name))
    elif weights is not None:
        model.load_weights(weights)
    return model
