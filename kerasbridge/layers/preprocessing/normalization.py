"""`Normalization`: feature-wise standardisation with a mean and variance learned by `adapt()`."""

from __future__ import annotations

import itertools
import math

import numpy as np
import torch

from kerasbridge.backend.config import epsilon
from kerasbridge.backend.dtypes import to_torch_dtype
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.preprocessing._adapt_data import first_of_pair, is_array, iterate_batches


class Normalization(Layer):
    """Shifts and scales inputs to zero mean and unit variance: `(x - mean) / sqrt(var)`.

    The mean and variance are either given at construction or computed from data by
    `adapt()`. They are kept per index of the `axis` dimensions and shared along all
    other dimensions. `sqrt(var)` is bounded below by `keras.config.epsilon()`.

    Args:
        axis: Integer, tuple of integers or `None`: the axes that keep their own
            mean and variance (default `-1`, the features). `None` computes one
            scalar mean and variance over everything.
        mean: Optional mean to use instead of `adapt()`; broadcast to the kept axes.
        variance: Optional variance, given together with `mean`.
        invert: If `True`, apply the inverse: `mean + x * sqrt(var)`.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        Any shape whose `axis` dimensions are known.

    Output shape:
        Same as the input.
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self.supports_masking = True
        self._build_input_shape = None
        self.mean = None
        self.variance = None
        if (mean is not None) != (variance is not None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "When setting values directly, `mean` and `variance` must have the same shape. "
                    f"Received: mean shape {np.shape(mean)} and variance shape {np.shape(variance)}"
                )
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError(
                    f"The rank of `mean` must be less than or equal to the number of axes ({len(self.axis)}). "
                    f"Received: mean shape {np.shape(mean)} for axis {self.axis}"
                )

    def build(self, input_shape):
        if input_shape is None:
            return
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        self._build_input_shape = input_shape
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                f"All `axis` values must be in the range [-ndim, ndim). Received inputs with ndim={ndim}, "
                f"while axis={self.axis}"
            )
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for a in self._keep_axis:
            if input_shape[a] is None:
                raise ValueError(
                    f"All `axis` values to be kept must have a known shape. Received axis={self.axis}, "
                    f"inputs.shape={input_shape}, with unknown axis at index {a}"
                )
        self._reduce_axis = tuple(a for a in range(ndim) if a not in self._keep_axis)
        self._broadcast_shape = [input_shape[a] if a in self._keep_axis else 1 for a in range(ndim)]
        self._mean_and_var_shape = tuple(input_shape[a] for a in self._keep_axis)
        if self.input_mean is None:
            # `mean` and `variance` name both the weights (torch parameters) and the broadcast tensors.
            self.__dict__.pop("mean", None)
            self.__dict__.pop("variance", None)
            self.adapt_mean = self.add_weight(name="mean", shape=self._mean_and_var_shape, initializer="zeros",
                                              trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=self._mean_and_var_shape,
                                                  initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int", initializer="zeros", trainable=False)
            self.built = True
            self.finalize_state()
        else:
            self.mean = self._broadcast_given(self.input_mean, ndim)
            self.variance = self._broadcast_given(self.input_variance, ndim)
            self.built = True

    def _broadcast_given(self, value, ndim):
        value = torch.as_tensor(np.asarray(value))
        if value.ndim > 0:
            expanded = [1] * ndim
            for i in range(1, value.ndim + 1):
                expanded[self._keep_axis[-i]] = value.shape[-i]
            value = value.reshape(expanded)
        return torch.broadcast_to(value, self._broadcast_shape).to(to_torch_dtype(self.compute_dtype))

    def adapt(self, data):
        """Compute the mean and variance of `data` along the non-`axis` dimensions.

        Args:
            data: A numpy array, a torch tensor, or an iterable of batches (a list
                of arrays, a generator, a `PyDataset`, `(x, y)` tuples); every
                element of an iterable must be a batch.
        """
        if is_array(data):
            input_shape = tuple(data.shape)
        elif hasattr(data, "__iter__") or hasattr(data, "num_batches"):
            batches = iterate_batches(data)
            first = next(batches, None)
            if first is None:
                raise ValueError(
                    "adapt() received an empty iterable (no batches). Expected at least one batch. Pass a "
                    "non-empty iterable of arrays or tensors, e.g. layer.adapt([x]) or layer.adapt(list_of_batches)."
                )
            if getattr(first, "shape", None) is None:
                raise TypeError(
                    "adapt() expects an iterable that yields arrays or tensors with a `.shape` attribute (e.g. "
                    f"numpy arrays or backend tensors). Got an element of type {type(first).__name__}."
                )
            input_shape = tuple(first.shape)
            data = itertools.chain([first], batches)
        else:
            raise TypeError(
                f"Unsupported data type: {type(data)}. `adapt` supports `np.ndarray`, backend tensors, "
                "`keras.utils.PyDataset`, and iterables of batches (e.g. list, generator)."
            )
        if not self.built:
            self.build(input_shape)
        else:
            self._check_kept_dims(input_shape, "adapt() is being called with data with an incompatible shape")
        if isinstance(data, np.ndarray):
            total_mean = np.mean(data, axis=self._reduce_axis)
            total_var = np.var(data, axis=self._reduce_axis)
        elif isinstance(data, torch.Tensor):
            x = data if data.is_floating_point() else data.to(torch.float32)
            total_mean = torch.mean(x, dim=self._reduce_axis)
            total_var = torch.var(x, dim=self._reduce_axis, correction=0)
        else:
            total_mean, total_var = self._running_moments(data)
        self.adapt_mean.assign(total_mean)
        self.adapt_variance.assign(total_var)
        self.finalize_state()

    def _check_kept_dims(self, shape, message):
        for a in self._keep_axis:
            if shape[a] is not None and shape[a] != self._build_input_shape[a]:
                raise ValueError(
                    f"The layer was built with input_shape={self._build_input_shape}, but {message}, "
                    f"data.shape={tuple(shape)}"
                )

    def _running_moments(self, batches):
        """Merge per-batch moments, weighting each batch by its number of reduced elements."""
        dtype = to_torch_dtype(self.compute_dtype)
        total_mean = torch.zeros(self._mean_and_var_shape, dtype=dtype)
        total_var = torch.zeros(self._mean_and_var_shape, dtype=dtype)
        total_count = 0
        for batch in batches:
            batch = first_of_pair(batch)
            batch = (batch.detach().cpu() if isinstance(batch, torch.Tensor) else torch.as_tensor(np.asarray(batch)))
            batch = batch.to(dtype)
            self._check_kept_dims(tuple(batch.shape), "adapt() yielded a batch with incompatible shape")
            batch_mean = torch.mean(batch, dim=self._reduce_axis)
            batch_var = torch.var(batch, dim=self._reduce_axis, correction=0)
            batch_count = math.prod(batch.shape[a] for a in self._reduce_axis) if self._reduce_axis else 1
            total_count += batch_count
            batch_weight = float(batch_count) / total_count
            existing_weight = 1.0 - batch_weight
            new_mean = total_mean * existing_weight + batch_mean * batch_weight
            total_var = (total_var + (total_mean - new_mean) ** 2) * existing_weight + (
                batch_var + (batch_mean - new_mean) ** 2
            ) * batch_weight
            total_mean = new_mean
        return total_mean, total_var

    def finalize_state(self):
        """Refresh the broadcast mean and variance from the adapted weights."""
        if self.input_mean is not None or not self.built:
            return
        dtype = to_torch_dtype(self.compute_dtype)
        self.mean = self.adapt_mean.value.detach().reshape(self._broadcast_shape).to(dtype)
        self.variance = self.adapt_variance.value.detach().reshape(self._broadcast_shape).to(dtype)

    def call(self, inputs):
        if self.mean is None:
            raise ValueError("You must call `.build(input_shape)` on the layer before using it.")
        dtype = to_torch_dtype(self.compute_dtype)
        inputs = torch.as_tensor(inputs).to(dtype)
        mean = self.mean.to(inputs.device)
        std = torch.clamp_min(torch.sqrt(self.variance.to(inputs.device)), epsilon())
        if self.invert:
            return mean + inputs * std
        return (inputs - mean) / std

    def compute_output_shape(self, input_shape):
        return input_shape

    def load_own_variables(self, store):
        super().load_own_variables(store)
        self.finalize_state()

    def get_build_config(self):
        if self._build_input_shape:
            return {"input_shape": self._build_input_shape}
        return None

    def build_from_config(self, config):
        if config:
            self.build(config["input_shape"])

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "invert": self.invert,
            "mean": np.array(self.input_mean).tolist(),
            "variance": np.array(self.input_variance).tolist(),
        }
