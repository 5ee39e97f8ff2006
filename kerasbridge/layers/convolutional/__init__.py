"""Convolution layers."""

from kerasbridge.layers.convolutional.base_conv import BaseConv
from kerasbridge.layers.convolutional.conv1d import Conv1D, Convolution1D
from kerasbridge.layers.convolutional.conv2d import Conv2D, Convolution2D
from kerasbridge.layers.convolutional.conv3d import Conv3D, Convolution3D

__all__ = ["BaseConv", "Conv1D", "Conv2D", "Conv3D", "Convolution1D", "Convolution2D", "Convolution3D"]
