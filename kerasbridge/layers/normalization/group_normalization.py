"""`GroupNormalization`: normalize each example over groups of channels."""

from __future__ import annotations

import torch

from kerasbridge import constraints, initializers, regularizers
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.normalization.batch_normalization import check_axes, compute_float_dtype


class GroupNormalization(Layer):
    """Splits the channels (`axis`) into `groups` and normalizes each group per example.

    `groups=-1` gives instance normalization (one group per channel);
    `groups=1` is layer normalization over all non-batch axes.

    Args:
        groups: Number of groups; must divide the number of channels (`-1`: one per channel).
        axis: Integer, the channels axis.
        epsilon: Small float added to the variance.
        center: Whether to add the `beta` offset.
        scale: Whether to multiply by `gamma`.
        beta_initializer, gamma_initializer: Initializers of the weights.
        beta_regularizer, gamma_regularizer: Optional regularizers.
        beta_constraint, gamma_constraint: Optional constraints.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        if not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError(
                "Received an invalid value for argument `groups`, expected a positive integer (or `-1` for "
                f"instance normalization). Received: groups={groups}"
            )
        super().__init__(**kwargs)
        self.supports_masking = True
        self.autocast = False
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def build(self, input_shape):
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(
                f"Axis {self.axis} of input tensor should have a defined dimension but the layer received an "
                f"input with shape {input_shape}."
            )
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups:
            raise ValueError(f"Number of groups ({self.groups}) cannot be more than the number of channels ({dim}).")
        if dim % self.groups != 0:
            raise ValueError(f"Number of groups ({self.groups}) must be a multiple of the number of channels ({dim}).")
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: dim})
        if self.scale:
            self.gamma = self.add_weight(shape=(dim,), name="gamma", initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         autocast=False)
        else:
            self.gamma = None
        if self.center:
            self.beta = self.add_weight(shape=(dim,), name="beta", initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        autocast=False)
        else:
            self.beta = None
        self.built = True

    def call(self, inputs):
        original_dtype = inputs.dtype if inputs.is_floating_point() else self._torch_compute_dtype
        x = inputs.to(compute_float_dtype(inputs.dtype))
        ndim = x.ndim
        axis = self.axis % ndim
        channels = x.shape[axis]
        group_shape = [*x.shape[:axis], self.groups, channels // self.groups, *x.shape[axis + 1:]]
        grouped = x.reshape(group_shape)
        reduce_axes = [i for i in range(1, ndim + 1) if i != axis]
        mean = grouped.mean(dim=reduce_axes, keepdim=True)
        variance = (grouped - mean).square().mean(dim=reduce_axes, keepdim=True)
        broadcast = [1] * (ndim + 1)
        broadcast[axis] = self.groups
        broadcast[axis + 1] = channels // self.groups
        inv = torch.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            inv = inv * self.gamma.value.to(x.dtype).reshape(broadcast)
        res = -mean * inv
        if self.beta is not None:
            res = res + self.beta.value.to(x.dtype).reshape(broadcast)
        outputs = grouped * inv + res
        return outputs.reshape(x.shape).to(original_dtype)

    def compute_output_shape(self, input_shape):
        return check_axes(self.axis, input_shape)

    def get_config(self) -> dict:
        config = {
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        }
        return {**super().get_config(), **config}
