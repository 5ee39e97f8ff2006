"""Walking the symbolic graph from a model's outputs back to its inputs.

The order matches Keras's `map_graph`: operations sorted by decreasing depth (inputs
first), ties broken by the order in which a depth-first walk from the outputs met them.
That order is `model.layers`, and therefore the order of `get_weights()`.
"""

from __future__ import annotations

import collections

from kerasbridge.ops.keras_tensor import KerasTensor


def _build_map(inputs: list, outputs: list):
    input_ids = {id(x) for x in inputs}
    finished, in_progress = set(), set()
    ordered_nodes = []
    operation_indices: dict = {}

    def visit(tensor: KerasTensor):
        history = tensor._keras_history
        if history is None:
            raise ValueError(
                f"Output tensors of a Functional model must be the output of a Keras layer or op. "
                f"Received: {tensor}"
            )
        operation, node_index, _ = history
        node = operation._inbound_nodes[node_index]
        if id(node) in finished:
            return
        if not node.is_input and id(tensor) in input_ids:
            finished.add(id(node))
            return
        if id(node) in in_progress:
            raise ValueError(f"Tensor {tensor} from operation '{operation.name}' is part of a cycle.")
        operation_indices.setdefault(id(operation), len(operation_indices))
        in_progress.add(id(node))
        if not node.is_input:
            for parent in node.input_tensors:
                visit(parent)
        finished.add(id(node))
        in_progress.discard(id(node))
        ordered_nodes.append(node)

    for output in outputs:
        visit(output)
    return ordered_nodes, operation_indices


def map_graph(inputs: list, outputs: list):
    """Return `(nodes_by_depth, operations)` for the graph between `inputs` and `outputs`.

    Raises `ValueError` for a disconnected graph or duplicate operation names.
    """
    ordered_nodes, operation_indices = _build_map(inputs, outputs)
    in_graph = {id(n) for n in ordered_nodes}
    node_depths: dict = {}
    operation_depths: dict = {}
    operations_by_id: dict = {}
    nodes_by_id = {id(n): n for n in ordered_nodes}
    for node in reversed(ordered_nodes):
        depth = node_depths.setdefault(id(node), 0)
        depth = max(depth, operation_depths.get(id(node.operation), 0))
        operation_depths[id(node.operation)] = depth
        operations_by_id[id(node.operation)] = node.operation
        node_depths[id(node)] = depth
        for parent in node.parent_nodes:
            if id(parent) in in_graph:
                node_depths[id(parent)] = max(depth + 1, node_depths.get(id(parent), 0))
    for x in inputs:
        operation, node_index, _ = x._keras_history
        if id(operation) not in operation_depths:
            node = operation._inbound_nodes[node_index]
            if node.is_input:
                operation_depths[id(operation)] = 0
                operations_by_id[id(operation)] = operation
                operation_indices[id(operation)] = -1
                node_depths[id(node)] = 0
                nodes_by_id[id(node)] = node

    nodes_by_depth = collections.defaultdict(list)
    for node_id, depth in node_depths.items():
        nodes_by_depth[depth].append(nodes_by_id[node_id])
    operations_by_depth = collections.defaultdict(list)
    for op_id, depth in operation_depths.items():
        operations_by_depth[depth].append(operations_by_id[op_id])
    operations = []
    for depth in sorted(operations_by_depth, reverse=True):
        operations.extend(sorted(operations_by_depth[depth], key=lambda op: operation_indices[id(op)]))

    computable = {id(x) for x in inputs}
    seen_names = []
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            if node.is_input:
                continue
            for x in node.input_tensors:
                if id(x) not in computable:
                    raise ValueError(
                        f"Graph disconnected: cannot find parent for tensor {x} at operation "
                        f"'{node.operation.name}': the output is not connected to `inputs`. The following "
                        f"previous operations were accessed without issue: {seen_names}"
                    )
            seen_names.append(node.operation.name)
            for x in node.outputs:
                computable.add(id(x))
    names = [op.name for op in operations]
    for name in names:
        if names.count(name) != 1:
            raise ValueError(
                f'The name "{name}" is used {names.count(name)} times in the model. '
                "All operation names should be unique."
            )
    return dict(nodes_by_depth), operations
