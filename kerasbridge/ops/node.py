"""`Node`: one call of an operation on symbolic tensors, linking its inputs to its outputs."""

from __future__ import annotations

from kerasbridge.ops.keras_tensor import KerasHistory, KerasTensor
from kerasbridge.utils import tree


class Node:
    """Records `operation(*call_args, **call_kwargs) -> outputs` in the symbolic graph.

    The output KerasTensors get a `_keras_history` pointing back at this node, so that a
    Functional model can walk from its outputs to its inputs.
    """

    def __init__(self, operation, call_args=None, call_kwargs=None, outputs=None):
        self.operation = operation
        self.call_args = tuple(call_args or ())
        self.call_kwargs = dict(call_kwargs or {})
        self.outputs = [] if outputs is None else tree.flatten(outputs)
        self.output_structure = outputs
        self.input_tensors = [
            x for x in tree.flatten((self.call_args, self.call_kwargs)) if isinstance(x, KerasTensor)
        ]
        self.is_input = not self.input_tensors
        operation._inbound_nodes.append(self)
        for x in self.input_tensors:
            if x._keras_history is not None:
                x._keras_history.operation._outbound_nodes.append(self)
        node_index = len(operation._inbound_nodes) - 1
        for i, x in enumerate(self.outputs):
            if isinstance(x, KerasTensor):
                x._keras_history = KerasHistory(operation, node_index, i)

    @property
    def parent_nodes(self) -> list[Node]:
        """The nodes that produced this node's symbolic inputs."""
        parents = []
        for x in self.input_tensors:
            if x._keras_history is not None:
                op, node_index, _ = x._keras_history
                parents.append(op._inbound_nodes[node_index])
        return parents

    def __repr__(self) -> str:
        return f"<Node operation={self.operation.name}, inputs={len(self.input_tensors)}>"
