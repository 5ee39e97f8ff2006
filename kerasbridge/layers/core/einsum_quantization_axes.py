"""How an `EinsumDense` equation lays out per-axis quantization scales (Keras's analysis, reproduced)."""

from __future__ import annotations

import dataclasses
import re
import string


@dataclasses.dataclass(frozen=True)
class EinsumQuantizationAxes:
    """Axes reduced when quantizing the inputs and the kernel, and how their scales are reshaped.

    A scale computed with `keepdims` over `*_reduced_axes` is transposed by
    `*_transpose_axes`, expanded at `*_expand_axes` and squeezed at `*_squeeze_axes`
    so that it broadcasts against the einsum output. `gradient_equation` maps the
    output gradient and the kernel back to the inputs' gradient.
    """

    input_reduced_axes: tuple
    kernel_reduced_axes: tuple
    input_transpose_axes: tuple
    kernel_transpose_axes: tuple
    input_expand_axes: tuple
    kernel_expand_axes: tuple
    input_squeeze_axes: tuple
    kernel_squeeze_axes: tuple
    gradient_equation: str


def _full_specs(equation: str, input_ndim: int):
    """Input, kernel and output subscripts with any ellipsis replaced by fresh letters."""
    normalized = re.sub(r"\.\.\.", "0", equation)
    match = re.match("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", normalized)
    if match:
        return match.groups()
    for pattern, on_left in (("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", True),
                             ("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", False)):
        match = re.match(pattern, normalized)
        if match:
            input_spec, kernel_spec, output_spec = match.groups()
            free = sorted(set(string.ascii_letters) - set(input_spec) - set(kernel_spec) - set(output_spec))
            for letter in free[:input_ndim - len(input_spec)]:
                input_spec, output_spec = ((letter + input_spec, letter + output_spec) if on_left
                                           else (input_spec + letter, output_spec + letter))
            return input_spec, kernel_spec, output_spec
    raise ValueError(
        f"Invalid einsum equation '{equation}'. Equations must be in the form [X],[Y]->[Z], ...[X],[Y]->...[Z], "
        "or [X]...,[Y]->[Z]...."
    )


def _layout(spec: str, output_spec: str):
    reduced = [i for i, letter in enumerate(spec) if letter not in output_spec]
    expand = [i for i, letter in enumerate(output_spec) if letter not in spec]
    transpose = [spec.index(letter) for letter in output_spec if letter in spec]
    squeeze = []
    position = None
    for axis in reduced:
        # Each reduced axis takes the place of an output axis missing from `spec`; once those run
        # out it is squeezed and re-inserted at the last place used (Keras's exact behaviour).
        if expand:
            position = expand.pop(0)
        else:
            squeeze.append(axis)
        if position is None:
            raise ValueError(f"Cannot quantize an einsum whose subscripts '{spec}' reduce axes before any "
                             f"output axis is available ('{output_spec}').")
        transpose.insert(position, axis)
    return tuple(reduced), tuple(transpose), tuple(expand), tuple(squeeze)


def analyze_quantization_axes(equation: str, input_ndim: int) -> EinsumQuantizationAxes:
    """The `EinsumQuantizationAxes` of `equation` for inputs of rank `input_ndim`."""
    input_spec, kernel_spec, output_spec = _full_specs(equation, input_ndim)
    input_reduced, input_transpose, input_expand, input_squeeze = _layout(input_spec, output_spec)
    kernel_reduced, kernel_transpose, kernel_expand, kernel_squeeze = _layout(kernel_spec, output_spec)
    return EinsumQuantizationAxes(
        input_reduced, kernel_reduced, input_transpose, kernel_transpose, input_expand, kernel_expand,
        input_squeeze, kernel_squeeze, f"{output_spec},{kernel_spec}->{input_spec}",
    )


def scale_for_output(scale, transpose_axes, expand_axes, squeeze_axes):
    """Reshape a `keepdims` scale so it broadcasts against the einsum output."""
    if transpose_axes:
        scale = scale.permute(*transpose_axes)
    for axis in sorted(expand_axes):
        scale = scale.unsqueeze(axis)
    if squeeze_axes:
        scale = scale.squeeze(tuple(squeeze_axes))
    return scale


def scale_for_kernel(scale, axes: EinsumQuantizationAxes):
    """Undo `scale_for_output` for the kernel scale, so it broadcasts against the kernel."""
    for axis in sorted(axes.kernel_squeeze_axes):
        scale = scale.unsqueeze(axis)
    if axes.kernel_expand_axes:
        scale = scale.squeeze(tuple(axes.kernel_expand_axes))
    if axes.kernel_transpose_axes:
        inverse = sorted(range(len(axes.kernel_transpose_axes)), key=axes.kernel_transpose_axes.__getitem__)
        scale = scale.permute(*inverse)
    return scale
