"""`keras.Function`: a graph of operations between symbolic inputs and outputs, callable on tensors."""

from __future__ import annotations

from kerasbridge.ops.keras_tensor import KerasTensor
from kerasbridge.ops.operation import Operation
from kerasbridge.utils import tree


class Function(Operation):
    """The computation between `inputs` and `outputs` (KerasTensors), replayed on real tensors.

    Unlike a `Model`, a `Function` tracks no weights and has no training loop; it is the bare graph.

    Args:
        inputs: A KerasTensor, or a list, tuple or dict of them.
        outputs: The KerasTensor(s) computed from `inputs`, in any nested structure.
        name: Name of the function.

    Example:

    >>> x = keras.Input((3,))
    >>> y = keras.layers.Dense(2)(x)
    >>> f = keras.Function(x, y)
    >>> f(np.ones((4, 3))).shape
    torch.Size([4, 2])
    """

    def __init__(self, inputs, outputs, name=None):
        super().__init__(name=name)
        from kerasbridge.models.graph import map_graph

        self._inputs_struct = tree.map_structure(lambda x: x, inputs)
        self._outputs_struct = tree.map_structure(lambda x: x, outputs)
        self._inputs = tree.flatten(inputs)
        self._outputs = tree.flatten(outputs)
        if not self._inputs:
            raise ValueError(f"`inputs` argument cannot be empty. Received:\ninputs={inputs}\noutputs={outputs}")
        if not self._outputs:
            raise ValueError(f"`outputs` argument cannot be empty. Received:\ninputs={inputs}\noutputs={outputs}")
        for x in self._inputs + self._outputs:
            if not isinstance(x, KerasTensor):
                raise ValueError(f"`inputs` and `outputs` must be KerasTensors. Received {x} of type {type(x)}")
        nodes_by_depth, operations = map_graph(self._inputs, self._outputs)
        self._nodes_by_depth = nodes_by_depth
        self._operations = operations

    @property
    def operations(self) -> list:
        """The operations of the graph, inputs first."""
        return self._operations[:]

    @property
    def inputs(self) -> list:
        """The flat list of input KerasTensors."""
        return self._inputs

    @property
    def outputs(self) -> list:
        """The flat list of output KerasTensors."""
        return self._outputs

    def _run_through_graph(self, inputs, operation_fn):
        flat_inputs = tree.flatten(inputs)
        if len(flat_inputs) != len(self._inputs):
            raise ValueError(
                f"Function expects {len(self._inputs)} input(s), but it received {len(flat_inputs)} input tensors."
            )
        values = {id(ref): x for ref, x in zip(self._inputs, flat_inputs)}

        def fill(x):
            return values[id(x)] if isinstance(x, KerasTensor) else x

        for depth in sorted(self._nodes_by_depth, reverse=True):
            for node in self._nodes_by_depth[depth]:
                if node.is_input:
                    continue
                args = tree.map_structure(fill, node.call_args)
                kwargs = tree.map_structure(fill, node.call_kwargs)
                outputs = tree.flatten(operation_fn(node.operation, *args, **kwargs))
                for ref, value in zip(node.outputs, outputs):
                    values[id(ref)] = value
        return tree.pack_sequence_as(self._outputs_struct, [values[id(x)] for x in self._outputs])

    def _standardize(self, inputs):
        if isinstance(self._inputs_struct, dict) and isinstance(inputs, dict):
            return [inputs[key] for key in sorted(self._inputs_struct)]
        return inputs

    def call(self, inputs):
        """Run the graph on real tensors; returns outputs in the structure given at construction."""
        return self._run_through_graph(self._standardize(inputs), lambda op, *a, **k: op(*a, **k))

    def compute_output_spec(self, inputs):
        """Run the graph on KerasTensors: the output specs for `inputs`."""
        return self._run_through_graph(self._standardize(inputs), lambda op, *a, **k: op.compute_output_spec(*a, **k))

    def compute_output_shape(self, input_shape):
        """The output shapes for `input_shape` (one shape, or a structure of shapes matching `inputs`)."""
        from kerasbridge.backend.dtypes import standardize_dtype

        def spec(shape):
            return KerasTensor(shape, dtype=standardize_dtype("float32"))

        inputs = tree.map_shape_structure(spec, input_shape)
        return tree.map_structure(lambda x: x.shape, self.compute_output_spec(inputs))

    def get_config(self) -> dict:
        """Functions are not serializable on their own; as in Keras, only Models built from them are."""
        return {"name": self.name}
