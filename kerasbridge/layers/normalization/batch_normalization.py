"""`BatchNormalization`: normalize with batch statistics, tracking moving averages for inference."""

from __future__ import annotations

import torch

from kerasbridge import constraints, initializers, regularizers
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.ops.cross_replica import (
    in_multi_process_job,
    synchronized_mean_and_variance,
    synchronized_moments,
)

_MASK_EPSILON = 1e-7  # keras.backend.epsilon(), added to the masked element count as Keras does


def check_axes(axis, input_shape):
    """Raise like Keras when an axis is out of bounds for `input_shape`; return the shape."""
    axes = [axis] if isinstance(axis, int) else axis
    for a in axes:
        if a >= len(input_shape) or a < -len(input_shape):
            raise ValueError(
                f"Axis {a} is out of bounds for input shape {input_shape}. Received: axis={axis}"
            )
    return input_shape


def compute_float_dtype(dtype):
    """At least float32 (Keras computes statistics in `result_type(dtype, "float32")`)."""
    if dtype.is_floating_point:
        return torch.promote_types(dtype, torch.float32)
    return torch.float32


def _clone_initializer(initializer):
    if isinstance(initializer, initializers.Initializer):
        return initializer.__class__.from_config(initializer.get_config())
    return initializer


class BatchNormalization(Layer):
    """Normalizes its inputs with the batch's mean and variance during training.

    In training mode (`training=True` and the layer trainable) the output is
    `gamma * (x - mean(x)) / sqrt(var(x) + epsilon) + beta` with the batch's
    (biased) statistics, and the moving statistics are updated as
    `moving = moving * momentum + batch * (1 - momentum)`. Otherwise, and
    always when `trainable=False` (frozen layers run in inference mode, as in
    Keras), the moving statistics are used.

    Args:
        axis: Integer, the features axis.
        momentum: Momentum of the moving averages.
        epsilon: Small float added to the variance.
        center: Whether to add the `beta` offset.
        scale: Whether to multiply by `gamma`.
        beta_initializer, gamma_initializer, moving_mean_initializer,
        moving_variance_initializer: Initializers of the weights.
        beta_regularizer, gamma_regularizer: Optional regularizers.
        beta_constraint, gamma_constraint: Optional constraints.
        renorm: Whether to use Batch Renormalization.
        renorm_clipping: Dict of optional `"rmax"`, `"rmin"`, `"dmax"` clip values.
        renorm_momentum: Momentum of the renorm statistics.
        synchronized: In a data-parallel job (several processes), compute the
            batch statistics over the global batch of all replicas instead of
            each replica's slice, with gradients flowing through them (torch's
            SyncBatchNorm computation), so a data-parallel fit trains as the
            one-process fit on the whole batch. In a single process it changes
            nothing. (Keras supports it on TensorFlow only.)
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Call arguments:
        inputs: Input tensor of any rank.
        training: Whether to use (and update) batch statistics.
        mask: Optional boolean tensor of rank `inputs.ndim - 1`; masked
            positions are left out of the batch statistics.
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)
        self.synchronized = synchronized
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.renorm = renorm
        if renorm:
            renorm_clipping = renorm_clipping or {}
            keys = ["rmax", "rmin", "dmax"]
            if set(renorm_clipping) - set(keys):
                raise ValueError(
                    f"Received invalid keys for `renorm_clipping` argument: {renorm_clipping}. "
                    f"Supported values: {keys}."
                )
            rmax, rmin, dmax = (renorm_clipping.get(k) for k in keys)
            if rmax is not None and rmin is not None and rmax < rmin:
                raise ValueError(
                    "rmax should be greater than rmin in the `renorm_clipping` argument. "
                    f"Received: rmax={rmax}, rmin={rmin}."
                )
            if dmax is not None and dmax < 0:
                raise ValueError(
                    f"dmax should be non-negative in the `renorm_clipping` argument. Received: dmax={dmax}."
                )
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self._reduction_axes = None

    def build(self, input_shape):
        shape = (input_shape[self.axis],)
        if self.scale:
            self.gamma = self.add_weight(shape=shape, name="gamma", initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         trainable=True, autocast=False)
        else:
            self.gamma = None
        if self.center:
            self.beta = self.add_weight(shape=shape, name="beta", initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        trainable=True, autocast=False)
        else:
            self.beta = None
        self.moving_mean = self.add_weight(shape=shape, name="moving_mean",
                                           initializer=self.moving_mean_initializer, trainable=False,
                                           autocast=False)
        self.moving_variance = self.add_weight(shape=shape, name="moving_variance",
                                               initializer=self.moving_variance_initializer, trainable=False,
                                               autocast=False)
        if self.renorm:
            def moving_stddev_initializer(shape, dtype=None):
                cloned = _clone_initializer(self.moving_variance_initializer)
                return torch.sqrt(torch.as_tensor(cloned(shape, dtype=dtype)))

            self.moving_stddev = self.add_weight(shape=shape, name="moving_stddev",
                                                 initializer=moving_stddev_initializer, trainable=False,
                                                 autocast=False)
            self.renorm_mean = self.add_weight(shape=shape, name="renorm_mean",
                                               initializer=_clone_initializer(self.moving_mean_initializer),
                                               trainable=False, autocast=False)
            self.renorm_stddev = self.add_weight(shape=shape, name="renorm_stddev",
                                                 initializer=moving_stddev_initializer, trainable=False,
                                                 autocast=False)
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: input_shape[self.axis]})
        reduction_axes = list(range(len(input_shape)))
        del reduction_axes[self.axis]
        self._reduction_axes = reduction_axes
        self.built = True

    def compute_output_shape(self, input_shape):
        return check_axes(self.axis, input_shape)

    def call(self, inputs, training=None, mask=None):
        if mask is not None and len(mask.shape) != len(inputs.shape) - 1:
            raise ValueError(
                "The mask provided should be one dimension less than the inputs. Received: "
                f"mask.shape={tuple(mask.shape)}, inputs.shape={tuple(inputs.shape)}"
            )
        dtype = compute_float_dtype(inputs.dtype)
        inputs = inputs.to(dtype)
        moving_mean = self.moving_mean.value.to(dtype)
        moving_variance = self.moving_variance.value.to(dtype)
        gamma = self.gamma.value.to(dtype) if self.scale else None
        beta = self.beta.value.to(dtype) if self.center else None

        if training and self.trainable:
            mean, variance = self._moments(inputs, mask)
            if self.renorm:
                r, d = self._renorm_correction(mean, variance)
                if gamma is not None:
                    gamma, beta_r = r * gamma, d * gamma
                else:
                    gamma, beta_r = r, d
                beta = beta_r if beta is None else beta_r + beta
                self._update_renorm_statistics(mean, variance)
            else:
                self.moving_mean.assign(moving_mean * self.momentum + mean * (1.0 - self.momentum))
                self.moving_variance.assign(moving_variance * self.momentum + variance * (1.0 - self.momentum))
        else:
            mean, variance = moving_mean, moving_variance

        shape = [1] * inputs.ndim
        shape[self.axis] = mean.shape[0]
        multiplier = torch.rsqrt(variance + self.epsilon)
        if gamma is not None:
            multiplier = multiplier * gamma
        outputs = (inputs - mean.reshape(shape)) * multiplier.reshape(shape)
        if beta is not None:
            outputs = outputs + beta.reshape(shape)
        return outputs.to(self._torch_compute_dtype)

    def _moments(self, inputs, mask):
        axes = self._reduction_axes
        synchronized = self.synchronized and in_multi_process_job()
        if mask is None:
            if synchronized:
                mean, variance = synchronized_moments(inputs, tuple(axes))
                return mean.reshape(-1), variance.reshape(-1)
            # Keras's `ops.moments`: Var = E[x^2] - E[x]^2 (one pass), whose rounding and gradient a
            # two-pass `torch.var_mean` would not reproduce.
            mean = torch.mean(inputs, dim=axes, keepdim=True)
            variance = torch.mean(torch.square(inputs), dim=axes, keepdim=True) - torch.square(mean)
            return mean.reshape(-1), variance.reshape(-1)
        weights = torch.broadcast_to(mask.unsqueeze(-1), inputs.shape).to(torch.bool)
        if synchronized:
            mean, variance = synchronized_mean_and_variance(inputs, weights.to(inputs.dtype), axes, _MASK_EPSILON)
            return mean.reshape(-1), variance.reshape(-1)
        masked = torch.where(weights, inputs, torch.zeros((), dtype=inputs.dtype, device=inputs.device))
        count = weights.to(inputs.dtype).sum(dim=axes, keepdim=True)
        mean = masked.sum(dim=axes, keepdim=True) / (count + _MASK_EPSILON)
        diff = torch.where(weights, inputs - mean, torch.zeros((), dtype=inputs.dtype, device=inputs.device))
        variance = diff.square().sum(dim=axes, keepdim=True) / (count + _MASK_EPSILON)
        return mean.reshape(-1), variance.reshape(-1)

    def _renorm_correction(self, mean, variance):
        stddev = torch.sqrt(variance + self.epsilon)
        renorm_mean = self.renorm_mean.value.to(mean.dtype)
        renorm_stddev = torch.clamp(self.renorm_stddev.value.to(mean.dtype), min=self.epsilon ** 0.5)
        r = stddev / renorm_stddev
        d = (mean - renorm_mean) / renorm_stddev
        rmin, rmax, dmax = (self.renorm_clipping.get(k) for k in ("rmin", "rmax", "dmax"))
        if rmin is not None:
            r = torch.clamp(r, min=rmin)
        if rmax is not None:
            r = torch.clamp(r, max=rmax)
        if dmax is not None:
            d = torch.clamp(d, -dmax, dmax)
        return r.detach(), d.detach()

    def _update_renorm_statistics(self, mean, variance):
        stddev = torch.sqrt(variance + self.epsilon)
        rm = self.renorm_momentum
        self.renorm_mean.assign(self.renorm_mean.value.to(mean.dtype) * rm + mean * (1.0 - rm))
        self.renorm_stddev.assign(self.renorm_stddev.value.to(mean.dtype) * rm + stddev * (1.0 - rm))
        self.moving_mean.assign(self.moving_mean.value.to(mean.dtype) * self.momentum
                                + mean * (1.0 - self.momentum))
        new_stddev = self.moving_stddev.value.to(mean.dtype) * self.momentum + stddev * (1.0 - self.momentum)
        self.moving_stddev.assign(new_stddev)
        self.moving_variance.assign(torch.relu(new_stddev * new_stddev - self.epsilon))

    def get_config(self) -> dict:
        base_config = super().get_config()
        config = {
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        }
        return {**base_config, **config}
