"""`keras.models.clone_model`: the same architecture with freshly initialized weights."""

from __future__ import annotations

from kerasbridge.utils import tree


def _default_clone(layer):
    return layer.__class__.from_config(layer.get_config())


def _caching_clone_function(clone_function, call_function, recursive, cache):
    """Clone each layer once (shared layers stay shared); with `recursive`, descend into sub-models."""
    from kerasbridge.models.functional import Functional
    from kerasbridge.models.sequential import Sequential

    clone_function = clone_function or _default_clone

    def clone(layer):
        if id(layer) in cache:
            return cache[id(layer)]
        if recursive and isinstance(layer, (Sequential, Functional)):
            copy = clone_model(layer, clone_function=clone_function, recursive=True,
                               call_function=None if isinstance(layer, Sequential) else call_function, cache=cache)
        else:
            copy = clone_function(layer)
        cache[id(layer)] = copy
        return copy

    return clone


def _copy_compile(model, clone):
    if model.__dict__.get("compiled"):
        clone.compile_from_config(model.get_compile_config())
    return clone


def _clone_sequential(model, clone_function, input_tensors):
    from kerasbridge.layers.core.input_layer import Input, InputLayer
    from kerasbridge.ops.keras_tensor import KerasTensor

    layers = [clone_function(layer) for layer in model.layers]
    first = model._layers[0] if model._layers else None
    reference = first if isinstance(first, InputLayer) else None
    if input_tensors is not None:
        if isinstance(input_tensors, (list, tuple)):
            if len(input_tensors) != 1:
                raise ValueError("Argument `input_tensors` must contain a single tensor.")
            input_tensors = input_tensors[0]
        if not isinstance(input_tensors, KerasTensor):
            raise ValueError(
                f"Argument `input_tensors` must be a KerasTensor. Received invalid value: input_tensors={input_tensors}"
            )
        layers = [Input(tensor=input_tensors, name=reference.name if reference else None)] + layers
    elif reference is not None:
        layers = [Input(batch_shape=reference.batch_shape, dtype=reference.dtype, name=reference.name,
                        optional=getattr(reference, "optional", False))] + layers
    from kerasbridge.models.sequential import Sequential

    return Sequential(layers, name=model.name, trainable=model.trainable)


def _clone_functional(model, clone_function, call_function, input_tensors):
    from kerasbridge.layers.core.input_layer import Input, InputLayer
    from kerasbridge.layers.layer import Layer
    from kerasbridge.ops.keras_tensor import KerasTensor

    if input_tensors is not None:
        new_inputs = tree.flatten(input_tensors)
        if not all(isinstance(x, KerasTensor) for x in new_inputs):
            raise ValueError(
                f"All entries in `input_tensors` must be KerasTensors. Received invalid values: "
                f"inputs_tensors={input_tensors}"
            )
        if len(new_inputs) != len(model._inputs):
            raise ValueError(f"Expected {len(model._inputs)} input tensors, received {len(new_inputs)}.")
    else:
        new_inputs = []
        for x in model._inputs:
            layer = x._keras_history[0]
            new_inputs.append(Input(batch_shape=x.shape, dtype=x.dtype, name=layer.name,
                                    optional=getattr(layer, "optional", False)))
    values = {id(ref): x for ref, x in zip(model._inputs, new_inputs)}

    def fill(x):
        return values[id(x)] if isinstance(x, KerasTensor) else x

    for depth in sorted(model._nodes_by_depth, reverse=True):
        for node in model._nodes_by_depth[depth]:
            if node.is_input:
                continue
            operation = node.operation
            if isinstance(operation, Layer) and not isinstance(operation, InputLayer):
                operation = clone_function(operation)
            args = tree.map_structure(fill, node.call_args)
            kwargs = tree.map_structure(fill, node.call_kwargs)
            if call_function is not None and isinstance(node.operation, Layer):
                outputs = call_function(operation, *args, **kwargs)
            else:
                outputs = operation(*args, **kwargs)
            for ref, value in zip(node.outputs, tree.flatten(outputs)):
                values[id(ref)] = value
    inputs = tree.pack_sequence_as(model._inputs_struct, new_inputs)
    outputs = tree.pack_sequence_as(model._outputs_struct, [values[id(x)] for x in model._outputs])
    from kerasbridge.models.functional import Functional

    return Functional(inputs, outputs, name=model.name, trainable=model.trainable)


def clone_model(model, input_tensors=None, clone_function=None, call_function=None, recursive=False, **kwargs):
    """Clone a Sequential, Functional or subclassed model: same layers and configs, new weights.

    Args:
        model: The `Model` to clone.
        input_tensors: Optional KerasTensor(s) to build the clone on (Sequential and Functional only).
        clone_function: Callable mapping each original layer to its clone; by default
            `layer.__class__.from_config(layer.get_config())` (weights are not copied).
        call_function: Callable `(layer, *args, **kwargs)` that calls each cloned layer while the
            Functional graph is rebuilt (Functional models only).
        recursive: Whether to clone nested Sequential/Functional models layer by layer too.

    Returns:
        A new model of the same structure. A compiled model's clone is compiled the same way.
    """
    from kerasbridge.models.functional import Functional
    from kerasbridge.models.sequential import Sequential
    from kerasbridge.saving.serialization_lib import deserialize_keras_object, serialize_keras_object

    cache = kwargs.pop("cache", None)
    if kwargs:
        raise ValueError(f"Unexpected keyword argument(s): {tuple(kwargs.keys())}")
    wrapped = _caching_clone_function(clone_function, call_function, recursive, {} if cache is None else cache)
    if isinstance(model, Sequential):
        if call_function is not None:
            raise ValueError(
                "`call_function` argument is not supported with Sequential models. In a Sequential model, layers "
                "aren't called at model-construction time (they're merely listed). Use `call_function` with "
                f"Functional models only. Received model of type '{model.__class__.__name__}', with "
                f"call_function={call_function}"
            )
        return _copy_compile(model, _clone_sequential(model, wrapped, input_tensors))
    if isinstance(model, Functional):
        return _copy_compile(model, _clone_functional(model, wrapped, call_function, input_tensors))
    if clone_function or input_tensors:
        raise ValueError(
            "Arguments `clone_function` and `input_tensors` are only supported for Sequential models or Functional "
            f"models. Received model of type '{model.__class__.__name__}', with clone_function={clone_function} and "
            f"input_tensors={input_tensors}"
        )
    if call_function is not None:
        raise ValueError(
            "Argument `call_function` is only supported for Functional models. Received model of type "
            f"'{model.__class__.__name__}', with call_function={call_function}"
        )
    config = serialize_keras_object(model)
    return deserialize_keras_object(config, custom_objects={model.__class__.__name__: model.__class__})
