"""NASNet-A Mobile and Large (Zoph et al., "Learning Transferable Architectures for Scalable Image
Recognition", CVPR 2018).

Inputs are preprocessed with `preprocess_input` ("tf" mode: pixels scaled to `[-1, 1]`). Cells open
name scopes, so weight paths read like `normal_A_block_0/block_1/separable_conv_block_.../...`, as in Keras.
"""

import warnings

from kerasbridge import backend, layers
from kerasbridge.applications import _zoo, imagenet_utils

_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/"

# default image size: {include_top: (cache file name, origin file name, md5)}
_WEIGHT_FILES = {
    224: {
        True: ("nasnet_mobile.h5", "NASNet-mobile.h5", "020fb642bf7360b370c678b08e0adf61"),
        False: ("nasnet_mobile_no_top.h5", "NASNet-mobile-no-top.h5", "1ed92395b5b598bdda52abe5c0dbfd63"),
    },
    331: {
        True: ("nasnet_large.h5", "NASNet-large.h5", "11577c9a518f0070763c2b964a382f17"),
        False: ("nasnet_large_no_top.h5", "NASNet-large-no-top.h5", "d81d89dc07e6e56530c4e77faddd61b5"),
    },
}


def _batch_norm(name=None):
    return layers.BatchNormalization(axis=_zoo.channel_axis(-1), momentum=0.9997, epsilon=1e-3, name=name)


def _pointwise(filters, name):
    return layers.Conv2D(filters, (1, 1), strides=(1, 1), padding="same", use_bias=False,
                         kernel_initializer="he_normal", name=name)


def _separable_conv_block(ip, filters, kernel_size=(3, 3), strides=(1, 1), block_id=None):
    """Two rounds of ReLU -> separable conv -> BN; the first one carries the stride."""
    with backend.name_scope(f"separable_conv_block_{block_id}"):
        x = layers.Activation("relu")(ip)
        if strides == (2, 2):
            x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                                     name=f"separable_conv_1_pad_{block_id}")(x)
            padding = "valid"
        else:
            padding = "same"
        x = layers.SeparableConv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=False,
                                   name=f"separable_conv_1_{block_id}")(x)
        x = _batch_norm(f"separable_conv_1_bn_{block_id}")(x)
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(filters, kernel_size, padding="same", use_bias=False,
                                   name=f"separable_conv_2_{block_id}")(x)
        x = _batch_norm(f"separable_conv_2_bn_{block_id}")(x)
    return x


