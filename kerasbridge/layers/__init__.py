"""kerasbridge.layers: Keras 3's layers, each a `torch.nn.Module`."""

from kerasbridge.layers.activations.activation import Activation
from kerasbridge.layers.core.dense import Dense
from kerasbridge.layers.core.embedding import Embedding
from kerasbridge.layers.core.identity import Identity
from kerasbridge.layers.core.input_layer import Input, InputLayer
from kerasbridge.layers.core.lambda_layer import Lambda
from kerasbridge.layers.core.masking import Masking
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.merging.add import Add, add
from kerasbridge.layers.merging.average import Average, average
from kerasbridge.layers.merging.concatenate import Concatenate, concatenate
from kerasbridge.layers.merging.dot import Dot, dot
from kerasbridge.layers.merging.maximum import Maximum, maximum
from kerasbridge.layers.merging.minimum import Minimum, minimum
from kerasbridge.layers.merging.multiply import Multiply, multiply
from kerasbridge.layers.merging.subtract import Subtract, subtract
from kerasbridge.layers.regularization.dropout import Dropout
from kerasbridge.layers.reshaping.flatten import Flatten
from kerasbridge.layers.reshaping.reshape import Reshape

__all__ = [
    "Activation",
    "Add",
    "Average",
    "Concatenate",
    "Dense",
    "Dot",
    "Dropout",
    "Embedding",
    "Flatten",
    "Identity",
    "Input",
    "InputLayer",
    "InputSpec",
    "Lambda",
    "Layer",
    "Masking",
    "Maximum",
    "Minimum",
    "Multiply",
    "Reshape",
    "Subtract",
    "add",
    "average",
    "concatenate",
    "dot",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
]
from kerasbridge.layers.convolutional import Conv1D as Conv1D  # noqa: E402
from kerasbridge.layers.convolutional import Conv2D as Conv2D  # noqa: E402
from kerasbridge.layers.convolutional import Conv3D as Conv3D  # noqa: E402
from kerasbridge.layers.convolutional import Convolution1D as Convolution1D  # noqa: E402
from kerasbridge.layers.convolutional import Convolution2D as Convolution2D  # noqa: E402
from kerasbridge.layers.convolutional import Convolution3D as Convolution3D  # noqa: E402
from kerasbridge.layers.normalization.batch_normalization import BatchNormalization as BatchNormalization  # noqa: E402
from kerasbridge.layers.normalization.group_normalization import GroupNormalization as GroupNormalization  # noqa: E402
from kerasbridge.layers.normalization.layer_normalization import LayerNormalization as LayerNormalization  # noqa: E402
from kerasbridge.layers.normalization.rms_normalization import RMSNormalization as RMSNormalization  # noqa: E402
from kerasbridge.layers.normalization.unit_normalization import UnitNormalization as UnitNormalization  # noqa: E402
from kerasbridge.layers.pooling import AveragePooling1D as AveragePooling1D  # noqa: E402
from kerasbridge.layers.pooling import AveragePooling2D as AveragePooling2D  # noqa: E402
from kerasbridge.layers.pooling import AveragePooling3D as AveragePooling3D  # noqa: E402
from kerasbridge.layers.pooling import AvgPool1D as AvgPool1D  # noqa: E402
from kerasbridge.layers.pooling import AvgPool2D as AvgPool2D  # noqa: E402
from kerasbridge.layers.pooling import AvgPool3D as AvgPool3D  # noqa: E402
from kerasbridge.layers.pooling import GlobalAveragePooling1D as GlobalAveragePooling1D  # noqa: E402
from kerasbridge.layers.pooling import GlobalAveragePooling2D as GlobalAveragePooling2D  # noqa: E402
from kerasbridge.layers.pooling import GlobalAveragePooling3D as GlobalAveragePooling3D  # noqa: E402
from kerasbridge.layers.pooling import GlobalAvgPool1D as GlobalAvgPool1D  # noqa: E402
from kerasbridge.layers.pooling import GlobalAvgPool2D as GlobalAvgPool2D  # noqa: E402
from kerasbridge.layers.pooling import GlobalAvgPool3D as GlobalAvgPool3D  # noqa: E402
from kerasbridge.layers.pooling import GlobalMaxPool1D as GlobalMaxPool1D  # noqa: E402
from kerasbridge.layers.pooling import GlobalMaxPool2D as GlobalMaxPool2D  # noqa: E402
from kerasbridge.layers.pooling import GlobalMaxPool3D as GlobalMaxPool3D  # noqa: E402
from kerasbridge.layers.pooling import GlobalMaxPooling1D as GlobalMaxPooling1D  # noqa: E402
from kerasbridge.layers.pooling import GlobalMaxPooling2D as GlobalMaxPooling2D  # noqa: E402
from kerasbridge.layers.pooling import GlobalMaxPooling3D as GlobalMaxPooling3D  # noqa: E402
from kerasbridge.layers.pooling import MaxPool1D as MaxPool1D  # noqa: E402
from kerasbridge.layers.pooling import MaxPool2D as MaxPool2D  # noqa: E402
from kerasbridge.layers.pooling import MaxPool3D as MaxPool3D  # noqa: E402
from kerasbridge.layers.pooling import MaxPooling1D as MaxPooling1D  # noqa: E402
from kerasbridge.layers.pooling import MaxPooling2D as MaxPooling2D  # noqa: E402
from kerasbridge.layers.pooling import MaxPooling3D as MaxPooling3D  # noqa: E402
