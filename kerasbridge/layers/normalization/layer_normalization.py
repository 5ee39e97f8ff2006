"""`LayerNormalization`: normalize each example over its feature axes."""

from __future__ import annotations

import warnings

import torch
import torch.nn.functional as F

from kerasbridge import constraints, initializers, regularizers
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.normalization.batch_normalization import check_axes, compute_float_dtype


class LayerNormalization(Layer):
    """Normalizes each example independently over `axis`: `gamma * (x - mean) / sqrt(var + epsilon) + beta`.

    Args:
        axis: Integer or list of integers, the axes to normalize over
            (stored as a sorted list once built, as in Keras).
        epsilon: Small float added to the variance.
        center: Whether to add the `beta` offset.
        scale: Whether to multiply by `gamma`.
        beta_initializer, gamma_initializer: Initializers of the weights.
        beta_regularizer, gamma_regularizer: Optional regularizers.
        beta_constraint, gamma_constraint: Optional constraints.
        **kwargs: Base layer arguments; the deprecated `rms_scaling=True`
            scales by the variance only (no `beta`), as Keras does.
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        rms_scaling = kwargs.pop("rms_scaling", False)
        if rms_scaling:
            warnings.warn(
                "You passed `rms_scaling=True`, which is deprecated. This argument incorrectly scales the "
                "input by the variance, not the root mean square. To correctly use RMS Normalization, "
                "please use `keras.layers.RMSNormalization` instead.",
                stacklevel=2,
            )
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(
                f"Expected an int or a list/tuple of ints for the argument 'axis', but received: {axis!r}"
            )
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.autocast = False

    def build(self, input_shape):
        if isinstance(self.axis, (list, tuple)):
            self.axis = sorted(self.axis)
            shape = tuple(input_shape[dim] for dim in self.axis)
        else:
            shape = (input_shape[self.axis],)
            self.axis = [self.axis]
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(name="gamma", shape=shape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         trainable=True, autocast=False)
        else:
            self.gamma = None
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(name="beta", shape=shape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        trainable=True, autocast=False)
        else:
            self.beta = None
        self.built = True

    def call(self, inputs):
        original_dtype = inputs.dtype if inputs.is_floating_point() else self._torch_compute_dtype
        x = inputs.to(compute_float_dtype(inputs.dtype))
        ndim = x.ndim
        axes = sorted(a % ndim for a in self.axis)
        gamma = self.gamma.value.to(x.dtype) if self.gamma is not None else None
        beta = self.beta.value.to(x.dtype) if self.beta is not None else None
        broadcast = [1] * ndim
        for a in axes:
            broadcast[a] = x.shape[a]
        if self.rms_scaling:
            variance = torch.var(x, dim=axes, keepdim=True, correction=0)
            outputs = x * torch.rsqrt(variance + self.epsilon)
            if gamma is not None:
                outputs = outputs * gamma.reshape(broadcast)
        elif axes == list(range(ndim - len(axes), ndim)):
            outputs = F.layer_norm(x, tuple(x.shape[a] for a in axes), gamma, beta, self.epsilon)
        else:
            variance, mean = torch.var_mean(x, dim=axes, keepdim=True, correction=0)
            inv = torch.rsqrt(variance + self.epsilon)
            if gamma is not None:
                inv = inv * gamma.reshape(broadcast)
            res = -mean * inv
            if beta is not None:
                res = res + beta.reshape(broadcast)
            outputs = x * inv + res
        return outputs.to(original_dtype)

    def compute_output_shape(self, input_shape):
        return check_axes(self.axis, input_shape)

    def get_config(self) -> dict:
        config = {
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        }
        return {**super().get_config(), **config}
