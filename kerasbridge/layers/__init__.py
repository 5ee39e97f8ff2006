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

# Convolution extras (transposed/depthwise/separable), adaptive pooling, SpectralNormalization.
# (`__all__` first, so that ruff sorts this import block on its own.)
__all__ += [
    "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "Convolution1DTranspose", "Convolution2DTranspose",
    "Convolution3DTranspose", "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D",
    "SeparableConvolution1D", "SeparableConvolution2D", "AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D",
    "AdaptiveAveragePooling3D", "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D",
    "SpectralNormalization",
]
from kerasbridge.layers.convolutional import Conv1DTranspose as Conv1DTranspose  # noqa: E402
from kerasbridge.layers.convolutional import Conv2DTranspose as Conv2DTranspose  # noqa: E402
from kerasbridge.layers.convolutional import Conv3DTranspose as Conv3DTranspose  # noqa: E402
from kerasbridge.layers.convolutional import Convolution1DTranspose as Convolution1DTranspose  # noqa: E402
from kerasbridge.layers.convolutional import Convolution2DTranspose as Convolution2DTranspose  # noqa: E402
from kerasbridge.layers.convolutional import Convolution3DTranspose as Convolution3DTranspose  # noqa: E402
from kerasbridge.layers.convolutional import DepthwiseConv1D as DepthwiseConv1D  # noqa: E402
from kerasbridge.layers.convolutional import DepthwiseConv2D as DepthwiseConv2D  # noqa: E402
from kerasbridge.layers.convolutional import SeparableConv1D as SeparableConv1D  # noqa: E402
from kerasbridge.layers.convolutional import SeparableConv2D as SeparableConv2D  # noqa: E402
from kerasbridge.layers.convolutional import SeparableConvolution1D as SeparableConvolution1D  # noqa: E402
from kerasbridge.layers.convolutional import SeparableConvolution2D as SeparableConvolution2D  # noqa: E402
from kerasbridge.layers.normalization.spectral_normalization import (  # noqa: E402
    SpectralNormalization as SpectralNormalization,
)
from kerasbridge.layers.pooling import AdaptiveAveragePooling1D as AdaptiveAveragePooling1D  # noqa: E402
from kerasbridge.layers.pooling import AdaptiveAveragePooling2D as AdaptiveAveragePooling2D  # noqa: E402
from kerasbridge.layers.pooling import AdaptiveAveragePooling3D as AdaptiveAveragePooling3D  # noqa: E402
from kerasbridge.layers.pooling import AdaptiveMaxPooling1D as AdaptiveMaxPooling1D  # noqa: E402
from kerasbridge.layers.pooling import AdaptiveMaxPooling2D as AdaptiveMaxPooling2D  # noqa: E402
from kerasbridge.layers.pooling import AdaptiveMaxPooling3D as AdaptiveMaxPooling3D  # noqa: E402

# isort: split
# Attention family and EinsumDense
from kerasbridge.layers.attention.additive_attention import AdditiveAttention as AdditiveAttention  # noqa: E402
from kerasbridge.layers.attention.attention import Attention as Attention  # noqa: E402
from kerasbridge.layers.attention.grouped_query_attention import GroupQueryAttention as GroupQueryAttention  # noqa: E402
from kerasbridge.layers.attention.multi_head_attention import MultiHeadAttention as MultiHeadAttention  # noqa: E402
from kerasbridge.layers.core.einsum_dense import EinsumDense as EinsumDense  # noqa: E402

# Recurrent family (issue 6): RNN, SimpleRNN, LSTM, GRU, cells, ConvLSTM, Bidirectional, TimeDistributed
from kerasbridge.layers.rnn import GRU as GRU  # noqa: E402
from kerasbridge.layers.rnn import LSTM as LSTM  # noqa: E402
from kerasbridge.layers.rnn import RNN as RNN  # noqa: E402
from kerasbridge.layers.rnn import Bidirectional as Bidirectional  # noqa: E402
from kerasbridge.layers.rnn import ConvLSTM1D as ConvLSTM1D  # noqa: E402
from kerasbridge.layers.rnn import ConvLSTM2D as ConvLSTM2D  # noqa: E402
from kerasbridge.layers.rnn import ConvLSTM3D as ConvLSTM3D  # noqa: E402
from kerasbridge.layers.rnn import GRUCell as GRUCell  # noqa: E402
from kerasbridge.layers.rnn import LSTMCell as LSTMCell  # noqa: E402
from kerasbridge.layers.rnn import SimpleRNN as SimpleRNN  # noqa: E402
from kerasbridge.layers.rnn import SimpleRNNCell as SimpleRNNCell  # noqa: E402
from kerasbridge.layers.rnn import StackedRNNCells as StackedRNNCells  # noqa: E402
from kerasbridge.layers.rnn import TimeDistributed as TimeDistributed  # noqa: E402

