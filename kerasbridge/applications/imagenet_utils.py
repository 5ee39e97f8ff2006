"""ImageNet helpers shared by the model zoo: input preprocessing, prediction decoding, input-shape checks.

Mirrors `keras.applications.imagenet_utils`.
"""

from __future__ import annotations

import json
import warnings

import numpy as np

CLASS_INDEX = None
CLASS_INDEX_PATH = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
CLASS_INDEX_FILE_HASH = "c2c37ea517e94d9795004a39431a14cb"

_MODES = ("caffe", "tf", "torch")
_DATA_FORMATS = ("channels_first", "channels_last")
# Per-channel statistics of the ImageNet training set.
_CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
_TORCH_MEAN_RGB = (0.485, 0.456, 0.406)
_TORCH_STD_RGB = (0.229, 0.224, 0.225)


def preprocess_input(x, data_format=None, mode="caffe"):
    """Preprocesses a batch of images (a NumPy array, a torch tensor or a symbolic tensor).

    Args:
        x: A floating point array or tensor, 3D or 4D with 3 color channels, values in `[0, 255]`.
            A floating point NumPy array is modified in place (use `np.copy(x)` to keep it).
        data_format: `"channels_first"` or `"channels_last"`; `None` uses
            `keras.backend.image_data_format()`.
        mode: One of `"caffe"`, `"tf"` or `"torch"`.
            - caffe: RGB to BGR, then each channel is zero-centered with the ImageNet mean, unscaled.
            - tf: pixels scaled to `[-1, 1]`.
            - torch: pixels scaled to `[0, 1]`, then each channel normalized with the ImageNet
              mean and standard deviation.

    Returns:
        The preprocessed array or tensor.

    Raises:
        ValueError: On an unknown `mode` or `data_format`.
    """
    if mode not in _MODES:
        raise ValueError(f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode}")
    data_format = _resolve_data_format(data_format)
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    return _preprocess_tensor(x, data_format, mode)


def _resolve_data_format(data_format):
    if data_format is None:
        from kerasbridge.backend import image_data_format

        return image_data_format()
    if data_format not in _DATA_FORMATS:
        raise ValueError(
            "Expected data_format to be one of `channels_first` or `channels_last`. "
            f"Received: data_format={data_format}"
        )
    return data_format


def _mode_statistics(mode):
    """The per-channel (mean, std) of `mode`, `std` being `None` when the mode does not scale."""
    if mode == "torch":
        return _TORCH_MEAN_RGB, _TORCH_STD_RGB
    return _CAFFE_MEAN_BGR, None


