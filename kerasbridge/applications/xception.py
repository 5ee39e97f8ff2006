"""Xception (Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions", CVPR 2017).

Inputs are preprocessed with `preprocess_input` ("tf" mode: pixels scaled to `[-1, 1]`).
"""

from kerasbridge import backend, layers
from kerasbridge.applications import _b_utils, imagenet_utils

_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/xception/"
_FILE_TOP = ("xception_weights_tf_dim_ordering_tf_kernels.h5", "0a58e3b7378bc2990ea3b43d5981f1f6")
_FILE_NO_TOP = ("xception_weights_tf_dim_ordering_tf_kernels_notop.h5", "b0042744bf5b25fce3cb969f33bebb97")


def _axis():
    return 1 if backend.image_data_format() == "channels_first" else -1


def _separable(x, filters, name, activation_first):
    """(ReLU ->) 3x3 separable conv -> BN, or separable conv -> BN -> ReLU when `activation_first` is False."""
    if activation_first:
        x = layers.Activation("relu", name=f"{name}_act")(x)
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    x = layers.BatchNormalization(axis=_axis(), name=f"{name}_bn")(x)
    if not activation_first:
        x = layers.Activation("relu", name=f"{name}_act")(x)
    return x


def _downsampling_block(x, block, filters, relu_on_entry=True):
    """Two separable convs and a stride-2 max pool, added to a strided 1x1 conv shortcut."""
    shortcut = layers.Conv2D(filters[1], (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    shortcut = layers.BatchNormalization(axis=_axis())(shortcut)
    if relu_on_entry:
        x = _separable(x, filters[0], f"block{block}_sepconv1", activation_first=True)
    else:
        x = layers.SeparableConv2D(filters[0], (3, 3), padding="same", use_bias=False,
                                   name=f"block{block}_sepconv1")(x)
        x = layers.BatchNormalization(axis=_axis(), name=f"block{block}_sepconv1_bn")(x)
    x = _separable(x, filters[1], f"block{block}_sepconv2", activation_first=True)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return layers.add([x, shortcut])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="xception"):
    """Instantiates the Xception architecture.

    Preprocess inputs with `kerasbridge.applications.xception.preprocess_input`.

    Args:
        include_top: Whether to put the global-pooling + `Dense` classifier on top.
        weights: `None` (random initialization), `"imagenet"` (downloads the pretrained weights)
            or the path of a weights file to load.
        input_tensor: Optional Keras tensor (the output of `layers.Input()`) to use as the model input.
        input_shape: Optional shape tuple, only when `include_top` is `False` (otherwise it must be
            `(299, 299, 3)`); height and width must be at least 71.
        pooling: Pooling applied when `include_top` is `False`: `None` (4D feature map), `"avg"`
            or `"max"` (global pooling, 2D output).
        classes: Number of classes of the classifier (1000 for `"imagenet"` weights).
        classifier_activation: Activation of the classifier layer (`None` returns logits); only
            `None` or `"softmax"` with pretrained weights.
        name: Name of the model.

    Returns:
        A `Model` instance.
    """
    _b_utils.check_weights_argument(weights, include_top, classes, classifier_activation)
    input_shape = _b_utils.resolve_input_shape(input_shape, 299, 71, include_top, weights)
    img_input = _b_utils.image_input(input_tensor, input_shape)
    axis = _axis()

    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = layers.BatchNormalization(axis=axis, name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=axis, name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)

    # Entry flow.
    x = _downsampling_block(x, 2, (128, 128), relu_on_entry=False)
    x = _downsampling_block(x, 3, (256, 256))
    x = _downsampling_block(x, 4, (728, 728))

    # Middle flow: eight residual blocks of three separable convs.
    for block in range(5, 13):
        shortcut = x
        for index in range(1, 4):
            x = _separable(x, 728, f"block{block}_sepconv{index}", activation_first=True)
        x = layers.add([x, shortcut])

    # Exit flow.
    x = _downsampling_block(x, 13, (728, 1024))
    x = _separable(x, 1536, "block14_sepconv1", activation_first=False)
    x = _separable(x, 2048, "block14_sepconv2", activation_first=False)

    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)

    file_name, file_hash = _FILE_TOP if include_top else _FILE_NO_TOP
    return _b_utils.assemble_model(input_tensor, img_input, x, name, weights,
                                   imagenet_file=(file_name, _WEIGHTS_URL + file_name, file_hash))


def preprocess_input(x, data_format=None):
    """Scale pixels from `[0, 255]` to `[-1, 1]` ("tf" mode).

    Args:
        x: A float numpy array or tensor of RGB pixels in `[0, 255]`, 3D or 4D.
        data_format: `"channels_last"` or `"channels_first"`; defaults to `image_data_format()`.

    Returns:
        The preprocessed array or tensor.
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """Decode ImageNet predictions into `(class_name, class_description, score)` tuples.

    Args:
        preds: Array of predictions, shape `(samples, 1000)`.
        top: Number of top guesses to return per sample.

    Returns:
        One list of `top` tuples per sample.
    """
    return imagenet_utils.decode_predictions(preds, top=top)
