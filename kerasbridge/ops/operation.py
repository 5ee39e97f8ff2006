"""`Operation`: anything that can be called on symbolic tensors and recorded as a graph node.

Layers are Operations; so is every function in `kerasbridge.ops`, through the
`symbolic_op` decorator: called on torch tensors it runs eagerly, called on a
KerasTensor it records a node so that `Model(inputs, outputs)` can replay it.
"""

from __future__ import annotations

import functools

from kerasbridge.backend import naming
from kerasbridge.ops.keras_tensor import KerasTensor, any_symbolic_tensors
from kerasbridge.ops.node import Node
from kerasbridge.ops.symbolic import compute_output_spec


class Operation:
    """Base of layers and ops: a name, and the graph nodes it takes part in."""

    def __init__(self, name: str | None = None):
        if name is None:
            name = naming.auto_name(type(self).__name__)
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                "Argument `name` must be a string and cannot contain character `/`. "
                f"Received: name={name} (of type {type(name)})"
            )
        self.name = name
        self._inbound_nodes: list[Node] = []
        self._outbound_nodes: list[Node] = []

    def __call__(self, *args, **kwargs):
        if any_symbolic_tensors(args, kwargs):
            outputs = self.compute_output_spec(*args, **kwargs)
            Node(self, call_args=args, call_kwargs=kwargs, outputs=outputs)
            return outputs
        return self.call(*args, **kwargs)

    def call(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} must implement `call()`.")

    def compute_output_spec(self, *args, **kwargs):
        return compute_output_spec(self.call, *args, **kwargs)

    # -- graph introspection as in Keras ----------------------------------------------------
    def _get_node_attribute_at_index(self, node_index: int, attr: str, attr_name: str):
        if not self._inbound_nodes:
            raise AttributeError(f"The layer {self.name} has never been called and thus has no defined {attr_name}.")
        if len(self._inbound_nodes) <= node_index:
            raise ValueError(
                f"Asked to get {attr_name} at node {node_index}, but the operation has only "
                f"{len(self._inbound_nodes)} inbound nodes."
            )
        node = self._inbound_nodes[node_index]
        values = getattr(node, attr)
        if attr == "outputs" and node.output_structure is not None:
            return node.output_structure
        return values[0] if isinstance(values, list) and len(values) == 1 else values

    @property
    def input(self):
        """The symbolic input(s) of the operation's first call."""
        return self._get_node_attribute_at_index(0, "input_tensors", "input")

    @property
    def output(self):
        """The symbolic output(s) of the operation's first call."""
        return self._get_node_attribute_at_index(0, "outputs", "output")


class FunctionOperation(Operation):
    """An op function captured as a graph node, with its non-tensor arguments kept as is."""

    def __init__(self, fn, name: str):
        super().__init__(name=naming.auto_name(name))
        self.fn = fn

    def call(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def get_config(self) -> dict:
        return {"name": self.name}


def _has_symbolic(container) -> bool:
    items = container.values() if isinstance(container, dict) else container
    for item in items:
        if isinstance(item, KerasTensor):
            return True
        if isinstance(item, (list, tuple, dict)) and _has_symbolic(item):
            return True
    return False


def symbolic_op(fn):
    """Make `fn` record a graph node when called on KerasTensors; run it directly otherwise.

    The node is the operation class Keras records for the same op (see `op_serialization`),
    so that Functional configs name it as Keras does; ops Keras has no class for fall back
    to a `FunctionOperation`.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        symbolic = any(
            isinstance(arg, KerasTensor) or (isinstance(arg, (list, tuple, dict)) and _has_symbolic(arg))
            for arg in args
        ) or bool(kwargs and any_symbolic_tensors(None, kwargs))
        if not symbolic:
            return fn(*args, **kwargs)
        from kerasbridge.ops.op_serialization import symbolic_keras_op_call

        done, outputs = symbolic_keras_op_call(fn, args, kwargs)
        if done:
            return outputs
        return FunctionOperation(fn, fn.__name__)(*args, **kwargs)

    wrapper._eager = fn
    return wrapper