def _adjust_block(p, ip, filters, block_id=None):
    """Bring the previous cell's output `p` to the spatial size and channel count of `ip`."""
    axis = _zoo.channel_axis(-1)
    spatial_axis = -2 if _zoo.channels_last() else 2
    with backend.name_scope("adjust_block"):
        if p is None:
            return ip
        if p.shape[spatial_axis] != ip.shape[spatial_axis]:
            with backend.name_scope(f"adjust_reduction_block_{block_id}"):
                # Two half-width paths, the second one shifted by one pixel, each subsampled by 2.
                p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
                p1 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                             name=f"adjust_avg_pool_1_{block_id}")(p)
                p1 = _pointwise(filters // 2, f"adjust_conv_1_{block_id}")(p1)
                p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
                p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
                p2 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                             name=f"adjust_avg_pool_2_{block_id}")(p2)
                p2 = _pointwise(filters // 2, f"adjust_conv_2_{block_id}")(p2)
                p = layers.concatenate([p1, p2], axis=axis)
                p = _batch_norm(f"adjust_bn_{block_id}")(p)
        elif p.shape[axis] != filters:
            with backend.name_scope(f"adjust_projection_block_{block_id}"):
                p = layers.Activation("relu")(p)
                p = _pointwise(filters, f"adjust_conv_projection_{block_id}")(p)
                p = _batch_norm(f"adjust_bn_{block_id}")(p)
    return p


def _squeeze_input(ip, filters, kind, block_id):
    """ReLU -> 1x1 conv -> BN applied to the cell input."""
    h = layers.Activation("relu")(ip)
    h = _pointwise(filters, f"{kind}_conv_1_{block_id}")(h)
    return _batch_norm(f"{kind}_bn_1_{block_id}")(h)


def _same_avg_pool(name):
    return layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same", name=name)


def _normal_a_cell(ip, p, filters, block_id=None):
    """A NASNet-A normal cell: five combined pairs of ops, concatenated with the adjusted `p`."""
    with backend.name_scope(f"normal_A_block_{block_id}"):
        p = _adjust_block(p, ip, filters, block_id)
        h = _squeeze_input(ip, filters, "normal", block_id)
        with backend.name_scope("block_1"):
            left = _separable_conv_block(h, filters, kernel_size=(5, 5), block_id=f"normal_left1_{block_id}")
            right = _separable_conv_block(p, filters, block_id=f"normal_right1_{block_id}")
            x1 = layers.add([left, right], name=f"normal_add_1_{block_id}")
        with backend.name_scope("block_2"):
            left = _separable_conv_block(p, filters, (5, 5), block_id=f"normal_left2_{block_id}")
            right = _separable_conv_block(p, filters, (3, 3), block_id=f"normal_right2_{block_id}")
            x2 = layers.add([left, right], name=f"normal_add_2_{block_id}")
        with backend.name_scope("block_3"):
            x3 = _same_avg_pool(f"normal_left3_{block_id}")(h)
            x3 = layers.add([x3, p], name=f"normal_add_3_{block_id}")
        with backend.name_scope("block_4"):
            left = _same_avg_pool(f"normal_left4_{block_id}")(p)
            right = _same_avg_pool(f"normal_right4_{block_id}")(p)
            x4 = layers.add([left, right], name=f"normal_add_4_{block_id}")
        with backend.name_scope("block_5"):
            x5 = _separable_conv_block(h, filters, block_id=f"normal_left5_{block_id}")
            x5 = layers.add([x5, h], name=f"normal_add_5_{block_id}")
        x = layers.concatenate([p, x1, x2, x3, x4, x5], axis=_zoo.channel_axis(-1), name=f"normal_concat_{block_id}")
    return x, ip


def _reduction_a_cell(ip, p, filters, block_id=None):
    """A NASNet-A reduction cell: halves the spatial size."""
    with backend.name_scope(f"reduction_A_block_{block_id}"):
        p = _adjust_block(p, ip, filters, block_id)
        h = _squeeze_input(ip, filters, "reduction", block_id)
        h3 = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(h, 3),
                                  name=f"reduction_pad_1_{block_id}")(h)
        with backend.name_scope("block_1"):
            left = _separable_conv_block(h, filters, (5, 5), strides=(2, 2), block_id=f"reduction_left1_{block_id}")
            right = _separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                                          block_id=f"reduction_right1_{block_id}")
            x1 = layers.add([left, right], name=f"reduction_add_1_{block_id}")
        with backend.name_scope("block_2"):
            left = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid",
                                       name=f"reduction_left2_{block_id}")(h3)
            right = _separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                                          block_id=f"reduction_right2_{block_id}")
            x2 = layers.add([left, right], name=f"reduction_add_2_{block_id}")
        with backend.name_scope("block_3"):
            left = layers.AveragePooling2D((3, 3), strides=(2, 2), padding="valid",
                                           name=f"reduction_left3_{block_id}")(h3)
            right = _separable_conv_block(p, filters, (5, 5), strides=(2, 2),
                                          block_id=f"reduction_right3_{block_id}")
            x3 = layers.add([left, right], name=f"reduction_add3_{block_id}")
        with backend.name_scope("block_4"):
            x4 = _same_avg_pool(f"reduction_left4_{block_id}")(x1)
            x4 = layers.add([x2, x4])
        with backend.name_scope("block_5"):
            left = _separable_conv_block(x1, filters, (3, 3), block_id=f"reduction_left4_{block_id}")
            right = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid",
                                        name=f"reduction_right5_{block_id}")(h3)
            x5 = layers.add([left, right], name=f"reduction_add4_{block_id}")
        x = layers.concatenate([x2, x3, x4, x5], axis=_zoo.channel_axis(-1), name=f"reduction_concat_{block_id}")
    return x, ip


