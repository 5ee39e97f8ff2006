"""`keras.ops.linalg`: decompositions, inverses, solvers and norms, via `torch.linalg`."""

from __future__ import annotations

import torch

from kerasbridge.ops._utils import config, result_type, tensor, to_dtype
from kerasbridge.ops.operation import symbolic_op


def _square_matrices(x):
    x = tensor(x)
    if x.ndim < 2:
        raise ValueError(f"Expected input to have rank >= 2. Received input with shape {tuple(x.shape)}.")
    if x.shape[-1] != x.shape[-2]:
        raise ValueError(f"Expected a square matrix. Received non-square input with shape {tuple(x.shape)}")
    return x


def _matrices(x):
    x = tensor(x)
    if x.ndim < 2:
        raise ValueError(f"Expected input to have rank >= 2. Received input with shape {tuple(x.shape)}.")
    return x


@symbolic_op
def cholesky(x, upper=False):
    """Cholesky factor of (batches of) symmetric positive-definite matrices.

    Args:
        x: Input tensor of shape `(..., M, M)`.
        upper: Whether to return the upper factor instead of the lower one.

    Returns:
        The triangular factor, shape `(..., M, M)`.
    """
    x = _square_matrices(x)
    try:
        return torch.linalg.cholesky(x, upper=upper)
    except Exception as e:
        raise ValueError(f"Cholesky decomposition failed: {e}") from e


@symbolic_op
def cholesky_inverse(x, upper=False):
    """Inverse of a matrix from its Cholesky factor `x`."""
    return torch.cholesky_inverse(_square_matrices(x), upper=upper)


@symbolic_op
def det(x):
    """Determinant of (batches of) square matrices."""
    return torch.linalg.det(_square_matrices(x))


@symbolic_op
def inv(x):
    """Inverse of (batches of) square matrices."""
    return torch.linalg.inv(_square_matrices(x))


@symbolic_op
def eig(x):
    """Eigenvalues and eigenvectors of (batches of) square matrices (complex results)."""
    return torch.linalg.eig(_square_matrices(x))


@symbolic_op
def eigh(x):
    """Eigenvalues (ascending) and eigenvectors of (batches of) symmetric/Hermitian matrices."""
    return torch.linalg.eigh(_square_matrices(x))


@symbolic_op
def lu_factor(x):
    """LU factorization with partial pivoting; returns `(lu, pivots)` with 0-based pivots."""
    lu, pivots = torch.linalg.lu_factor(_matrices(x))
    return lu, pivots - 1


@symbolic_op
def norm(x, ord=None, axis=None, keepdims=False):
    """Matrix or vector norm.

    Args:
        x: Input tensor.
        ord: Order of the norm (as numpy: None, "fro", "nuc", inf, -inf, or a number).
        axis: An int (vector norm), a pair of ints (matrix norm) or None (flattened
            vector norm, or matrix norm for 2-D inputs when `ord` is set).
        keepdims: Whether to keep the reduced axes with size 1.

    Returns:
        The norm.
    """
    if isinstance(ord, str) and ord not in ("fro", "nuc"):
        raise ValueError(f"Invalid `ord` argument. Expected one of {{'fro', 'nuc'}} when using string. Received: ord={ord}")
    x = tensor(x)
    dtype = config.floatx() if x.dtype == torch.int64 else result_type(x.dtype, float)
    axis = tuple(axis) if isinstance(axis, list) else axis
    return torch.linalg.norm(to_dtype(x, dtype), ord=ord, dim=axis, keepdim=keepdims)


@symbolic_op
def qr(x, mode="reduced"):
    """QR decomposition; `mode` is `"reduced"` or `"complete"`. Returns `(q, r)`."""
    if mode not in ("reduced", "complete"):
        raise ValueError(f"`mode` argument value not supported. Expected one of {{'reduced', 'complete'}}. Received: mode={mode}")
    return torch.linalg.qr(tensor(x), mode=mode)


def _check_rhs(a, b):
    if b.ndim < 1:
        raise ValueError(f"Expected input to have rank >= 1. Received scalar input {b}.")
    rows = b.shape[-2] if a.ndim == b.ndim else b.shape[-1]
    if a.shape[-2] != rows:
        raise ValueError(
            f"Incompatible shapes between `a` and `b`. Expected `a.shape[-2] == b.shape[-{2 if a.ndim == b.ndim else 1}]`. "
            f"Received: a.shape={tuple(a.shape)}, b.shape={tuple(b.shape)}"
        )


@symbolic_op
def solve(a, b):
    """Solve `a @ x = b` for `x` (`b` a vector or a matrix of right-hand sides)."""
    a, b = _square_matrices(a), tensor(b)
    _check_rhs(a, b)
    return torch.linalg.solve(a, b)


@symbolic_op
def solve_triangular(a, b, lower=False):
    """Solve `a @ x = b` for a triangular `a` (upper unless `lower`)."""
    a, b = _square_matrices(a), tensor(b)
    _check_rhs(a, b)
    if b.ndim == a.ndim - 1:
        return torch.linalg.solve_triangular(a, b.unsqueeze(-1), upper=not lower).squeeze(-1)
    return torch.linalg.solve_triangular(a, b, upper=not lower)


@symbolic_op
def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition: `(u, s, vh)`, or only `s` when not `compute_uv`."""
    x = _matrices(x)
    if not compute_uv:
        return torch.linalg.svdvals(x)
    return torch.linalg.svd(x, full_matrices=full_matrices)


@symbolic_op
def lstsq(a, b, rcond=None):
    """Least-squares solution of `a @ x = b`."""
    a, b = tensor(a), tensor(b)
    if rcond is not None:
        if a.device.type == "cuda":
            return torch.linalg.pinv(a, rtol=rcond) @ b
        return torch.linalg.lstsq(a, b, rcond=rcond, driver="gelsd")[0]
    return torch.linalg.lstsq(a, b)[0]


@symbolic_op
def matrix_rank(x, tol=None):
    """Rank of (batches of) matrices, counting singular values above `tol` (int32)."""
    return torch.linalg.matrix_rank(tensor(x), atol=tol).to(torch.int32)


@symbolic_op
def pinv(x, rcond=None):
    """Moore-Penrose pseudo-inverse; singular values below `rcond * largest` are dropped."""
    return torch.linalg.pinv(tensor(x), rtol=rcond)


def jvp(fun, primals, tangents, has_aux=False):
    """Jacobian-vector product of `fun` at `primals` along `tangents` (`torch.func.jvp`)."""
    return torch.func.jvp(fun, primals, tangents, has_aux=has_aux)


__all__ = [
    "cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "jvp", "lstsq", "lu_factor", "matrix_rank",
    "norm", "pinv", "qr", "solve", "solve_triangular", "svd",
]
