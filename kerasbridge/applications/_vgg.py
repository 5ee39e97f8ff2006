"""The VGG builder shared by VGG16 and VGG19 (Simonyan & Zisserman, 2014), named as in Keras."""

from __future__ import annotations

from kerasbridge.applications import _zoo, imagenet_utils

WEIGHTS_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"
BLOCK_FILTERS = (64, 128, 256, 512, 512)


def build_vgg(convs_per_block, weights_name, weights_hashes, include_top, weights, input_tensor, input_shape, pooling,
              classes, classifier_activation, name):
    """Builds a VGG network.

    Args:
        convs_per_block: Number of 3x3 convolutions in each of the five blocks.
        weights_name: `"vgg16"` or `"vgg19"` (selects the published ImageNet files).
        weights_hashes: md5 digests `(with top, without top)` of those files.
        include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name:
            as in `VGG16`.

    Returns:
        A `Model` instance.
    """
    from kerasbridge import layers

    _zoo.check_weights_and_classes(weights, include_top, classes)
    input_shape = _zoo.resolve_input_shape(input_shape, 224, 32, include_top, weights)
    img_input = _zoo.image_input(input_tensor, input_shape)
    x = img_input
    for block, (filters, convs) in enumerate(zip(BLOCK_FILTERS, convs_per_block), start=1):
        for conv in range(1, convs + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same", name=f"block{block}_conv{conv}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)

    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _zoo.pooling_head(x, pooling)

    suffix = "" if include_top else "_notop"
    file_name = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    pretrained = (file_name, f"{WEIGHTS_BASE}{weights_name}/{file_name}", weights_hashes[0 if include_top else 1])
    return _zoo.assemble_model(input_tensor, img_input, x, name, weights, pretrained)


VGG_DOC = """Instantiates the {name} architecture.

    Reference: [Very Deep Convolutional Networks for Large-Scale Image Recognition](
    https://arxiv.org/abs/1409.1556). Expects inputs prepared by
    `keras.applications.{module}.preprocess_input` (RGB to BGR, ImageNet mean subtracted, no
    scaling). The default input size is 224x224; images must be at least 32x32.
""" + _zoo.COMMON_ARGS_DOC


def vgg_constructor(depth, convs_per_block, weights_hashes, module_name):
    """The public constructor `VGG{depth}` of module `module_name`, named and documented as in Keras.

    Args:
        depth: 16 or 19.
        convs_per_block: Number of 3x3 convolutions in each of the five blocks.
        weights_hashes: md5 digests `(with top, without top)` of Keras's published weight files.
        module_name: `__name__` of the module that exports the constructor.
    """
    weights_name = f"vgg{depth}"

    def constructor(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                    classes=1000, classifier_activation="softmax", name=weights_name):
        return build_vgg(convs_per_block, weights_name, weights_hashes, include_top, weights, input_tensor,
                         input_shape, pooling, classes, classifier_activation, name)

    constructor.__name__ = constructor.__qualname__ = f"VGG{depth}"
    constructor.__doc__ = VGG_DOC.format(name=f"VGG{depth}", module=weights_name)
    constructor.__module__ = module_name
    return constructor
