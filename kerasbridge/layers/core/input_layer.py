"""`InputLayer` and `Input()`: the entry points of a Functional model."""

from __future__ import annotations

from kerasbridge.backend.dtypes import standardize_dtype
from kerasbridge.layers.layer import Layer
from kerasbridge.ops.keras_tensor import KerasTensor, standardize_shape
from kerasbridge.ops.node import Node


class InputLayer(Layer):
    """The layer behind `Input()`: it holds the symbolic input tensor of a model.

    Args:
        shape: Shape of one sample (without the batch dimension).
        batch_size: Optional fixed batch size.
        dtype: Dtype of the input (defaults to `floatx()`).
        sparse: Kept for Keras compatibility; sparse inputs are not supported on torch.
        batch_shape: Full shape including the batch dimension (alternative to `shape`).
        input_tensor: An existing KerasTensor to wrap instead of creating one.
        optional: Whether the input may be `None`.
        name: Name of the layer (and of its tensor).
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None,
                 input_tensor=None, optional=False, name=None, **kwargs):
        super().__init__(name=name)
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments passed to InputLayer: {kwargs}")
        if shape is not None and batch_shape is not None:
            raise ValueError(
                "You cannot pass both `shape` and `batch_shape` at the same time. "
                f"Received: shape={shape}, batch_shape={batch_shape}"
            )
        if shape is None and batch_shape is None and input_tensor is None:
            raise ValueError("You must pass a `shape` argument.")
        if sparse:
            raise ValueError("`sparse=True` is not supported with the torch backend.")
        if ragged:
            raise ValueError("`ragged=True` is not supported with the torch backend.")
        if input_tensor is not None:
            if not isinstance(input_tensor, KerasTensor):
                raise ValueError(f"Argument `input_tensor` must be a KerasTensor. Received invalid type: {input_tensor}")
            batch_shape = input_tensor.shape
            dtype = dtype or input_tensor.dtype
        elif shape is not None:
            batch_shape = (batch_size,) + standardize_shape(shape)
        self._batch_shape = standardize_shape(batch_shape)
        self._dtype = standardize_dtype(dtype)
        self.sparse = False
        self.ragged = False
        self.optional = bool(optional)
        if input_tensor is None:
            input_tensor = KerasTensor(self._batch_shape, dtype=self._dtype, name=name)
        self._input_tensor = input_tensor
        Node(self, call_args=(), call_kwargs={}, outputs=input_tensor)
        self.built = True

    def call(self):
        return None

    @property
    def batch_shape(self) -> tuple:
        return self._batch_shape

    @property
    def dtype(self) -> str:
        return self._dtype

    def get_config(self) -> dict:
        return {"batch_shape": self._batch_shape, "dtype": self._dtype, "sparse": self.sparse,
                "ragged": self.ragged, "name": self.name, "optional": self.optional}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None, name=None,
          tensor=None, optional=False):
    """Create a symbolic input tensor for a Functional model.

    Args:
        shape: Shape of one sample, without the batch dimension (e.g. `(32,)`).
        batch_size: Optional fixed batch size.
        dtype: Dtype of the input (defaults to `floatx()`).
        sparse: Kept for Keras compatibility.
        ragged: Kept for Keras compatibility.
        batch_shape: Full shape including the batch dimension.
        name: Name of the input.
        tensor: Optional existing KerasTensor to wrap.
        optional: Whether the input may be `None`.

    Returns:
        A `KerasTensor`.

    Example:

    >>> x = kerasbridge.Input(shape=(32,))
    >>> y = kerasbridge.layers.Dense(16, activation="softmax")(x)
    >>> model = kerasbridge.Model(x, y)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse, ragged=ragged,
                       batch_shape=batch_shape, name=name, input_tensor=tensor, optional=optional)
    return layer.output
