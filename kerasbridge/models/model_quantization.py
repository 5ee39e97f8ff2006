"""`Model.quantize`: quantize every quantizable leaf layer of a model (post-training quantization)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable

from kerasbridge.backend import state_version
from kerasbridge.quantizers.quantization_config import validate_and_resolve_config


def should_quantize_layer(layer, filters) -> bool:
    """Whether `filters` (a regex, a list of regexes or a predicate on the layer; `None`: all) selects `layer`."""
    if filters is None:
        return True
    if isinstance(filters, str):
        return bool(re.search(filters, layer.name))
    if isinstance(filters, (list, tuple)):
        return any(re.search(pattern, layer.name) for pattern in filters)
    if callable(filters):
        return bool(filters(layer))
    return True


def quantize_model(model, mode=None, config=None, filters=None, **kwargs) -> None:
    """Quantize the leaf layers of `model` that support it (see `Model.quantize`)."""
    type_check = kwargs.pop("type_check", True)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments passed to {type(model).__name__}: {kwargs}")
    if filters is not None and not isinstance(filters, (str, Callable, list, tuple)):
        raise ValueError(
            "The `filters` argument must be a regex string, a list of regex strings, or a callable. "
            f"Received: {type(filters)}"
        )
    validate_and_resolve_config(mode, config)
    modified = False
    for layer in model._flatten_layers():
        if not should_quantize_layer(layer, filters) or len(layer._flatten_layers()) != 1:
            continue
        quantize = getattr(layer, "quantize", None)
        if quantize is None:
            warnings.warn(f"Layer {type(layer).__name__} does not have a `quantize` method implemented.",
                          stacklevel=3)
            continue
        try:
            quantize(mode, type_check=type_check, config=config)
            modified = True
        except NotImplementedError as error:
            warnings.warn(str(error), stacklevel=3)
    if modified:
        state_version.bump()
