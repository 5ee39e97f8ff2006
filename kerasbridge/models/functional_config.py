"""Config of a Functional model: its layers with their inbound nodes, and how to rebuild the graph.

The format is Keras 3's: `{"name", "trainable", "layers", "input_layers",
"output_layers"}` where each layer config carries `name` and `inbound_nodes`
(the serialized arguments of each call, tensors as `__keras_tensor__` with a
`keras_history` of `[layer name, node index, tensor index]`). Node indices count
only the calls that belong to the model, so shared layers and nested models
round-trip.
"""

from __future__ import annotations

import inspect

from kerasbridge.ops.keras_tensor import KerasHistory, KerasTensor
from kerasbridge.utils import tree


def _functional_class():
    from kerasbridge.models.functional import Functional

    return Functional


def functional_like_constructor(cls) -> bool:
    """Whether `cls.__init__` takes the same arguments as `Functional.__init__` (or `*args, **kwargs`)."""
    spec = inspect.getfullargspec(cls.__init__)
    functional_args = inspect.getfullargspec(_functional_class().__init__).args[1:]
    return spec.args[1:] == functional_args or (spec.varargs is not None and spec.varkw is not None)


def _own_node_ids(model) -> set:
    return {id(node) for nodes in model._nodes_by_depth.values() for node in nodes}


def _serialize_node(node, own_nodes: set):
    from kerasbridge.saving import serialization_lib

    if node.is_input:
        return None

    def serialize_tensor(x):
        if not isinstance(x, KerasTensor) or x._keras_history is None:
            return x
        operation, node_index, tensor_index = x._keras_history
        foreign = sum(1 for n in operation._inbound_nodes[:node_index] if id(n) not in own_nodes)
        x._keras_history = KerasHistory(operation, node_index - foreign, tensor_index)
        try:
            return serialization_lib.serialize_keras_object(x)
        finally:
            x._keras_history = KerasHistory(operation, node_index, tensor_index)

    args = tree.map_structure(serialize_tensor, list(node.call_args))
    kwargs = tree.map_structure(serialize_tensor, dict(node.call_kwargs))
    return {
        "args": serialization_lib.serialize_keras_object(args),
        "kwargs": serialization_lib.serialize_keras_object(kwargs),
    }


def get_functional_config(model) -> dict:
    """The Keras config of Functional `model` (layers, inbound nodes, input and output layers)."""
    from kerasbridge.saving import serialization_lib

    functional_cls = _functional_class()
    own_nodes = _own_node_ids(model)
    reindexed = {}
    for operation in model._operations:
        kept = 1 if isinstance(operation, functional_cls) else 0
        for node in operation._inbound_nodes:
            if id(node) in own_nodes:
                reindexed[id(node)] = kept
                kept += 1
    layer_configs = []
    for operation in model._operations:
        inbound = []
        for node in operation._inbound_nodes:
            if id(node) in own_nodes:
                data = _serialize_node(node, own_nodes)
                if data is not None:
                    inbound.append(data)
        layer_config = serialization_lib.serialize_keras_object(operation)
        layer_config["name"] = operation.name
        layer_config["inbound_nodes"] = inbound
        layer_configs.append(layer_config)

    def tensor_config(x):
        operation, node_index, tensor_index = x._keras_history
        node = operation._inbound_nodes[node_index]
        return [operation.name, reindexed[id(node)], tensor_index]

    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layer_configs,
        "input_layers": tree.map_structure(tensor_config, model._inputs_struct),
        "output_layers": tree.map_structure(tensor_config, model._outputs_struct),
    }


def _revive_tensors(structure, created_layers: dict):
    def revive(x):
        if not isinstance(x, KerasTensor):
            return x
        history = getattr(x, "_pre_serialization_keras_history", None)
        if history is None:
            return x
        name, node_index, tensor_index = history
        if name not in created_layers:
            raise ValueError(f"Invalid Functional model configuration: unknown layer '{name}'.")
        layer = created_layers[name]
        if len(layer._inbound_nodes) <= node_index:
            raise IndexError(f"Layer '{name}' has no node {node_index} yet.")
        return layer._inbound_nodes[node_index].outputs[tensor_index]

    return tree.map_structure(revive, structure)


