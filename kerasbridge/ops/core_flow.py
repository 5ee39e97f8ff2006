"""Control-flow ops of `keras.ops.core`: cond, loops, scans, maps, switch, custom gradients.

On symbolic inputs they record graph nodes; during shape inference (`meta` tensors) the
data-dependent ones take their first branch or return their loop variables unchanged.
"""

from __future__ import annotations

import builtins
import functools
import re

import torch

from kerasbridge.ops._utils import get_device, tensor
from kerasbridge.ops.keras_tensor import KerasTensor
from kerasbridge.ops.operation import symbolic_op
from kerasbridge.utils import tree


def cond(pred, true_fn, false_fn):
    """Run `true_fn()` if `pred` is true, else `false_fn()`.

    Args:
        pred: A boolean scalar (Python bool or tensor).
        true_fn: Callable returning the output when `pred` is true.
        false_fn: Callable returning the output when `pred` is false.

    Returns:
        The output of the selected branch.
    """
    if isinstance(pred, KerasTensor):
        return _symbolic_cond(pred, true_fn, false_fn)
    if get_device() == "meta" or (isinstance(pred, torch.Tensor) and pred.is_meta):
        return true_fn()
    return true_fn() if pred else false_fn()


@symbolic_op
def _symbolic_cond(pred, true_fn, false_fn):
    return true_fn()


@symbolic_op
def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Repeat `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` holds.

    Args:
        cond: Callable returning a boolean scalar from the loop variables.
        body: Callable returning new loop variables (same structure).
        loop_vars: A tensor or a list/tuple of tensors.
        maximum_iterations: Optional cap on the number of iterations.

    Returns:
        The final loop variables, in the structure of `loop_vars`.
    """
    is_sequence = isinstance(loop_vars, (list, tuple))
    loop_vars = tuple(loop_vars) if is_sequence else (loop_vars,)
    loop_vars = tree.map_structure(tensor, loop_vars)
    if builtins.any(v.is_meta for v in tree.flatten(loop_vars)):  # shape inference
        return loop_vars if is_sequence else loop_vars[0]
    iteration = 0
    while (maximum_iterations is None or iteration < maximum_iterations) and cond(*loop_vars):
        loop_vars = body(*loop_vars)
        loop_vars = tuple(loop_vars) if isinstance(loop_vars, (list, tuple)) else (loop_vars,)
        iteration += 1
    return loop_vars if is_sequence else loop_vars[0]


def fori_loop(lower, upper, body_fun, init_val):
    """Run `val = body_fun(i, val)` for `i` in `range(lower, upper)`.

    Args:
        lower: First loop index (int).
        upper: Loop end, exclusive (int).
        body_fun: Callable `(i, val) -> val`.
        init_val: The initial value.

    Returns:
        The final value.
    """
    if isinstance(init_val, KerasTensor) or tree.is_nested(init_val) and _has_symbolic(init_val):
        return _symbolic_fori_loop(lower, upper, body_fun, init_val)
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def _has_symbolic(structure) -> bool:
    return builtins.any(isinstance(leaf, KerasTensor) for leaf in tree.flatten(structure))


@symbolic_op
def _symbolic_fori_loop(lower, upper, body_fun, init_val):
    return fori_loop(lower, upper, body_fun, init_val)


@symbolic_op
def vectorized_map(function, elements):
    """Map `function` over the first axis of `elements`, vectorized with `torch.vmap`.

    Args:
        function: Callable applied to one slice of `elements`.
        elements: A tensor or a structure of tensors.

    Returns:
        The stacked outputs.
    """
    return torch.vmap(function)(elements)


@symbolic_op
def map(f, xs):
    """Apply `f` to each slice of `xs` along its first axis and stack the results.

    Args:
        f: Callable applied to each element.
        xs: A tensor or structure of tensors to map over.

    Returns:
        The stacked outputs of `f`.
    """
    _, ys = scan(lambda carry, x: ((), f(x)), (), xs)
    return ys


@symbolic_op
def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loop `carry, y = f(carry, x)` over the leading axis of `xs`, stacking the `y`s.

    Args:
        f: Callable `(carry, x) -> (carry, y)`.
        init: The initial carry.
        xs: Values to loop over (optional when `length` is given).
        length: Number of iterations (defaults to the leading size of `xs`).
        reverse: Whether to loop from the end.
        unroll: Accepted for API compatibility.

    Returns:
        A pair `(final_carry, stacked_ys)`.
    """
    if not callable(f):
        raise TypeError(f"`f` should be a callable. Received: f={f}")
    if not isinstance(unroll, bool) and (not isinstance(unroll, int) or unroll < 1):
        raise ValueError(f"`unroll` must be an positive integer or boolean. Received: unroll={unroll}")
    if xs is None and length is None:
        raise ValueError("Got no `xs` to scan over and `length` not provided.")
    xs_flat = [] if xs is None else [tensor(x) for x in tree.flatten(xs)]
    n = int(length) if length is not None else xs_flat[0].shape[0]
    carry = tree.map_structure(tensor, init)
    no_output = [torch.zeros_like(leaf) for leaf in tree.flatten(carry)]  # stands in for `y=None`
    ys = []
    steps = range(n - 1, -1, -1) if reverse else range(n)
    for i in steps:
        x = tree.pack_sequence_as(xs, [v[i] for v in xs_flat]) if xs is not None else None
        carry, y = f(carry, x)
        ys.append(no_output if y is None else y)
    if reverse:
        ys.reverse()
    return carry, tree.map_structure(lambda *items: torch.stack(items), *ys)