def _preprocess_numpy(x, data_format, mode):
    if not issubclass(x.dtype.type, np.floating):
        from kerasbridge.backend import floatx

        x = x.astype(floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
    else:
        x = _flip_channels_numpy(x, data_format)
    mean, std = _mode_statistics(mode)
    for channel in range(3):
        view = _channel_view(x, data_format, channel)
        view -= mean[channel]
        if std is not None:
            view /= std[channel]
    return x


def _flip_channels_numpy(x, data_format):
    """RGB to BGR as a reversed view (writes through to the caller's array, as Keras does)."""
    if data_format == "channels_last":
        return x[..., ::-1]
    return x[::-1, ...] if x.ndim == 3 else x[:, ::-1, ...]


def _channel_view(x, data_format, channel):
    if data_format == "channels_last":
        return x[..., channel]
    return x[channel] if x.ndim == 3 else x[:, channel]


def _preprocess_tensor(x, data_format, mode):
    from kerasbridge import ops
    from kerasbridge.backend import floatx, standardize_dtype

    x = ops.convert_to_tensor(x) if not _is_symbolic(x) else x
    if "float" not in standardize_dtype(x.dtype):
        x = ops.cast(x, floatx())
    if mode == "tf":
        return x / 127.5 - 1.0
    ndim = len(x.shape)
    if mode == "torch":
        x = x / 255.0
    else:
        channel_axis = -1 if data_format == "channels_last" else (0 if ndim == 3 else 1)
        x = ops.flip(x, axis=channel_axis)
    mean, std = _mode_statistics(mode)
    if data_format == "channels_last":
        stats_shape = (1,) * (ndim - 1) + (3,)
    else:
        stats_shape = (3, 1, 1) if ndim == 3 else (1, 3) + (1,) * (ndim - 2)
    x = x - ops.reshape(ops.convert_to_tensor(np.asarray(mean), dtype=x.dtype), stats_shape)
    if std is not None:
        x = x / ops.reshape(ops.convert_to_tensor(np.asarray(std), dtype=x.dtype), stats_shape)
    return x


def _is_symbolic(x):
    from kerasbridge.ops.keras_tensor import KerasTensor

    return isinstance(x, KerasTensor)


def decode_predictions(preds, top=5):
    """Decodes the predictions of an ImageNet classifier.

    The class index (`imagenet_class_index.json`) is read from the Keras cache
    (`~/.keras/models`, or `$KERAS_HOME/models`) and downloaded there on first use.

    Args:
        preds: Array or tensor of shape `(samples, 1000)`.
        top: How many top guesses to return per sample. Defaults to `5`.

    Returns:
        One list per sample of `(class_name, class_description, score)` tuples, best first.

    Raises:
        ValueError: If `preds` is not of shape `(samples, 1000)`.
        RuntimeError: If the class index is not cached and cannot be downloaded.
    """
    global CLASS_INDEX

    if len(preds.shape) != 2 or preds.shape[1] != 1000:
        raise ValueError(
            "`decode_predictions` expects a batch of predictions (i.e. a 2D array of shape (samples, 1000)). "
            f"Received array with shape: {tuple(preds.shape)}"
        )
    if CLASS_INDEX is None:
        from kerasbridge.applications._pretrained import fetch_file

        path = fetch_file("imagenet_class_index.json", CLASS_INDEX_PATH, CLASS_INDEX_FILE_HASH,
                          what="the ImageNet class index used by `decode_predictions`")
        with open(path) as f:
            CLASS_INDEX = json.load(f)
    from kerasbridge.ops import convert_to_numpy

    preds = convert_to_numpy(preds)
    results = []
    for pred in preds:
        best = pred.argsort()[-top:][::-1]
        decoded = [tuple(CLASS_INDEX[str(i)]) + (pred[i],) for i in best]
        decoded.sort(key=lambda entry: entry[2], reverse=True)
        results.append(decoded)
    return results


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten, weights=None):
    """Computes or validates the input shape of a model-zoo network.

    Args:
        input_shape: `None` (use the network's default) or a user shape to validate.
        default_size: Default input height/width of the network.
        min_size: Smallest height/width the network accepts.
        data_format: `"channels_last"` or `"channels_first"`.
        require_flatten: Whether a classifier head follows (the shape must then be static).
        weights: `None`, `"imagenet"` or a weights file; `"imagenet"` needs 3 channels.

    Returns:
        A shape tuple of 3 entries (`None` for unknown dimensions).

    Raises:
        ValueError: If `input_shape` is not a valid shape for the network.
    """
    channels_last = data_format != "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[-1] if channels_last else input_shape[0]
        if channels not in {1, 3}:
            warnings.warn(
                "This model usually expects 1 or 3 input channels. However, it was passed an input_shape "
                f"with {channels} input channels.",
                stacklevel=2,
            )
        default_shape = (default_size, default_size, channels) if channels_last else (
            channels, default_size, default_size)
    else:
        default_shape = (default_size, default_size, 3) if channels_last else (3, default_size, default_size)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError(
                "When setting `include_top=True` and loading `imagenet` weights, "
                f"`input_shape` should be {default_shape}.  Received: input_shape={input_shape}"
            )
        return default_shape
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers.")
        channels = input_shape[-1] if channels_last else input_shape[0]
        if channels != 3 and weights == "imagenet":
            raise ValueError(f"The input must have 3 channels; Received `input_shape={input_shape}`")
        spatial = input_shape[:2] if channels_last else input_shape[1:]
        if any(size is not None and size < min_size for size in spatial):
            raise ValueError(
                f"Input size must be at least {min_size}x{min_size}; Received: input_shape={input_shape}"
            )
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (None, None, 3) if channels_last else (3, None, None)
    if require_flatten and None in input_shape:
        raise ValueError(
            "If `include_top` is True, you should specify a static `input_shape`. "
            f"Received: input_shape={input_shape}"
        )
    return input_shape


