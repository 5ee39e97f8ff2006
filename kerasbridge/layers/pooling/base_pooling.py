"""`BasePooling`: the shared windowed max/average pooling layer."""

from __future__ import annotations

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.layers.convolutional.base_conv import standardize_tuple
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.ops.nn_conv import average_pool, max_pool


class BasePooling(Layer):
    """Pooling over `pool_dimensions` spatial axes with `pool_mode` `"max"` or `"average"`.

    `strides` defaults to `pool_size`; `padding` is `"valid"` or `"same"` (average pooling with
    `"same"` excludes the padded cells from each average, as Keras does).
    """

    def __init__(self, pool_size, strides, pool_dimensions, pool_mode="max", padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = standardize_tuple(pool_size, pool_dimensions, "pool_size")
        strides = pool_size if strides is None else strides
        self.strides = standardize_tuple(strides, pool_dimensions, "strides", allow_zero=True)
        self.pool_mode = pool_mode
        self.padding = padding
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self.built = True

    def call(self, inputs):
        if self.pool_mode == "max":
            op = max_pool
        elif self.pool_mode == "average":
            op = average_pool
        else:
            raise ValueError(f"`pool_mode` must be either 'max' or 'average'. Received: {self.pool_mode}.")
        return op(inputs, pool_size=self.pool_size, strides=self.strides, padding=self.padding,
                  data_format=self.data_format)

    def get_config(self) -> dict:
        config = {
            "pool_size": self.pool_size,
            "padding": self.padding,
            "strides": self.strides,
            "data_format": self.data_format,
        }
        return {**super().get_config(), **config}
