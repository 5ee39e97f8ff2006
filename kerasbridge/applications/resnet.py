"""ResNet50, ResNet101 and ResNet152 (He et al., "Deep Residual Learning for Image Recognition", 2015).

Mirrors `keras.applications.resnet`: same layer names, weight order and ImageNet weight files.
"""

from __future__ import annotations

from kerasbridge.applications import _zoo, imagenet_utils
from kerasbridge.applications._resnet_blocks import BN_EPSILON, stack_residual_blocks_v1

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
# (with top, without top) md5 digests of Keras's published weight files.
WEIGHTS_HASHES = {
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
    "resnet50v2": ("3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    "resnet101v2": ("6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
    "resnet152v2": ("a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
}


def pretrained_weights_file(weights_name, include_top):
    """`(file name, url, md5)` of Keras's ImageNet weights for `weights_name`, or `None` if unpublished."""
    if weights_name not in WEIGHTS_HASHES:
        return None
    suffix = "" if include_top else "_notop"
    file_name = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    return file_name, BASE_WEIGHTS_PATH + file_name, WEIGHTS_HASHES[weights_name][0 if include_top else 1]


def ResNet(stack_fn, preact, use_bias, include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
           pooling=None, classes=1000, classifier_activation="softmax", name="resnet", weights_name=None):
    """Builds a ResNet (v1 when `preact=False`, v2 when `preact=True`) around `stack_fn`.

    Args:
        stack_fn: Function mapping the stem's output to the output of the residual stacks.
        preact: Whether blocks use pre-activation (ResNetV2): then the stem has no batch norm and
            a final `post_bn`/`post_relu` follows the stacks.
        use_bias: Whether the stem convolution has a bias.
        include_top: Whether to include the `avg_pool` + `predictions` classifier.
        weights: `None`, `"imagenet"` or the path of a weights file.
        input_tensor: Optional Keras tensor to use as image input.
        input_shape: Optional input shape (default `(224, 224, 3)`, at least 32x32).
        pooling: `None`, `"avg"` or `"max"` when `include_top` is `False`.
        classes: Number of classes of the classifier.
        classifier_activation: Activation of the `predictions` layer.
        name: Name of the model.
        weights_name: Key of the published ImageNet weights (e.g. `"resnet50"`).

    Returns:
        A `Model` instance.
    """
    from kerasbridge import layers

    _zoo.check_weights_and_classes(weights, include_top, classes)
    input_shape = _zoo.resolve_input_shape(input_shape, 224, 32, include_top, weights)
    img_input = _zoo.image_input(input_tensor, input_shape)
    bn_axis = _zoo.channel_axis()

    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = layers.BatchNormalization(axis=bn_axis, epsilon=BN_EPSILON, name="conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)

    x = stack_fn(x)

    if preact:
        x = layers.BatchNormalization(axis=bn_axis, epsilon=BN_EPSILON, name="post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)
    x = _zoo.classifier_head(x, include_top=include_top, pooling=pooling, classes=classes,
                             classifier_activation=classifier_activation, weights=weights, named_pooling=True)
    return _zoo.assemble_model(input_tensor, img_input, x, name, weights,
                               pretrained_weights_file(weights_name, include_top))


def _resnet_v1(blocks_per_stack, weights_name, include_top, weights, input_tensor, input_shape, pooling, classes,
               classifier_activation, name):
    def stack_fn(x):
        for index, (filters, blocks) in enumerate(zip((64, 128, 256, 512), blocks_per_stack)):
            x = stack_residual_blocks_v1(x, filters, blocks, stride1=1 if index == 0 else 2, name=f"conv{index + 2}")
        return x

    return ResNet(stack_fn, preact=False, use_bias=True, weights_name=weights_name, name=name,
                  include_top=include_top, weights=weights, input_tensor=input_tensor, input_shape=input_shape,
                  pooling=pooling, classes=classes, classifier_activation=classifier_activation)


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
             classifier_activation="softmax", name="resnet50"):
    return _resnet_v1((3, 4, 6, 3), "resnet50", include_top, weights, input_tensor, input_shape, pooling, classes,
                      classifier_activation, name)


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
              classifier_activation="softmax", name="resnet101"):
    return _resnet_v1((3, 4, 23, 3), "resnet101", include_top, weights, input_tensor, input_shape, pooling, classes,
                      classifier_activation, name)


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
              classifier_activation="softmax", name="resnet152"):
    return _resnet_v1((3, 8, 36, 3), "resnet152", include_top, weights, input_tensor, input_shape, pooling, classes,
                      classifier_activation, name)


_DOC = """Instantiates the {depth}-layer ResNet (v1) architecture.

    Reference: [Deep Residual Learning for Image Recognition](https://arxiv.org/abs/1512.03385).
    Expects inputs prepared by `keras.applications.resnet.preprocess_input` (RGB to BGR, ImageNet
    mean subtracted, no scaling). Input images must be at least 32x32.
""" + _zoo.COMMON_ARGS_DOC

ResNet50.__doc__ = _DOC.format(depth=50)
ResNet101.__doc__ = _DOC.format(depth=101)
ResNet152.__doc__ = _DOC.format(depth=152)


preprocess_input, decode_predictions = imagenet_utils.preprocessing_functions("caffe", __name__, "ResNet")
