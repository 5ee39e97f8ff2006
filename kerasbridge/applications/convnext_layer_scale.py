"""`LayerScale`: the learned per-channel scaling that closes every ConvNeXt block."""

from kerasbridge import initializers
from kerasbridge.backend import naming
from kerasbridge.layers.layer import Layer


class LayerScale(Layer):
    """Multiplies its inputs by a learned vector of `projection_dim` scales (Touvron et al., 2021).

    Args:
        init_values: Initial value of every scale, usually small (ConvNeXt uses 1e-6).
        projection_dim: Number of channels (size of the last axis) of the inputs.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        Arbitrary, with `projection_dim` channels on the last axis.

    Output shape:
        Same as the input.
    """

    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, input_shape):
        # Keras leaves this weight unnamed, so it gets the session-wide automatic name
        # ("variable", "variable_1", ...); naming it the same way keeps weight paths identical.
        self.gamma = self.add_weight(
            name=naming.auto_name("Variable"),
            shape=(self.projection_dim,),
            initializer=initializers.Constant(self.init_values),
            trainable=True,
        )

    def call(self, inputs):
        return inputs * self.gamma

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "init_values": self.init_values, "projection_dim": self.projection_dim}
