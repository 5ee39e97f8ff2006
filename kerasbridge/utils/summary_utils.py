"""`model.summary()`: the table of layers, output shapes and parameter counts, as Keras 3 prints it.

The table is drawn with `rich` (imported on first use, so `import kerasbridge` stays light),
with the same columns, widths, markup and totals lines as Keras, so that a summary printed by
kerasbridge reads character for character like Keras's.
"""

from __future__ import annotations

import logging
import math
import re
import shutil

# Bits per element, by Keras dtype string.
_DTYPE_BITS = {
    **{f"float{i}": i for i in (16, 32, 64)},
    **{f"int{i}": i for i in (8, 16, 32, 64)},
    **{f"uint{i}": i for i in (8, 16, 32, 64)},
    "bfloat16": 16,
    "float8_e4m3fn": 8,
    "float8_e5m2": 8,
    "complex64": 64,
    "complex128": 128,
    "bool": 1,
}

_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")


# -- sizes -------------------------------------------------------------------------------------------
def count_params(weights) -> int:
    """The number of scalars in `weights` (a list of Variables or anything with `.shape`)."""
    return int(sum(math.prod(tuple(w.shape)) for w in weights))


def _dtype_bits(dtype) -> int:
    from kerasbridge.backend.dtypes import standardize_dtype

    name = standardize_dtype(dtype)
    bits = _DTYPE_BITS.get(name)
    if bits is None:
        raise ValueError(f"Invalid dtype: {name}")
    return bits


def weight_memory_size(weights) -> float:
    """The memory taken by `weights`, in bytes (each distinct variable counted once).

    Args:
        weights: An iterable of Variables (anything with `.shape` and `.dtype`).

    Returns:
        The size in bytes, as a float (a `bool` weight takes one bit).
    """
    distinct = {id(w): w for w in weights}
    bits = sum(math.prod(tuple(w.shape)) * _dtype_bits(w.dtype) for w in distinct.values())
    return bits / 8


def readable_memory_size(weight_memory_size: float) -> str:
    """`1536` -> `"1.50 KB"`: a byte count with two decimals and a 1024-based unit."""
    size = weight_memory_size
    for unit in _UNITS:
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} {_UNITS[-1]}"


# -- rich markup -------------------------------------------------------------------------------------
def highlight_number(x) -> str:
    """Rich markup for a number (a `None` dimension gets its own colour)."""
    color = 45 if x is None else 34
    return f"[color({color})]{x}[/]"


def highlight_symbol(x) -> str:
    """Rich markup for a class name."""
    return f"[color(33)]{x}[/]"


def bold_text(x, color=None) -> str:
    """Rich markup for bold (optionally coloured) text."""
    if color:
        return f"[bold][color({color})]{x}[/][/]"
    return f"[bold]{x}[/]"


# -- table cells -------------------------------------------------------------------------------------
def _format_shape(shape) -> str:
    return "(" + ", ".join(highlight_number(d) for d in shape) + ")"


def _is_shape(value) -> bool:
    return isinstance(value, (list, tuple)) and all(d is None or hasattr(d, "__index__") for d in value)


def _map_shapes(fn, shapes):
    if _is_shape(shapes):
        return fn(shapes)
    if isinstance(shapes, dict):
        return {key: _map_shapes(fn, value) for key, value in shapes.items()}
    if isinstance(shapes, (list, tuple)):
        return type(shapes)(_map_shapes(fn, value) for value in shapes)
    raise ValueError(f"Not a shape structure: {shapes}")


def _flatten_strings(structure) -> list:
    if isinstance(structure, str):
        return [structure]
    if isinstance(structure, dict):
        return [s for key in sorted(structure) for s in _flatten_strings(structure[key])]
    return [s for item in structure for s in _flatten_strings(item)]


def _join_shapes(formatted) -> str:
    flat = _flatten_strings(formatted)
    if len(flat) == 1:
        return flat[0]
    return str(formatted).replace("'", "")


def format_layer_shape(layer) -> str:
    """The "Output Shape" cell of `layer`: from its graph nodes, else from its build shapes, else `"?"`."""
    nodes = getattr(layer, "_inbound_nodes", None) or []
    build_shapes = getattr(layer, "_build_shapes_dict", None)
    if not nodes and not build_shapes:
        return "?"
    if nodes:
        # As Keras: the outputs of the layer's most recent call.
        formatted = [_format_shape(x.shape) for x in nodes[-1].outputs]
        return _join_shapes(formatted)
    try:
        output_shape = _output_shape_property(layer)
        if output_shape is not None:
            return _join_shapes(_format_shape(output_shape))
        shapes = layer.compute_output_shape(**build_shapes)
        return _join_shapes(_map_shapes(_format_shape, shapes))
    except Exception:
        return "?"