def correct_pad(inputs, kernel_size):
    """The `ZeroPadding2D` padding that makes a strided `"valid"` convolution match TF's `"same"`.

    Args:
        inputs: The (symbolic) input tensor.
        kernel_size: An integer or a pair of integers.

    Returns:
        `((top, bottom), (left, right))`.
    """
    from kerasbridge.backend import image_data_format

    first_spatial = 2 if image_data_format() == "channels_first" else 1
    rows, cols = inputs.shape[first_spatial:first_spatial + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if rows is None else (1 - rows % 2, 1 - cols % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def validate_activation(classifier_activation, weights):
    """Checks that pretrained weights are used only with a `softmax` or linear classifier.

    Args:
        classifier_activation: A name or callable.
        weights: The weights that will be loaded (`None` allows any activation).

    Raises:
        ValueError: If `weights` is set and the activation is neither `None` nor `"softmax"`.
    """
    if weights is None:
        return
    from kerasbridge import activations

    resolved = activations.get(classifier_activation)
    if resolved not in {activations.get("softmax"), activations.get(None)}:
        raise ValueError(
            "Only `None` and `softmax` activations are allowed for the `classifier_activation` argument when "
            f"using pretrained weights, with `include_top=True`; Received: classifier_activation={resolved}"
        )


# What `preprocess_input` does to the pixels, per mode (`None`: the model preprocesses its inputs itself).
_MODE_SUMMARIES = {
    "caffe": "RGB to BGR, then the ImageNet mean is subtracted per channel (no scaling)",
    "tf": "pixels scaled from `[0, 255]` to `[-1, 1]`",
    "torch": "pixels scaled to `[0, 1]`, then each channel normalized with the ImageNet mean and std",
}

_PREPROCESS_DOC = """Preprocesses images for {model}: {summary}.

    Args:
        x: Array or tensor of RGB images, 3D or 4D, values in `[0, 255]`.
        data_format: `"channels_first"`, `"channels_last"` or `None` (the global setting).

    Returns:
        The preprocessed images.

    Raises:
        ValueError: On an unknown `data_format`.
"""

_IDENTITY_PREPROCESS_DOC = """The identity: {model} models preprocess their inputs themselves.

    Kept for API consistency with the other model-zoo modules.

    Args:
        x: Array or tensor of images, pixels in `[0, 255]`.
        data_format: Unused.

    Returns:
        `x`, unchanged.
"""

_DECODE_DOC = """Decodes {model} ImageNet predictions into `(class_name, class_description, score)` tuples.

    Args:
        preds: Array or tensor of shape `(samples, 1000)`.
        top: How many top guesses to return per sample. Defaults to `5`.

    Returns:
        One list of tuples per sample, best first.
"""


def preprocessing_functions(mode, module_name, model):
    """The `preprocess_input` and `decode_predictions` functions of a model-zoo module.

    Args:
        mode: The `preprocess_input` mode (`"caffe"`, `"tf"` or `"torch"`), or `None` for models
            that preprocess their inputs themselves (then `preprocess_input` returns its input).
        module_name: The module that exports the functions (its `__name__`).
        model: The model family named in the docstrings, e.g. `"ResNet"`.

    Returns:
        `(preprocess_input, decode_predictions)`, with the module's `__module__` and their own
        `__name__`, `__qualname__` and docstrings.
    """
    if mode is not None and mode not in _MODES:
        raise ValueError(f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode}")

    if mode is None:
        def preprocess(x, data_format=None):
            return x

        preprocess.__doc__ = _IDENTITY_PREPROCESS_DOC.format(model=model)
    else:
        def preprocess(x, data_format=None):
            return preprocess_input(x, data_format=data_format, mode=mode)

        preprocess.__doc__ = _PREPROCESS_DOC.format(model=model, summary=_MODE_SUMMARIES[mode])

    def decode(preds, top=5):
        return decode_predictions(preds, top=top)

    decode.__doc__ = _DECODE_DOC.format(model=model)
    for function, name in ((preprocess, "preprocess_input"), (decode, "decode_predictions")):
        function.__name__ = function.__qualname__ = name
        function.__module__ = module_name
    return preprocess, decode
