"""Symbolic-tensor helpers of `keras.utils`: `get_source_inputs` and `is_keras_tensor`."""

from __future__ import annotations


def is_keras_tensor(x) -> bool:
    """Whether `x` is a symbolic `KerasTensor` (as made by `Input()` or by calling layers on one)."""
    from kerasbridge.ops.keras_tensor import KerasTensor

    return isinstance(x, KerasTensor)


def get_source_inputs(tensor) -> list:
    """The list of input KerasTensors (from `Input()`) that `tensor` depends on, in first-seen order.

    Args:
        tensor: A KerasTensor. Anything without graph history is returned unchanged.

    Returns:
        A list of KerasTensors.
    """
    history = getattr(tensor, "_keras_history", None)
    if not hasattr(tensor, "_keras_history"):
        return tensor
    if history is None:
        return [tensor]
    operation, node_index, _ = history
    if not operation or not operation._inbound_nodes:
        return [tensor]
    node = operation._inbound_nodes[node_index]
    if node.is_input:
        return list(node.outputs)
    sources: list = []
    for parent in node.input_tensors:
        for x in get_source_inputs(parent):
            if all(x is not seen for seen in sources):
                sources.append(x)
    return sources
