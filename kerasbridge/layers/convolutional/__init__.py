"""Convolution layers."""

from kerasbridge.layers.convolutional.base_conv import BaseConv
from kerasbridge.layers.convolutional.conv1d import Conv1D, Convolution1D
from kerasbridge.layers.convolutional.conv2d import Conv2D, Convolution2D
from kerasbridge.layers.convolutional.conv3d import Conv3D, Convolution3D

__all__ = ["BaseConv", "Conv1D", "Conv2D", "Conv3D", "Convolution1D", "Convolution2D", "Convolution3D"]

# Transposed, depthwise and separable convolutions.
from kerasbridge.layers.convolutional.conv1d_transpose import Conv1DTranspose, Convolution1DTranspose  # noqa: E402
from kerasbridge.layers.convolutional.conv2d_transpose import Conv2DTranspose, Convolution2DTranspose  # noqa: E402
from kerasbridge.layers.convolutional.conv3d_transpose import Conv3DTranspose, Convolution3DTranspose  # noqa: E402
from kerasbridge.layers.convolutional.depthwise_conv1d import DepthwiseConv1D  # noqa: E402
from kerasbridge.layers.convolutional.depthwise_conv2d import DepthwiseConv2D  # noqa: E402
from kerasbridge.layers.convolutional.separable_conv1d import SeparableConv1D, SeparableConvolution1D  # noqa: E402
from kerasbridge.layers.convolutional.separable_conv2d import SeparableConv2D, SeparableConvolution2D  # noqa: E402

__all__ += [
    "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "Convolution1DTranspose", "Convolution2DTranspose",
    "Convolution3DTranspose", "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D",
    "SeparableConvolution1D", "SeparableConvolution2D",
]
