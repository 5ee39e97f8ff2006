"""Constructor arguments and config keys shared by the built-in RNN cells and their layers."""

from __future__ import annotations

from kerasbridge import activations, constraints, initializers, regularizers
from kerasbridge.backend.random import SeedGenerator


def validate_units(units) -> None:
    if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
        raise ValueError(
            f"Received an invalid value for argument `units`, expected a positive integer, got {units}."
        )


def init_cell_weights_config(cell, *, activation, use_bias, kernel_initializer, recurrent_initializer,
                             bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
                             kernel_constraint, recurrent_constraint, bias_constraint, dropout, recurrent_dropout,
                             seed) -> None:
    """Store the arguments every built-in cell shares (resolved to objects, rates clipped to [0, 1])."""
    cell.activation = activations.get(activation)
    cell.use_bias = use_bias
    cell.kernel_initializer = initializers.get(kernel_initializer)
    cell.recurrent_initializer = initializers.get(recurrent_initializer)
    cell.bias_initializer = initializers.get(bias_initializer)
    cell.kernel_regularizer = regularizers.get(kernel_regularizer)
    cell.recurrent_regularizer = regularizers.get(recurrent_regularizer)
    cell.bias_regularizer = regularizers.get(bias_regularizer)
    cell.kernel_constraint = constraints.get(kernel_constraint)
    cell.recurrent_constraint = constraints.get(recurrent_constraint)
    cell.bias_constraint = constraints.get(bias_constraint)
    cell.dropout = min(1.0, max(0.0, dropout))
    cell.recurrent_dropout = min(1.0, max(0.0, recurrent_dropout))
    cell.seed = seed
    cell.seed_generator = SeedGenerator(seed)


def weights_config(obj) -> dict:
    """The config keys of the weights, activations and dropout (for a cell or the layer wrapping it)."""
    config = {"activation": activations.serialize(obj.activation)}
    if hasattr(obj, "recurrent_activation"):
        config["recurrent_activation"] = activations.serialize(obj.recurrent_activation)
    config.update({
        "use_bias": obj.use_bias,
        "kernel_initializer": initializers.serialize(obj.kernel_initializer),
        "recurrent_initializer": initializers.serialize(obj.recurrent_initializer),
        "bias_initializer": initializers.serialize(obj.bias_initializer),
        "kernel_regularizer": regularizers.serialize(obj.kernel_regularizer),
        "recurrent_regularizer": regularizers.serialize(obj.recurrent_regularizer),
        "bias_regularizer": regularizers.serialize(obj.bias_regularizer),
        "kernel_constraint": constraints.serialize(obj.kernel_constraint),
        "recurrent_constraint": constraints.serialize(obj.recurrent_constraint),
        "bias_constraint": constraints.serialize(obj.bias_constraint),
        "dropout": obj.dropout,
        "recurrent_dropout": obj.recurrent_dropout,
    })
    return config


class CellAttributesMixin:
    """Read-only views of a recurrent layer's cell arguments (`layer.units` is `layer.cell.units`, ...)."""

    units = property(lambda self: self.cell.units)
    activation = property(lambda self: self.cell.activation)
    use_bias = property(lambda self: self.cell.use_bias)
    kernel_initializer = property(lambda self: self.cell.kernel_initializer)
    recurrent_initializer = property(lambda self: self.cell.recurrent_initializer)
    bias_initializer = property(lambda self: self.cell.bias_initializer)
    kernel_regularizer = property(lambda self: self.cell.kernel_regularizer)
    recurrent_regularizer = property(lambda self: self.cell.recurrent_regularizer)
    bias_regularizer = property(lambda self: self.cell.bias_regularizer)
    kernel_constraint = property(lambda self: self.cell.kernel_constraint)
    recurrent_constraint = property(lambda self: self.cell.recurrent_constraint)
    bias_constraint = property(lambda self: self.cell.bias_constraint)
    dropout = property(lambda self: self.cell.dropout)
    recurrent_dropout = property(lambda self: self.cell.recurrent_dropout)
