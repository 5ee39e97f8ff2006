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
from kerasbridge.layers.activations.elu import ELU as ELU  # noqa: E402
from kerasbridge.layers.activations.leaky_relu import LeakyReLU as LeakyReLU  # noqa: E402
from kerasbridge.layers.activations.prelu import PReLU as PReLU  # noqa: E402
from kerasbridge.layers.activations.relu import ReLU as ReLU  # noqa: E402
from kerasbridge.layers.activations.softmax import Softmax as Softmax  # noqa: E402
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
from kerasbridge.layers.regularization.activity_regularization import (
    ActivityRegularization as ActivityRegularization,  # noqa: E402
)
from kerasbridge.layers.regularization.alpha_dropout import AlphaDropout as AlphaDropout  # noqa: E402
from kerasbridge.layers.regularization.gaussian_dropout import GaussianDropout as GaussianDropout  # noqa: E402
from kerasbridge.layers.regularization.gaussian_noise import GaussianNoise as GaussianNoise  # noqa: E402
from kerasbridge.layers.regularization.spatial_dropout import SpatialDropout1D as SpatialDropout1D  # noqa: E402
from kerasbridge.layers.regularization.spatial_dropout import SpatialDropout2D as SpatialDropout2D  # noqa: E402
from kerasbridge.layers.regularization.spatial_dropout import SpatialDropout3D as SpatialDropout3D  # noqa: E402
from kerasbridge.layers.reshaping.cropping1d import Cropping1D as Cropping1D  # noqa: E402
from kerasbridge.layers.reshaping.cropping2d import Cropping2D as Cropping2D  # noqa: E402
from kerasbridge.layers.reshaping.cropping3d import Cropping3D as Cropping3D  # noqa: E402
from kerasbridge.layers.reshaping.permute import Permute as Permute  # noqa: E402
from kerasbridge.layers.reshaping.repeat_vector import RepeatVector as RepeatVector  # noqa: E402
from kerasbridge.layers.reshaping.up_sampling1d import UpSampling1D as UpSampling1D  # noqa: E402
from kerasbridge.layers.reshaping.up_sampling2d import UpSampling2D as UpSampling2D  # noqa: E402
from kerasbridge.layers.reshaping.up_sampling3d import UpSampling3D as UpSampling3D  # noqa: E402
from kerasbridge.layers.reshaping.zero_padding1d import ZeroPadding1D as ZeroPadding1D  # noqa: E402
from kerasbridge.layers.reshaping.zero_padding2d import ZeroPadding2D as ZeroPadding2D  # noqa: E402
from kerasbridge.layers.reshaping.zero_padding3d import ZeroPadding3D as ZeroPadding3D  # noqa: E402