# isort: split
# Preprocessing layers (numeric, categorical, string lookup/vectorization, image augmentation).
from kerasbridge.layers.preprocessing import CategoryEncoding as CategoryEncoding  # noqa: E402
from kerasbridge.layers.preprocessing import CenterCrop as CenterCrop  # noqa: E402
from kerasbridge.layers.preprocessing import Discretization as Discretization  # noqa: E402
from kerasbridge.layers.preprocessing import Hashing as Hashing  # noqa: E402
from kerasbridge.layers.preprocessing import IntegerLookup as IntegerLookup  # noqa: E402
from kerasbridge.layers.preprocessing import Normalization as Normalization  # noqa: E402
from kerasbridge.layers.preprocessing import RandomBrightness as RandomBrightness  # noqa: E402
from kerasbridge.layers.preprocessing import RandomContrast as RandomContrast  # noqa: E402
from kerasbridge.layers.preprocessing import RandomCrop as RandomCrop  # noqa: E402
from kerasbridge.layers.preprocessing import RandomFlip as RandomFlip  # noqa: E402
from kerasbridge.layers.preprocessing import RandomRotation as RandomRotation  # noqa: E402
from kerasbridge.layers.preprocessing import RandomTranslation as RandomTranslation  # noqa: E402
from kerasbridge.layers.preprocessing import RandomZoom as RandomZoom  # noqa: E402
from kerasbridge.layers.preprocessing import Rescaling as Rescaling  # noqa: E402
from kerasbridge.layers.preprocessing import Resizing as Resizing  # noqa: E402
from kerasbridge.layers.preprocessing import StringLookup as StringLookup  # noqa: E402
from kerasbridge.layers.preprocessing import TextVectorization as TextVectorization  # noqa: E402

__all__ += [
    "CategoryEncoding", "CenterCrop", "Discretization", "Hashing", "IntegerLookup", "Normalization", "RandomBrightness",
    "RandomContrast", "RandomCrop", "RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom", "Rescaling",
    "Resizing", "StringLookup", "TextVectorization",
]

# isort: split
# Layer gaps (issue 6): Wrapper, serialize/deserialize, TorchModuleWrapper, ReversibleEmbedding, Pipeline.
from kerasbridge.layers.core.reversible_embedding import ReversibleEmbedding as ReversibleEmbedding  # noqa: E402
from kerasbridge.layers.core.torch_module_wrapper import TorchModuleWrapper as TorchModuleWrapper  # noqa: E402
from kerasbridge.layers.core.wrapper import Wrapper as Wrapper  # noqa: E402
from kerasbridge.layers.preprocessing.pipeline import Pipeline as Pipeline  # noqa: E402
from kerasbridge.layers.serialization import deserialize as deserialize  # noqa: E402
from kerasbridge.layers.serialization import serialize as serialize  # noqa: E402

__all__ += ["Pipeline", "ReversibleEmbedding", "TorchModuleWrapper", "Wrapper", "deserialize", "serialize"]

# isort: split
# Audio layers, HashedCrossing, dataset_from_directory, KerasFileEditor
from kerasbridge.layers.preprocessing.hashed_crossing import HashedCrossing as HashedCrossing  # noqa: E402
from kerasbridge.layers.preprocessing.mel_spectrogram import MelSpectrogram as MelSpectrogram  # noqa: E402
from kerasbridge.layers.preprocessing.stft_spectrogram import STFTSpectrogram as STFTSpectrogram  # noqa: E402

__all__ += ["HashedCrossing", "MelSpectrogram", "STFTSpectrogram"]

# isort: split
# Geometric and mixing augmentation layers
from kerasbridge.layers.preprocessing import AugMix as AugMix  # noqa: E402
from kerasbridge.layers.preprocessing import CutMix as CutMix  # noqa: E402
from kerasbridge.layers.preprocessing import MixUp as MixUp  # noqa: E402
from kerasbridge.layers.preprocessing import RandAugment as RandAugment  # noqa: E402
from kerasbridge.layers.preprocessing import RandomElasticTransform as RandomElasticTransform  # noqa: E402
from kerasbridge.layers.preprocessing import RandomErasing as RandomErasing  # noqa: E402
from kerasbridge.layers.preprocessing import RandomGaussianBlur as RandomGaussianBlur  # noqa: E402
from kerasbridge.layers.preprocessing import RandomPerspective as RandomPerspective  # noqa: E402
from kerasbridge.layers.preprocessing import RandomShear as RandomShear  # noqa: E402

__all__ += [
    "AugMix", "CutMix", "MixUp", "RandAugment", "RandomElasticTransform", "RandomErasing", "RandomGaussianBlur",
    "RandomPerspective", "RandomShear",
]

# isort: split
# Color augmentation layers
from kerasbridge.layers.preprocessing import AutoContrast as AutoContrast  # noqa: E402
from kerasbridge.layers.preprocessing import (  # noqa: E402
    ContrastLimitedAdaptiveHistogramEqualization as ContrastLimitedAdaptiveHistogramEqualization,
)
from kerasbridge.layers.preprocessing import Equalization as Equalization  # noqa: E402
from kerasbridge.layers.preprocessing import RandomColorDegeneration as RandomColorDegeneration  # noqa: E402
from kerasbridge.layers.preprocessing import RandomColorJitter as RandomColorJitter  # noqa: E402
from kerasbridge.layers.preprocessing import RandomGrayscale as RandomGrayscale  # noqa: E402
from kerasbridge.layers.preprocessing import RandomHue as RandomHue  # noqa: E402
from kerasbridge.layers.preprocessing import RandomInvert as RandomInvert  # noqa: E402
from kerasbridge.layers.preprocessing import RandomPosterization as RandomPosterization  # noqa: E402
from kerasbridge.layers.preprocessing import RandomSaturation as RandomSaturation  # noqa: E402
from kerasbridge.layers.preprocessing import RandomSharpness as RandomSharpness  # noqa: E402
from kerasbridge.layers.preprocessing import Solarization as Solarization  # noqa: E402

__all__ += [
    "AutoContrast", "ContrastLimitedAdaptiveHistogramEqualization", "Equalization", "RandomColorDegeneration",
    "RandomColorJitter", "RandomGrayscale", "RandomHue", "RandomInvert", "RandomPosterization", "RandomSaturation",
    "RandomSharpness", "Solarization",
]
