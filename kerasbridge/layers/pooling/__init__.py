"""Pooling layers."""

from kerasbridge.layers.pooling.average_pooling1d import AveragePooling1D, AvgPool1D
from kerasbridge.layers.pooling.average_pooling2d import AveragePooling2D, AvgPool2D
from kerasbridge.layers.pooling.average_pooling3d import AveragePooling3D, AvgPool3D
from kerasbridge.layers.pooling.global_average_pooling1d import GlobalAveragePooling1D, GlobalAvgPool1D
from kerasbridge.layers.pooling.global_average_pooling2d import GlobalAveragePooling2D, GlobalAvgPool2D
from kerasbridge.layers.pooling.global_average_pooling3d import GlobalAveragePooling3D, GlobalAvgPool3D
from kerasbridge.layers.pooling.global_max_pooling1d import GlobalMaxPool1D, GlobalMaxPooling1D
from kerasbridge.layers.pooling.global_max_pooling2d import GlobalMaxPool2D, GlobalMaxPooling2D
from kerasbridge.layers.pooling.global_max_pooling3d import GlobalMaxPool3D, GlobalMaxPooling3D
from kerasbridge.layers.pooling.max_pooling1d import MaxPool1D, MaxPooling1D
from kerasbridge.layers.pooling.max_pooling2d import MaxPool2D, MaxPooling2D
from kerasbridge.layers.pooling.max_pooling3d import MaxPool3D, MaxPooling3D

__all__ = [
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "AvgPool1D",
    "AvgPool2D",
    "AvgPool3D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAveragePooling3D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalAvgPool3D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalMaxPool3D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalMaxPooling3D",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPool3D",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
]

# Adaptive pooling.
from kerasbridge.layers.pooling.adaptive_average_pooling1d import AdaptiveAveragePooling1D  # noqa: E402
from kerasbridge.layers.pooling.adaptive_average_pooling2d import AdaptiveAveragePooling2D  # noqa: E402
from kerasbridge.layers.pooling.adaptive_average_pooling3d import AdaptiveAveragePooling3D  # noqa: E402
from kerasbridge.layers.pooling.adaptive_max_pooling1d import AdaptiveMaxPooling1D  # noqa: E402
from kerasbridge.layers.pooling.adaptive_max_pooling2d import AdaptiveMaxPooling2D  # noqa: E402
from kerasbridge.layers.pooling.adaptive_max_pooling3d import AdaptiveMaxPooling3D  # noqa: E402

__all__ += [
    "AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D", "AdaptiveMaxPooling1D",
    "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D",
]
