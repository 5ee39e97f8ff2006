"""keras.applications: the Keras model-zoo architectures, built from kerasbridge layers.

Each family lives in its own module (``resnet``, ``vgg16`` ...) exposing the model constructors,
``preprocess_input`` and ``decode_predictions``; the constructors are re-exported here.
"""

# Part A: imagenet_utils, ResNet (V1, V2), VGG, MobileNet (V1, V2, V3)
from kerasbridge.applications import (
    imagenet_utils,
    mobilenet,
    mobilenet_v2,
    mobilenet_v3,
    resnet,
    resnet50,
    resnet_v2,
    vgg16,
    vgg19,
)
from kerasbridge.applications.mobilenet import MobileNet
from kerasbridge.applications.mobilenet_v2 import MobileNetV2
from kerasbridge.applications.mobilenet_v3 import MobileNetV3Large, MobileNetV3Small
from kerasbridge.applications.resnet import ResNet50, ResNet101, ResNet152
from kerasbridge.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from kerasbridge.applications.vgg16 import VGG16
from kerasbridge.applications.vgg19 import VGG19

__all__ = [
    "MobileNet",
    "MobileNetV2",
    "MobileNetV3Large",
    "MobileNetV3Small",
    "ResNet101",
    "ResNet101V2",
    "ResNet152",
    "ResNet152V2",
    "ResNet50",
    "ResNet50V2",
    "VGG16",
    "VGG19",
    "imagenet_utils",
    "mobilenet",
    "mobilenet_v2",
    "mobilenet_v3",
    "resnet",
    "resnet50",
    "resnet_v2",
    "vgg16",
    "vgg19",
]

# Applications part B: EfficientNet (V1, V2), DenseNet, ConvNeXt, Xception, Inception V3,
# Inception-ResNet V2, NASNet
from kerasbridge.applications import (  # noqa: E402
    convnext,
    densenet,
    efficientnet,
    efficientnet_v2,
    inception_resnet_v2,
    inception_v3,
    nasnet,
    xception,
)
from kerasbridge.applications.convnext import (  # noqa: E402
    ConvNeXtBase,
    ConvNeXtLarge,
    ConvNeXtSmall,
    ConvNeXtTiny,
    ConvNeXtXLarge,
)
from kerasbridge.applications.densenet import DenseNet121, DenseNet169, DenseNet201  # noqa: E402
from kerasbridge.applications.efficientnet import (  # noqa: E402
    EfficientNetB0,
    EfficientNetB1,
    EfficientNetB2,
    EfficientNetB3,
    EfficientNetB4,
    EfficientNetB5,
    EfficientNetB6,
    EfficientNetB7,
)
from kerasbridge.applications.efficientnet_v2 import (  # noqa: E402
    EfficientNetV2B0,
    EfficientNetV2B1,
    EfficientNetV2B2,
    EfficientNetV2B3,
    EfficientNetV2L,
    EfficientNetV2M,
    EfficientNetV2S,
)
from kerasbridge.applications.inception_resnet_v2 import InceptionResNetV2  # noqa: E402
from kerasbridge.applications.inception_v3 import InceptionV3  # noqa: E402
from kerasbridge.applications.nasnet import NASNetLarge, NASNetMobile  # noqa: E402
from kerasbridge.applications.xception import Xception  # noqa: E402

__all__ += [
    "ConvNeXtBase",
    "ConvNeXtLarge",
    "ConvNeXtSmall",
    "ConvNeXtTiny",
    "ConvNeXtXLarge",
    "DenseNet121",
    "DenseNet169",
    "DenseNet201",
    "EfficientNetB0",
    "EfficientNetB1",
    "EfficientNetB2",
    "EfficientNetB3",
    "EfficientNetB4",
    "EfficientNetB5",
    "EfficientNetB6",
    "EfficientNetB7",
    "EfficientNetV2B0",
    "EfficientNetV2B1",
    "EfficientNetV2B2",
    "EfficientNetV2B3",
    "EfficientNetV2L",
    "EfficientNetV2M",
    "EfficientNetV2S",
    "InceptionResNetV2",
    "InceptionV3",
    "NASNetLarge",
    "NASNetMobile",
    "Xception",
    "convnext",
    "densenet",
    "efficientnet",
    "efficientnet_v2",
    "inception_resnet_v2",
    "inception_v3",
    "nasnet",
    "xception",
]