def _call_arguments(node_data, created_layers: dict):
    from kerasbridge.saving import serialization_lib

    if not node_data:
        return [], {}
    if isinstance(node_data, list):  # Keras 2 style: [[layer name, node index, tensor index, kwargs?], ...]
        tensors, kwargs = [], {}
        for entry in node_data:
            name, node_index, tensor_index = entry[:3]
            kwargs = entry[3] if len(entry) > 3 else {}
            if name not in created_layers:
                raise ValueError(f"Invalid Functional model configuration: missing node of layer '{name}'.")
            layer = created_layers[name]
            if len(layer._inbound_nodes) <= node_index:
                raise IndexError(f"Layer '{name}' has no node {node_index} yet.")
            tensors.append(layer._inbound_nodes[node_index].outputs[tensor_index])
        return [tensors[0] if len(tensors) == 1 else tensors], kwargs
    args = serialization_lib.deserialize_keras_object(node_data["args"])
    kwargs = serialization_lib.deserialize_keras_object(node_data["kwargs"])
    return _revive_tensors(args, created_layers), _revive_tensors(kwargs, created_layers)


def functional_from_config(cls, config: dict, custom_objects=None):
    """Rebuild a Functional model of class `cls` from `get_functional_config`'s output (or Keras 3's)."""
    from kerasbridge.ops.operation import Operation
    from kerasbridge.saving import serialization_lib

    config = dict(config)
    layers_data = config.pop("layers")
    input_layers = config.pop("input_layers")
    output_layers = config.pop("output_layers")
    name = config.pop("name", None)
    trainable = config.pop("trainable", None)

    created, pending = {}, {}
    for layer_data in layers_data:
        layer = serialization_lib.deserialize_keras_object(layer_data, custom_objects=custom_objects)
        if not isinstance(layer, Operation):
            raise ValueError(f"Unexpected object from deserialization, expected a layer or operation, got a {type(layer)}")
        created[layer_data["name"]] = layer
        if layer_data.get("inbound_nodes"):
            pending[layer_data["name"]] = list(layer_data["inbound_nodes"])
    while pending:
        progressed = False
        for layer_data in layers_data:
            layer_name = layer_data["name"]
            queue = pending.get(layer_name)
            if not queue:
                continue
            while queue:
                try:
                    args, kwargs = _call_arguments(queue[0], created)
                except IndexError:
                    break
                created[layer_name](*args, **kwargs)
                queue.pop(0)
                progressed = True
            if not queue:
                del pending[layer_name]
        if not progressed:
            raise ValueError(
                "Invalid Functional model configuration. The graph of the Functional model either has loops or "
                f"disconnected nodes. The following nodes failed to be resolved: {pending}"
            )
    functional_cls = _functional_class()

    def get_tensor(entry):
        layer_name, node_index, tensor_index = entry
        if layer_name not in created:
            raise ValueError(f"Invalid Functional model configuration: unknown layer '{layer_name}'.")
        layer = created[layer_name]
        if isinstance(layer, functional_cls):
            node_index -= 1
        return layer._inbound_nodes[node_index].outputs[tensor_index]

    def map_tensors(structure):
        if isinstance(structure, list) and len(structure) == 3 and isinstance(structure[0], str):
            return get_tensor(structure)
        if isinstance(structure, dict):
            return {key: map_tensors(value) for key, value in structure.items()}
        if isinstance(structure, tuple):
            return tuple(map_tensors(value) for value in structure)
        return [map_tensors(value) for value in structure]

    kwargs = {"name": name}
    if trainable is not None:
        kwargs["trainable"] = trainable
    return cls(inputs=map_tensors(input_layers), outputs=map_tensors(output_layers), **kwargs, **config)


class FunctionalConfigMixin:
    """`get_config` / `from_config` of `Functional` in Keras 3's format."""

    def get_config(self) -> dict:
        if not functional_like_constructor(type(self)):
            from kerasbridge.layers.layer_state import LayerStateMixin

            return LayerStateMixin.get_config(self)
        return get_functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        keys = ("name", "layers", "input_layers", "output_layers")
        if all(key in config for key in keys) and functional_like_constructor(cls):
            return functional_from_config(cls, config, custom_objects=custom_objects)
        return super().from_config(config)