def _output_shape_property(layer):
    try:
        return layer.output_shape
    except AttributeError:
        return None


def _class_name(operation) -> str:
    from kerasbridge.ops.operation import FunctionOperation

    if isinstance(operation, FunctionOperation) and hasattr(operation, "fn"):
        # Keras records `ops.add(x, y)` as an `Add` operation: show the class name Keras would.
        return "".join(part[:1].upper() + part[1:] for part in operation.fn.__name__.split("_"))
    return type(operation).__name__


def get_layer_index_bound_by_layer_name(layers, layer_range=None) -> list:
    """The slice `[first, last + 1]` of `layers` selected by `layer_range` (two names or regexes).

    Args:
        layers: The layers of the model, in summary order.
        layer_range: `None` (all layers) or a list/tuple of two strings: the first layer is the
            first one whose name matches `layer_range[0]`, the last one is the last layer whose
            name matches `layer_range[1]` (both matched with `re.match`, both inclusive).

    Returns:
        `[start_index, end_index]`, to slice `layers` with.
    """
    if layer_range is None:
        return [0, len(layers)]
    if len(layer_range) != 2:
        raise ValueError(
            "layer_range must be a list or tuple of length 2. Received: "
            f"layer_range = {layer_range} of length {len(layer_range)}"
        )
    if not all(isinstance(name, str) for name in layer_range):
        raise ValueError(f"layer_range should contain string type only. Received: {layer_range}")
    starts = [i for i, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
    ends = [i for i, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
    if not starts or not ends:
        raise ValueError(
            f"Passed layer_names do not match the layer names in the model. Received: {layer_range}"
        )
    if min(starts) > max(ends):
        return [min(ends), max(starts) + 1]
    return [min(starts), max(ends) + 1]


# -- model structure ---------------------------------------------------------------------------------
def _is_sequential_like(model) -> bool:
    """Whether a Functional model is a plain chain (no branches, merges or shared layers)."""
    seen_nodes = set()
    for depth_nodes in model._nodes_by_depth.values():
        if len(depth_nodes) > 1:
            return False
        if len(depth_nodes) == 1 and len(depth_nodes[0].input_tensors) > 1:
            return False
        seen_nodes.update(id(node) for node in depth_nodes)
    for layer in model.layers:
        if sum(id(node) in seen_nodes for node in layer._inbound_nodes) > 1:
            return False
    return True


def _summary_layers(model):
    """`(layers, sequential_like, graph_node_ids)` for the rows of `model`'s table."""
    from kerasbridge.models.functional import Functional
    from kerasbridge.models.sequential import Sequential

    if isinstance(model, Sequential) or not isinstance(model, Functional):
        # Subclassed models are shown as a plain list of their layers.
        return model.layers, True, set()
    node_ids = {id(node) for nodes in model._nodes_by_depth.values() for node in nodes}
    return list(model._operations), _is_sequential_like(model), node_ids


def _column_widths(positions, line_length: int) -> list:
    widths, current = [], 0
    absolute = positions[-1] > 1
    for position in positions:
        width = (int(position) if absolute else int(position * line_length)) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        current += width
    return widths


def _print_msg(message: str) -> None:
    """Where summaries go when interactive logging is off: Python logging."""
    logging.getLogger("kerasbridge").info(message)


def _is_interactive_logging_enabled() -> bool:
    from kerasbridge import config

    return config.is_interactive_logging_enabled()


def print_summary(
    model,
    line_length=None,
    positions=None,
    print_fn=None,
    expand_nested=False,
    show_trainable=False,
    layer_range=None,
):
    """Print a summary of `model`: one row per layer, then its parameter totals and their size.

    Args:
        model: A kerasbridge `Model` (Sequential, Functional or subclassed).
        line_length: Total width of the table. Defaults to 88 characters (108 when a
            "Connected to" column is shown, 12 more with `show_trainable`), capped at the
            terminal width minus 4.
        positions: Right edges of the columns, as fractions of `line_length` (or, if the last
            one is above 1, as absolute character positions). Defaults to
            `[0.45, 0.80, 1.0]`, or `[0.3, 0.56, 0.74, 1.0]` with a "Connected to" column.
        print_fn: Function called once with the whole summary text (rendered without colour).
            Defaults to printing to stdout (with colour on a terminal), or to Python logging
            when interactive logging is disabled.
        expand_nested: Whether to list the layers of nested models below them.
        show_trainable: Whether to add a "Trainable" column.
        layer_range: Two layer names (or regexes), the first and last layers to show
            (both inclusive). `None` shows all layers.
    """
    import rich.console
    import rich.markup
    import rich.table

    if not print_fn and not _is_interactive_logging_enabled():
        print_fn = _print_msg

    layers, sequential_like, graph_node_ids = _summary_layers(model)
    if sequential_like:
        default_line_length = 88
        positions = positions or [0.45, 0.80, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
        alignment = ["left", "left", "right"]
    else:
        default_line_length = 108
        positions = positions or [0.3, 0.56, 0.74, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        alignment = ["left", "left", "right", "left"]
    if show_trainable:
        default_line_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        alignment.append("center")

    default_line_length = min(default_line_length, shutil.get_terminal_size().columns - 4)
    line_length = line_length or default_line_length
    if len(positions) != len(header):
        raise ValueError(
            f"`positions` must give one position per column ({len(header)}: {header}). "
            f"Received: positions={positions}"
        )
    widths = _column_widths(positions, line_length)
    columns = [
        rich.table.Column(name, justify=justify, width=width)
        for name, justify, width in zip(header, alignment, widths, strict=True)
    ]
    table = rich.table.Table(*columns, width=line_length, show_lines=True)

    def connections(layer) -> str:
        found = []
        for node in getattr(layer, "_inbound_nodes", None) or []:
            if graph_node_ids and id(node) not in graph_node_ids:
                continue  # a call outside this model
            for x in node.input_tensors:
                operation, node_index, tensor_index = x._keras_history
                found.append(
                    f"{operation.name}[{highlight_number(node_index)}][{highlight_number(tensor_index)}]"
                )
        return ", ".join(found) or "-"

    def fields(layer, prefix: str) -> list:
        name = rich.markup.escape(f"{prefix}{layer.name}")
        name += f" ({highlight_symbol(rich.markup.escape(_class_name(layer)))})"
        if not hasattr(layer, "built"):
            params = highlight_number(0)
        elif not layer.built:
            params = f"{highlight_number(0)} (unbuilt)"
        else:
            params = highlight_number(f"{layer.count_params():,}")
        row = [name, format_layer_shape(layer), params]
        if not sequential_like:
            row.append(connections(layer))
        if show_trainable:
            if len(getattr(layer, "weights", None) or []) > 0:
                row.append(bold_text("Y", color=34) if layer.trainable else bold_text("N", color=9))
            else:
                row.append(bold_text("-"))
        return row

    def rows(layer, level: int = 0) -> list:
        prefix = "   " * level + "└ " if level else ""
        found = [fields(layer, prefix)]
        nested = getattr(layer, "layers", None) if expand_nested else None
        if nested:
            for sublayer in nested:
                found.extend(rows(sublayer, level + 1))
        return found

    start, stop = get_layer_index_bound_by_layer_name(layers, layer_range)
    for layer in layers[start:stop]:
        for row in rows(layer):
            table.add_row(*row)

    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    totals = [
        ("Total params", None, None),
        ("Trainable params", count_params(trainable), weight_memory_size(trainable)),
        ("Non-trainable params", count_params(non_trainable), weight_memory_size(non_trainable)),
    ]
    optimizer = getattr(model, "optimizer", None) if getattr(model, "compiled", False) else None
    if optimizer is not None and getattr(optimizer, "built", False):
        optimizer_variables = optimizer.variables
        totals.append(
            ("Optimizer params", count_params(optimizer_variables), weight_memory_size(optimizer_variables))
        )
    total_count = sum(count for _, count, _ in totals[1:])
    total_size = sum(size for _, _, size in totals[1:])
    totals[0] = ("Total params", total_count, total_size)

    if print_fn:
        console = rich.console.Console(highlight=False, force_terminal=False, color_system=None)
        console.begin_capture()
    else:
        console = rich.console.Console(highlight=False)
    console.print(bold_text(f'Model: "{rich.markup.escape(model.name)}"'))
    console.print(table)
    for label, count, size in totals:
        console.print(
            bold_text(f" {label}: ") + highlight_number(f"{count:,}") + f" ({readable_memory_size(size)})"
        )
    if print_fn:
        print_fn(console.end_capture())


__all__ = [
    "count_params",
    "format_layer_shape",
    "get_layer_index_bound_by_layer_name",
    "print_summary",
    "readable_memory_size",
    "weight_memory_size",
]
