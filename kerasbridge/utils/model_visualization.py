"""`keras.utils.model_to_dot` and `keras.utils.plot_model`: draw a model's layer graph with pydot/graphviz."""

from __future__ import annotations

import os
import sys


def _pydot():
    try:
        import pydot
    except ImportError:
        return None
    return pydot


def _graphviz_available(pydot) -> bool:
    try:
        pydot.Dot.create(pydot.Dot())
    except (OSError, pydot.PydotException):
        return False
    return True


def _shape_text(shape) -> str:
    return str(tuple(shape)) if shape is not None else "?"


def _layer_label(layer, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable) -> str:
    title = f"{layer.name} ({type(layer).__name__})" if show_layer_names else type(layer).__name__
    lines = [title]
    if show_layer_activations and getattr(layer, "activation", None) is not None:
        activation = layer.activation
        lines.append(f"Activation: {getattr(activation, '__name__', type(activation).__name__)}")
    if show_dtype:
        lines.append(f"Output dtype: {getattr(layer, 'compute_dtype', None)}")
    if show_shapes:
        try:
            output = layer.output
            shapes = [_shape_text(x.shape) for x in (output if isinstance(output, (list, tuple)) else [output])]
        except (AttributeError, ValueError):
            shapes = ["?"]
        lines.append(f"Output shape: {', '.join(shapes)}")
    if show_trainable:
        lines.append(f"Trainable: {'T' if layer.trainable else 'F'}")
    return "\\n".join(lines)


def _edges(model) -> list:
    """`(source_layer, target_layer)` pairs of a Functional or Sequential model."""
    layers = list(model.layers)
    if not hasattr(model, "_nodes_by_depth"):
        return list(zip(layers, layers[1:]))
    in_model = {id(layer) for layer in layers}
    edges = []
    for layer in layers:
        for node in getattr(layer, "_inbound_nodes", []):
            for parent in getattr(node, "parent_nodes", []):
                if id(parent.operation) in in_model:
                    edges.append((parent.operation, layer))
    return edges


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=200, subgraph=False, show_layer_activations=False, show_trainable=False,
                 splines="ortho", **kwargs):
    """Build a `pydot.Dot` graph of a model's layers (one box per layer, edges between connected layers).

    Args:
        model: A built Sequential or Functional model.
        show_shapes: Add each layer's output shape.
        show_dtype: Add each layer's compute dtype.
        show_layer_names: Title boxes with layer names (else class names).
        rankdir: Graphviz direction, `"TB"` or `"LR"`.
        expand_nested: Accepted for Keras compatibility; nested models are drawn as one box.
        dpi: Image resolution.
        subgraph: Return a `pydot.Cluster` instead of a `pydot.Dot`.
        show_layer_activations: Add the activation of layers that have one.
        show_trainable: Add whether each layer is trainable.
        splines: Graphviz edge style.

    Returns:
        A `pydot.Dot` (or `pydot.Cluster`).

    Raises:
        ImportError: when pydot is not installed.
    """
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    pydot = _pydot()
    if pydot is None:
        raise ImportError("You must install pydot (`pip install pydot`) for model_to_dot to work.")
    if not model.built:
        raise ValueError("This model has not yet been built. Build the model first by calling `build()` or by "
                         "calling the model on a batch of data.")
    if subgraph:
        dot = pydot.Cluster(style="dashed", graph_name=model.name)
        dot.set("label", model.name)
        dot.set("labeljust", "l")
    else:
        dot = pydot.Dot()
        dot.set("rankdir", rankdir)
        dot.set("concentrate", True)
        dot.set("dpi", dpi)
        dot.set("splines", splines)
        dot.set_node_defaults(shape="record")
    for layer in model.layers:
        label = _layer_label(layer, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable)
        dot.add_node(pydot.Node(str(id(layer)), label=label))
    for source, target in _edges(model):
        dot.add_edge(pydot.Edge(str(id(source)), str(id(target))))
    return dot


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=False,
               rankdir="TB", expand_nested=False, dpi=200, show_layer_activations=False, show_trainable=False,
               splines="ortho", **kwargs):
    """Draw a model's layer graph to an image file (needs pydot and graphviz).

    Args:
        model: A built model.
        to_file: Output file; the suffix chooses the format (`png` when none).
        show_shapes, show_dtype, show_layer_names, rankdir, expand_nested, dpi, show_layer_activations,
            show_trainable, splines: As in `model_to_dot`.

    Returns:
        An `IPython.display.Image` when IPython is installed and the format is not PDF, else `None`.

    Raises:
        ImportError: when pydot or graphviz is missing (outside notebooks, where a message is printed instead).
    """
    from kerasbridge.utils.io_utils import print_msg

    pydot = _pydot()
    missing = None
    if pydot is None:
        missing = "You must install pydot (`pip install pydot`) for `plot_model` to work."
    elif not _graphviz_available(pydot):
        missing = ("You must install graphviz (see instructions at https://graphviz.gitlab.io/download/) "
                   "for `plot_model` to work.")
    if missing:
        if "IPython.core.magics.namespace" in sys.modules:
            print_msg(missing)
            return None
        raise ImportError(missing)
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                       rankdir=rankdir, expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations, show_trainable=show_trainable,
                       splines=splines, **kwargs)
    to_file = str(to_file)
    extension = os.path.splitext(to_file)[1][1:] or "png"
    dot.write(to_file, format=extension)
    if extension != "pdf":
        try:
            from IPython import display
        except ImportError:
            return None
        return display.Image(filename=to_file)
    return None