def _nasnet(input_shape, *, penultimate_filters, num_blocks, stem_block_filters, skip_reduction,
            filter_multiplier, include_top, weights, input_tensor, pooling, classes, default_size,
            classifier_activation, name):
    _zoo.check_weights_argument(weights, include_top, classes, classifier_activation)
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError(
            "When specifying the input shape of a NASNet and loading `ImageNet` weights, the input_shape "
            f"argument must be static (no None entries). Got: `input_shape={input_shape}`."
        )
    input_shape = _zoo.resolve_input_shape(input_shape, default_size, 32, include_top, weights)
    if not _zoo.channels_last():
        warnings.warn(
            'The NASNet family of models is only available for the input data format "channels_last" '
            "(width, height, channels). However your settings specify the default data format "
            '"channels_first" (channels, width, height). You should set `image_data_format="channels_last"` '
            "in your Keras config located at ~/.keras/keras.json. The model being returned right now will "
            'expect inputs to follow the "channels_last" data format.',
            stacklevel=3,
        )
    img_input = _zoo.image_input(input_tensor, input_shape)
    if penultimate_filters % (24 * (filter_multiplier**2)) != 0:
        raise ValueError(
            "For NASNet-A models, the `penultimate_filters` must be a multiple of 24 * "
            f"(`filter_multiplier` ** 2). Current value: {penultimate_filters}"
        )

    filters = penultimate_filters // 24
    x = layers.Conv2D(stem_block_filters, (3, 3), strides=(2, 2), padding="valid", use_bias=False,
                      kernel_initializer="he_normal", name="stem_conv1")(img_input)
    x = _batch_norm("stem_bn1")(x)

    x, p = _reduction_a_cell(x, None, filters // (filter_multiplier**2), block_id="stem_1")
    x, p = _reduction_a_cell(x, p, filters // filter_multiplier, block_id="stem_2")
    for stage in range(3):
        width = filters * filter_multiplier**stage
        if stage > 0:
            x, reduced_p = _reduction_a_cell(x, p, width, block_id=f"reduce_{stage * num_blocks}")
            p = p if skip_reduction else reduced_p
        first_id = 0 if stage == 0 else stage * num_blocks + 1
        for index in range(num_blocks):
            x, p = _normal_a_cell(x, p, width, block_id=f"{first_id + index}")

    x = layers.Activation("relu")(x)
    x = _zoo.classifier_head(x, include_top=include_top, pooling=pooling, classes=classes,
                             classifier_activation=classifier_activation, weights=weights, top_pool_name=None)

    if weights == "imagenet" and default_size not in _WEIGHT_FILES:
        raise ValueError("ImageNet weights can only be loaded with NASNetLarge or NASNetMobile")
    file_name, origin_name, file_hash = _WEIGHT_FILES.get(default_size, _WEIGHT_FILES[331])[bool(include_top)]
    return _zoo.assemble_model(input_tensor, img_input, x, name, weights,
                               (file_name, _WEIGHTS_URL + origin_name, file_hash))


_CONSTRUCTOR_DOC = """Instantiates the NASNet-A {size} architecture ({default}x{default} images).

    Reference: [Learning Transferable Architectures for Scalable Image Recognition](
    https://arxiv.org/abs/1707.07012). Expects inputs prepared by
    `keras.applications.nasnet.preprocess_input` (pixels scaled to `[-1, 1]`). The input shape
    defaults to `({default}, {default}, 3)`; images must be at least 32x32.
""" + _zoo.COMMON_ARGS_DOC


def NASNetMobile(input_shape=None, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                 classes=1000, classifier_activation="softmax", name="nasnet_mobile"):
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)
    return _nasnet(input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
                   skip_reduction=False, filter_multiplier=2, include_top=include_top, weights=weights,
                   input_tensor=input_tensor, pooling=pooling, classes=classes, default_size=224,
                   classifier_activation=classifier_activation, name=name)


def NASNetLarge(input_shape=None, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="nasnet_large"):
    return _nasnet(input_shape, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
                   skip_reduction=True, filter_multiplier=2, include_top=include_top, weights=weights,
                   input_tensor=input_tensor, pooling=pooling, classes=classes, default_size=331,
                   classifier_activation=classifier_activation, name=name)


NASNetMobile.__doc__ = _CONSTRUCTOR_DOC.format(size="Mobile", default=224)
NASNetLarge.__doc__ = _CONSTRUCTOR_DOC.format(size="Large", default=331)


preprocess_input, decode_predictions = imagenet_utils.preprocessing_functions("tf", __name__, "NASNet")