@symbolic_op
def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive scan of the associative binary function `f` along `axis`.

    Args:
        f: Associative callable combining two elements (structures like `elems`).
        elems: A tensor or structure of tensors.
        reverse: Whether to scan from the end.
        axis: The axis to scan along.

    Returns:
        A structure like `elems` holding the running combinations.
    """
    flat = [tensor(e) for e in tree.flatten(elems)]
    if reverse:
        flat = [torch.flip(e, (axis,)) for e in flat]
    n = flat[0].shape[axis]
    parts = [[e.select(axis, i).unsqueeze(axis) for e in flat] for i in range(n)]
    results = [parts[0]] if n else []
    for i in range(1, n):
        combined = f(tree.pack_sequence_as(elems, results[-1]), tree.pack_sequence_as(elems, parts[i]))
        results.append([tensor(c) for c in tree.flatten(combined)])
    out = [torch.cat([r[j] for r in results], dim=axis) for j in range(len(flat))]
    if reverse:
        out = [torch.flip(e, (axis,)) for e in out]
    return tree.pack_sequence_as(elems, out)


def switch(index, branches, *operands):
    """Apply `branches[index](*operands)`, with `index` clamped to the valid range.

    Args:
        index: Integer scalar selecting the branch.
        branches: A list of callables.
        *operands: Arguments passed to the chosen branch.

    Returns:
        The outputs of the chosen branch.
    """
    if _has_symbolic(operands) or isinstance(index, KerasTensor):
        return _symbolic_switch(index, branches, *operands)
    index = builtins.min(builtins.max(int(index), 0), len(branches) - 1)
    return branches[index](*operands)


@symbolic_op
def _symbolic_switch(index, branches, *operands):
    if isinstance(index, torch.Tensor) and index.is_meta:
        return branches[0](*operands)
    return switch(index, branches, *operands)


def custom_gradient(f):
    """Decorator giving `f` a custom gradient.

    `f` returns `(output, grad_fn)`, where `grad_fn(*args, upstream)` returns the gradients
    with respect to the tensor arguments of `f`.

    Args:
        f: The function to decorate.

    Returns:
        A function computing `f`'s output, differentiated with `grad_fn`.
    """

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        return _CustomGradient.apply(f, kwargs, *args)

    return wrapper


class _CustomGradient(torch.autograd.Function):
    @staticmethod
    def forward(ctx, forward_fn, kwargs, *args):
        ctx.save_for_backward(*args)
        output, ctx.grad_fn = forward_fn(*args, **kwargs)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        grads = ctx.grad_fn(*ctx.saved_tensors, upstream=grad_output)
        if not isinstance(grads, tuple):
            grads = (grads,)
        return (None, None) + grads


_CORE_DIMS = re.compile(r"\(([\w,]*)\)")


def _parse_signature(signature):
    if not re.match(r"^(\(\w*(,\w+)*\))(,\(\w*(,\w+)*\))*->(\(\w*(,\w+)*\))(,\(\w*(,\w+)*\))*$", signature):
        raise ValueError(f"not a valid gufunc signature: {signature}")
    inputs, outputs = signature.split("->")
    parse = lambda side: [tuple(d for d in dims.split(",") if d) for dims in _CORE_DIMS.findall(side)]  # noqa: E731
    return parse(inputs), parse(outputs)


def vectorize(pyfunc, *, excluded=None, signature=None):
    """Turn `pyfunc`, written for single elements (or core sub-arrays), into a function of tensors.

    Args:
        pyfunc: Callable on tensors.
        excluded: Positions or names of arguments passed through unvectorized.
        signature: Generalized ufunc signature such as `"(m,n),(n)->(m)"`; without one,
            `pyfunc` sees scalars.

    Returns:
        The vectorized function (broadcasting its loop dimensions, like `numpy.vectorize`).
    """
    if not callable(pyfunc):
        raise ValueError(f"Expected argument `pyfunc` to be a callable. Received: pyfunc={pyfunc}")
    excluded = set(excluded or ())
    core_in = _parse_signature(signature)[0] if signature is not None else None

    @functools.wraps(pyfunc)
    def wrapped(*args, **kwargs):
        fixed = {i: a for i, a in enumerate(args) if i in excluded or a is None}
        loop_positions = [i for i in range(len(args)) if i not in fixed]
        loop_args = [tensor(args[i]) for i in loop_positions]
        cores = [()] * len(loop_args) if core_in is None else [core_in[i] for i in loop_positions]
        if len(cores) != len(loop_args):
            raise TypeError(f"wrong number of positional arguments: expected {len(cores)}, got {len(loop_args)}")
        loop_shapes = [a.shape[: a.ndim - len(c)] for a, c in zip(loop_args, cores)]
        batch = torch.broadcast_shapes(*loop_shapes) if loop_shapes else ()
        loop_args = [a.expand(*batch, *a.shape[a.ndim - len(c) :]) for a, c in zip(loop_args, cores)]

        def call(*values):
            full = dict(fixed)
            full.update(zip(loop_positions, values))
            return pyfunc(*(full[i] for i in range(len(args))), **kwargs)

        fn = call
        for _ in batch:
            fn = torch.vmap(fn)
        return fn(*loop_args)

    return wrapped


__all__ = [
    "associative_scan", "cond", "custom_gradient", "fori_loop", "map", "scan", "switch", "vectorize", "vectorized_map", "while_loop",
]
