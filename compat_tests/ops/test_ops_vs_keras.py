"""Differential sweep: `kerasbridge.ops` against `keras.ops` (torch backend) on the same inputs.

Each case calls one op on the same numpy inputs through both libraries and checks that the
outputs have identical dtypes, identical shapes and values within 1e-6. A few symbolic
calls compare output shapes and dtypes of `keras.KerasTensor`s with kerasbridge's.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge.ops as kops  # noqa: E402
from kerasbridge.ops.keras_tensor import KerasTensor  # noqa: E402

rng = np.random.default_rng(1234)


def randn(*shape, dtype="float32"):
    return rng.standard_normal(shape).astype(dtype)


def randint(*shape, low=-5, high=6, dtype="int32"):
    return rng.integers(low, high, size=shape).astype(dtype)


def rand(*shape, dtype="float32"):
    return rng.uniform(0.05, 0.95, size=shape).astype(dtype)


F = randn(2, 3)
F2 = randn(2, 3)
F3 = randn(2, 3, 4)
F64 = randn(2, 3, dtype="float64")
F16 = randn(2, 3, dtype="float16")
I = randint(2, 3)  # noqa: E741
I2 = randint(2, 3, low=1)
I8 = randint(2, 3, low=1, dtype="int8")
I64 = randint(2, 3, dtype="int64")
U8 = randint(2, 3, low=0, dtype="uint8")
B = rng.random((2, 3)) > 0.5
B2 = rng.random((2, 3)) > 0.5
POS = rand(2, 3)
SQ = randn(3, 3)
SPD = (SQ @ SQ.T + 3 * np.eye(3)).astype("float32")
VEC = randn(5)
NANS = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]], dtype="float32")
SORTED = np.array([0.0, 1.0, 2.5, 4.0], dtype="float32")
PROBS = rand(4, 3)
ONEHOT = np.eye(3, dtype="float32")[[0, 2, 1, 1]]
LABELS = np.array([0, 2, 1, 1], dtype="int32")
IMG = randn(2, 9, 8, 3)
IMG_ODD = randn(2, 7, 7, 3)
SEQ = randn(2, 10, 3)
VOL = randn(1, 5, 6, 7, 2)


def case(name, *args, **kwargs):
    return pytest.param(name, args, kwargs, id=f"{name}-{len(CASES)}")


CASES = []


def add(name, *args, **kwargs):
    CASES.append(case(name, *args, **kwargs))


# -- element-wise math: dtype promotion across inputs -------------------------------------
for op in ("add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "mod", "power",
           "maximum", "minimum", "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
           "divide_no_nan", "fmod", "fmax", "fmin"):
    add(op, F, F2)
    add(op, I, I2)
    add(op, I, F2)
    add(op, I8, 2)
    add(op, I, 2.5)
    add(op, F16, 3)
    add(op, U8, I8)
    add(op, F64, F)
    add(op, B, I2)
for op in ("logical_and", "logical_or", "logical_xor"):
    add(op, B, B2)
    add(op, F, I)
for op in ("bitwise_and", "bitwise_or", "bitwise_xor"):
    add(op, I, I2)
    add(op, U8, U8)
add("left_shift", np.abs(I), 2)
add("right_shift", np.abs(I) * 8, 2)
add("gcd", I, I2)
add("lcm", I, I2)
for op in ("arctan2", "hypot", "logaddexp", "logaddexp2", "heaviside", "nextafter"):
    add(op, F, F2)
    add(op, I, I2)
add("ldexp", F, I)
add("isclose", F, F + 1e-7)
add("isclose", I, I2)
add("allclose", F, F + 1e-7)
add("subtract", B, B2.astype("int32"))
add("add", B, B2)

for op in ("abs", "absolute", "negative", "square", "sqrt", "exp", "exp2", "expm1", "log1p", "sign", "floor",
           "ceil", "round", "trunc", "sin", "cos", "tan", "arctan", "sinh", "cosh", "tanh", "arcsinh",
           "reciprocal", "cbrt", "fabs", "deg2rad", "rad2deg", "sinc", "i0", "isnan", "isinf", "isfinite",
           "isneginf", "isposinf", "signbit", "nan_to_num", "logical_not", "copy", "ravel", "real", "imag",
           "conj", "angle"):
    add(op, F)
    add(op, I)
    add(op, I64)
    add(op, B)
for op in ("log", "log2", "log10", "arcsin", "arccos", "arctanh", "rsqrt", "erf", "erfc", "erfinv"):
    add(op, POS)
    add(op, I2)
add("arccosh", POS + 1.5)
add("bitwise_not", I)
add("bitwise_invert", B)
add("round", F * 10, decimals=1)
add("clip", F, -0.5, 0.5)
add("clip", I, -2, 2)
add("clip", B, 0, 1)
add("clip", F16, -0.5, 0.5)
add("nan_to_num", NANS, nan=7.0)
add("square", F16)
add("exp", F16)

# -- creation -----------------------------------------------------------------------------
add("ones", (2, 3))
add("zeros", 4, dtype="int32")
add("full", (2, 2), 3)
add("full", (2, 3), VEC[:3], dtype="float64")
add("ones_like", I)
add("zeros_like", F, dtype="bool")
add("full_like", I, 2.7)
add("full_like", F, 2, dtype="int8")
add("eye", 3)
add("eye", 3, 4, k=1, dtype="int32")
add("eye", 4, 3, k=-2)
add("identity", 3, dtype="float16")
add("tri", 3, 4, k=1)
add("arange", 5)
add("arange", 1, 7, 2)
add("arange", 0.5, 3)
add("arange", 0, 10, 3, dtype="float32")
add("linspace", 0, 1, 7)
add("linspace", 0, 10, 5, endpoint=False, retstep=True)
add("linspace", np.zeros(2, "float32"), np.ones(2, "float32"), 4)
add("logspace", 0, 2, 5)
add("logspace", 0, 3, 4, endpoint=False, base=2)
add("geomspace", 1, 1000, 4)
add("array", [[1, 2], [3, 4]])
add("array", [1.5, 2], dtype="float64")
add("tril", SQ, k=-1)
add("triu", F3, k=1)
add("diag", VEC, k=1)
add("diag", SQ)
add("diagflat", F)
add("diagonal", F3, offset=1, axis1=1, axis2=2)
add("vander", VEC)
add("vander", np.array([1, 2, 3], "int64"), N=4, increasing=True)

# -- shapes and joins ---------------------------------------------------------------------
add("reshape", F3, (4, 6))
add("reshape", F3, (-1, 2))
add("reshape", F3, -1)
add("transpose", F3)
add("transpose", F3, (1, 0, 2))
add("expand_dims", F, 1)
add("expand_dims", F, (0, -1))
add("squeeze", F[:, :1])
add("squeeze", randn(1, 3, 1), axis=0)
add("squeeze", randn(1, 3, 1), axis=(0, 2))
add("moveaxis", F3, 0, -1)
add("swapaxes", F3, 0, 2)
add("broadcast_to", VEC[:3], (2, 3))
add("concatenate", [F, F2], axis=1)
add("concatenate", [F, I])
add("stack", [F, F2], axis=-1)
add("hstack", [F, F2])
add("vstack", [F, F2])
add("dstack", [F, F2])
add("append", F, F2)
add("append", F, F2, axis=0)
add("split", F3, 2, axis=2)
add("split", F3, [1, 3], axis=2)
add("array_split", VEC, 3)
add("hsplit", F3, 3)
add("vsplit", F3, [1])
add("dsplit", F3, 2)
add("tile", F, 2)
add("tile", F, (2, 1, 2))
add("repeat", F, 2)
add("repeat", F, 3, axis=1)
add("flip", F3)
add("flip", F3, axis=(0, 2))
add("fliplr", F)
add("flipud", F)
add("rot90", F3, k=3, axes=(1, 2))
add("roll", F3, 2)
add("roll", F3, -1, axis=1)
add("meshgrid", VEC[:2], VEC[:3])
add("meshgrid", VEC[:2], VEC[:3], indexing="ij")
add("pad", F, ((1, 2), (0, 1)))
add("pad", F, ((1, 1), (2, 0)), constant_values=5.0)
add("pad", F3, ((0, 0), (1, 1), (1, 1)), mode="reflect")
add("pad", F, ((1, 1), (1, 1)), mode="symmetric")
add("where", B, F, F2)
add("where", B, I, 1.5)
add("where", B)
add("select", [B, B2], [F, F2])
add("select", [B, B2], [I, I2], default=9)
add("nonzero", I)
add("take", F3, np.array([[0, 2], [1, -1]]), axis=1)
add("take", F3, np.array([5, 2]))
add("take", F, np.array([1, 0]), axis=0)
add("take_along_axis", F3, np.argsort(F3, axis=1), axis=1)
add("take_along_axis", F, np.array([[0], [2]]), axis=-1)
add("get_item", F3, (slice(None), 1))
add("get_item", F3, (Ellipsis, None, slice(1, 3)))
add("get_item", F3, np.array([1, 0]))
add("unravel_index", np.array([3, 5, 7]), (2, 4))
add("diff", F3, n=2, axis=-1)
add("trapezoid", F)
add("trapezoid", F, dx=0.5, axis=0)
add("size", F3)
add("ndim", F3)
add("shape", F3)

# -- reductions ---------------------------------------------------------------------------
for op in ("sum", "mean", "max", "min", "prod", "std", "var", "all", "any", "amax", "amin", "ptp", "nansum",
           "nanmean", "nanmax", "nanmin", "nanprod", "nanstd", "nanvar"):
    add(op, F3)
    add(op, F3, axis=1)
    add(op, F3, axis=(0, 2), keepdims=True)
    add(op, I)
    add(op, I8, axis=0)
    add(op, B, axis=-1)
    add(op, F64, axis=1)
add("max", F, axis=1, initial=0.5)
add("min", F, initial=-0.2)
add("sum", U8)
add("mean", F16, axis=0)
add("prod", F, axis=(0, 1), dtype="float64")
add("sum", [F, F2])
add("mean", F, axis=())
for op in ("argmax", "argmin", "nanargmax", "nanargmin"):
    add(op, F3)
    add(op, F3, axis=1)
    add(op, F3, axis=-1, keepdims=True)
    add(op, B)
add("nanargmax", NANS[:1], axis=1)
add("nanmax", NANS, axis=1)
add("nansum", NANS)
add("argsort", F3)
add("argsort", F3, axis=0)
add("argsort", F, axis=None)
add("sort", F3, axis=1)
add("sort", I, axis=None)
for op in ("cumsum", "cumprod", "nancumsum", "nancumprod"):
    add(op, F3, axis=1)
    add(op, I)
    add(op, B, axis=0)
    add(op, F, axis=0, dtype="float64")
add("count_nonzero", I)
add("count_nonzero", I, axis=1)
add("trace", F3, offset=1)
add("trace", I8)
add("average", F3, axis=1)
add("average", F, axis=1, weights=np.array([1.0, 2.0, 3.0], "float32"))
add("average", I)
for op in ("quantile", "nanquantile"):
    add(op, F3, 0.3)
    add(op, F3, np.array([0.1, 0.9], "float32"), axis=1)
    add(op, F3, 0.5, axis=(0, 2), keepdims=True)
    add(op, I, 0.5, method="lower")
add("percentile", F3, 40.0, axis=-1)
add("nanpercentile", NANS, 50.0, axis=1)
add("median", F3)
add("median", F3, axis=1, keepdims=True)
add("nanmedian", NANS, axis=0)
add("bincount", np.array([0, 1, 1, 3], "int32"))
add("bincount", np.array([0, 1, 1, 3], "int32"), weights=np.array([0.5, 1, 2, 3], "float32"), minlength=6)
add("histogram", VEC, bins=4)
add("searchsorted", SORTED, np.array([0.5, 2.5, 5.0], "float32"))
add("searchsorted", SORTED, np.array([0.5, 2.5, 5.0], "float32"), side="right")
add("digitize", VEC, SORTED)
add("isin", I, np.array([0, 2, 4], "int32"))
add("corrcoef", F3[0])
add("unique", np.array([3, 1, 2, 3, 1], "int32"))
add("unique", np.array([3, 1, 2, 3, 1], "int32"), return_inverse=True, return_counts=True)
add("unique", np.array([3, 1, 2, 3, 1], "int32"), return_index=True)
add("unique", np.array([3, 1, 2, 3, 1], "int32"), size=5, fill_value=-1)

# -- products -----------------------------------------------------------------------------
add("matmul", F, F2.T)
add("matmul", F3, randn(4, 2))
add("matmul", I, I2.T)
add("matmul", I8, I8.T)
add("matmul", F64, F64.T)
add("matmul", B, B2.T)
add("matmul", F16, F16.T)
add("matmul", VEC[:3], F2.T)
add("dot", F, F2.T)
add("dot", VEC, VEC)
add("dot", I, 3)
add("tensordot", F3, randn(3, 4, 2), axes=2)
add("tensordot", F3, randn(4, 2), axes=([2], [0]))
add("tensordot", F, F2, axes=([0, 1], [0, 1]))
add("einsum", "ij,jk->ik", F, F2.T)
add("einsum", "bij->bji", F3)
add("einsum", "ij,ij->", I8, I8)
add("outer", VEC, VEC[:3])
add("inner", F, F2)
add("vdot", VEC, VEC)
add("cross", randn(4, 3), randn(4, 3))
add("cross", randn(3, 4), randn(3, 4), axis=0)
add("kron", F, SQ)
add("slogdet", SPD)

# -- nn -----------------------------------------------------------------------------------
for op in ("relu", "relu6", "sigmoid", "softplus", "softsign", "silu", "swish", "log_sigmoid", "hard_sigmoid",
           "hard_silu", "hard_swish", "selu", "tanh_shrink", "hard_tanh", "sparse_sigmoid", "sparse_plus",
           "squareplus", "soft_shrink", "hard_shrink", "elu", "celu", "sparsemax"):
    add(op, F3 * 3)
add("gelu", F3)
add("gelu", F3, approximate=False)
add("leaky_relu", F3, negative_slope=0.1)
add("elu", F3, alpha=0.5)
add("celu", F3, alpha=2.0)
add("squareplus", F3, b=2)
add("threshold", F3, 0.1, -3.0)
add("glu", F3)
add("glu", randn(2, 4, 3), axis=1)
add("softmax", F3)
add("softmax", F3, axis=0)
add("softmax", F3, axis=(1, 2))
add("softmax", F3, axis=None)
add("softmax", F16)
add("log_softmax", F3, axis=1)
add("log_softmax", F3, axis=(0, 2))
add("sparsemax", F3, axis=1)
add("one_hot", LABELS, 3)
add("one_hot", np.array([[0, -1], [2, 1]], "int32"), 3, axis=0, dtype="int32")
add("multi_hot", np.array([[0, 2], [1, 1]], "int32"), 4)
add("multi_hot", np.array([0, 2], "int32"), 4, dtype="int32")
add("binary_crossentropy", PROBS.round(), PROBS)
add("binary_crossentropy", PROBS.round(), F3.reshape(4, 6)[:, :3], from_logits=True)
add("categorical_crossentropy", ONEHOT, PROBS)
add("categorical_crossentropy", ONEHOT, F3.reshape(4, 6)[:, :3], from_logits=True)
add("categorical_crossentropy", ONEHOT.T, PROBS.T, axis=0)
add("sparse_categorical_crossentropy", LABELS, PROBS)
add("sparse_categorical_crossentropy", LABELS[:, None], F3.reshape(4, 6)[:, :3], from_logits=True)
add("sparse_categorical_crossentropy", LABELS[:3], PROBS[:3].T, axis=0)
add("moments", F3, axes=[0, 1])
add("moments", F3, axes=[2], keepdims=True)
add("moments", F16, axes=[0])
add("batch_normalization", F3, rand(4), rand(4), axis=-1, offset=randn(4), scale=rand(4))
add("batch_normalization", F3, rand(3), rand(3), axis=1)
add("normalize", F3)
add("normalize", F3, axis=1, order=1)
add("normalize", F3, axis=(1, 2), order=3, epsilon=1e-3)
add("rms_normalization", F3)
add("rms_normalization", F3, scale=rand(4), axis=-1, epsilon=1e-3)
add("layer_normalization", F3, gamma=rand(4), beta=randn(4))
add("layer_normalization", F3, axis=(1, 2))
add("layer_normalization", F3, gamma=rand(3, 4), axis=(-2, -1), epsilon=1e-3)
add("psnr", rand(2, 4, 4, 3), rand(2, 4, 4, 3), 1.0)
ATT_Q, ATT_K, ATT_V = randn(2, 5, 4, 8), randn(2, 6, 2, 8), randn(2, 6, 2, 8)
add("dot_product_attention", ATT_Q, ATT_K, ATT_V)
add("dot_product_attention", ATT_Q, ATT_K, ATT_V, scale=0.3)
add("dot_product_attention", ATT_Q, ATT_Q, ATT_Q, is_causal=True)
add("dot_product_attention", ATT_Q, ATT_K, ATT_V, mask=rng.random((2, 1, 5, 6)) > 0.3)
add("dot_product_attention", ATT_Q, ATT_K, ATT_V, bias=randn(1, 4, 5, 6))
add("dot_product_attention", ATT_Q, ATT_Q, ATT_Q, mask=rng.random((5, 5)) > 0.2, is_causal=True)
add("ctc_loss", np.array([[1, 2, 0], [2, 2, 1]], "int32"), randn(2, 8, 4), np.array([2, 3], "int32"),
    np.array([8, 7], "int32"))
add("depth_to_space", randn(2, 3, 4, 8), 2)
add("space_to_depth", randn(2, 4, 6, 3), 2)
add("space_to_depth", randn(2, 3, 4, 6), 2, data_format="channels_first")
add("unfold", torch.randn(2, 3, 6, 5), 3, dilation=1, padding=1, stride=2)
add("fold", torch.randn(1, 12, 20), (5, 6), 2, stride=1)
add("adaptive_average_pool", IMG, (3, 2))
add("adaptive_max_pool", IMG, 2)
add("adaptive_average_pool", SEQ, 4)

# -- convolutions and pooling -------------------------------------------------------------
for padding in ("valid", "same"):
    for strides, dilation in ((1, 1), (2, 1), (1, 2), ((2, 1), 1), (3, 1)):
        add("conv", IMG, randn(3, 3, 3, 4), strides=strides, padding=padding, dilation_rate=dilation)
        add("conv", IMG_ODD, randn(2, 2, 3, 5), strides=strides, padding=padding, dilation_rate=dilation)
        add("depthwise_conv", IMG, randn(3, 3, 3, 2), strides=strides, padding=padding, dilation_rate=dilation)
    for strides in (1, 2, 3):
        add("conv", SEQ, randn(4, 3, 2), strides=strides, padding=padding)
        add("conv", VOL, randn(2, 3, 2, 2, 3), strides=strides, padding=padding)
        add("separable_conv", IMG, randn(3, 3, 3, 2), randn(1, 1, 6, 4), strides=strides, padding=padding)
        add("conv_transpose", IMG, randn(3, 3, 5, 3), strides=strides, padding=padding)
        add("conv_transpose", IMG_ODD, randn(2, 2, 4, 3), strides=strides, padding=padding)
        add("conv_transpose", SEQ, randn(3, 2, 3), strides=strides, padding=padding)
        add("max_pool", IMG, 2, strides=strides, padding=padding)
        add("max_pool", IMG_ODD, 3, strides=strides, padding=padding)
        add("max_pool", SEQ, 3, strides=strides, padding=padding)
        add("average_pool", IMG, 2, strides=strides, padding=padding)
        add("average_pool", SEQ, 2, strides=strides, padding=padding)
add("conv", IMG, randn(3, 3, 1, 6), padding="same")  # grouped: 3 groups
add("conv", np.moveaxis(IMG, -1, 1), randn(3, 3, 3, 4), strides=2, padding="same", data_format="channels_first")
add("conv_transpose", IMG, randn(3, 3, 5, 3), strides=2, padding="same", output_padding=1)
add("conv_transpose", IMG, randn(3, 3, 5, 3), strides=2, padding="valid", output_padding=1)
add("conv_transpose", IMG, randn(3, 3, 5, 3), strides=1, padding="same", dilation_rate=2)
add("max_pool", IMG, (2, 3), strides=(1, 2), padding="same")
add("average_pool", IMG, 3, strides=3, padding="valid")
add("average_pool", IMG_ODD, 3, strides=1, padding="same")  # symmetric 'same' padding

# -- math and linalg ----------------------------------------------------------------------
add("logsumexp", F3)
add("logsumexp", F3, axis=1, keepdims=True)
add("top_k", F3, 2)
add("top_k", VEC, 3, sorted=True)
add("in_top_k", LABELS, PROBS, 2)
add("segment_sum", F3, np.array([0, 0], "int32"))
add("segment_sum", randn(5, 2), np.array([0, 2, 2, 1, 0], "int32"), num_segments=4)
add("segment_max", randn(5, 2), np.array([0, 2, 2, 1, 0], "int32"))
add("segment_min", randn(5, 2), np.array([0, 2, 2, 1, -1], "int32"), num_segments=3)
add("segment_prod", randn(5, 2), np.array([0, 2, 2, 1, 0], "int32"))
add("extract_sequences", randn(2, 10), 4, 3)
add("rfft", randn(2, 8))
add("rfft", randn(2, 8), fft_length=6)
add("fft", (randn(2, 8), randn(2, 8)))
add("fft2", (randn(2, 4, 4), randn(2, 4, 4)))
add("ifft2", (randn(2, 4, 4), randn(2, 4, 4)))
add("irfft", (randn(2, 5), randn(2, 5)))
add("stft", randn(2, 32), 8, 4, 8)
add("stft", randn(32), 6, 3, 8, window="hamming", center=False)
add("cdist", randn(4, 3), randn(5, 3))
add("view_as_real", np.array([1 + 2j, 3 - 1j], "complex64"))
add("view_as_complex", randn(3, 2))
add("logdet", SPD)
add("inv", SPD)
add("det", SPD)
add("cholesky", SPD)
add("cholesky", SPD, upper=True)
add("cholesky_inverse", np.linalg.cholesky(SPD).astype("float32"))
add("solve", SPD, randn(3))
add("solve", SPD, randn(3, 2))
add("solve_triangular", np.tril(SPD), randn(3), lower=True)
add("norm", F3)
add("norm", F3, axis=1)
add("norm", F, ord="fro")
add("norm", F, ord=1, axis=(0, 1))
add("norm", I, ord=np.inf, axis=1, keepdims=True)
add("qr", randn(4, 3))
add("qr", randn(4, 3), mode="complete")
add("svd", randn(4, 3), full_matrices=False)
add("svd", randn(4, 3), compute_uv=False)
add("eigh", SPD)
add("lu_factor", SPD)
add("pinv", randn(4, 3))
add("matrix_rank", randn(4, 3))
add("lstsq", randn(5, 3), randn(5, 2))

# -- core ---------------------------------------------------------------------------------
add("cast", F, "int32")
add("cast", I, "bfloat16")
add("cast", B, "float16")
add("convert_to_tensor", [[1, 2], [3, 4]])
add("convert_to_tensor", [1, 2.5])
add("convert_to_tensor", F64)
add("convert_to_tensor", I, dtype="float32")
add("saturate_cast", F * 1000, "int8")
add("saturate_cast", I * 100, "uint8")
add("saturate_cast", F * 1e5, "float16")
add("stop_gradient", torch.randn(3, requires_grad=True))
add("slice", F3, (1, 0, 1), (1, 2, 2))
add("slice", F3, np.array([0, 1, 1], "int32"), (2, 2, 3))
add("slice_update", F3, (0, 1, 1), randn(1, 2, 2))
add("slice_update", F3, np.array([1, 0, 2], "int32"), randn(1, 2, 2))
add("scatter", np.array([[0, 1], [2, 2], [0, 1]], "int32"), np.array([1.0, 2.0, 3.0], "float32"), (3, 3))
add("scatter", np.array([[1], [0]], "int32"), randn(2, 3), (3, 3))
add("scatter_update", F3, np.array([[0, 1], [1, 2]], "int32"), randn(2, 4))
for reduction in ("add", "max", "min", "mul"):
    add("scatter_update", F3, np.array([[0, 1, 1], [1, 2, 3], [0, 1, 1]], "int32"), randn(3), reduction=reduction)
add("unstack", torch.randn(2, 3, 4), axis=1)
add("dtype", I)
add("is_tensor", F)
add("cond", True, lambda: torch.ones(2), lambda: torch.zeros(2))
add("cond", torch.tensor(False), lambda: torch.ones(2), lambda: torch.zeros(2))
add("while_loop", lambda i, s: i < 5, lambda i, s: (i + 1, s * 2), (0, torch.ones(2)))
add("while_loop", lambda x: x.sum() < 100, lambda x: x * 3, torch.ones(3), maximum_iterations=2)
add("fori_loop", 0, 4, lambda i, v: v + i, torch.zeros(2))
add("scan", lambda c, x: (c + x, c * x), torch.zeros(3), torch.arange(12.0).reshape(4, 3))
add("scan", lambda c, x: (c + x, c), torch.zeros(3), torch.arange(12.0).reshape(4, 3), reverse=True)
add("scan", lambda c, x: (c + 1, None), torch.zeros(()), None, length=3)
add("map", lambda x: x * 2 + 1, torch.arange(6.0).reshape(3, 2))
add("associative_scan", lambda a, b: a + b, torch.arange(7.0))
add("associative_scan", lambda a, b: a * b, torch.arange(1.0, 13.0).reshape(3, 4), reverse=True, axis=1)
add("associative_scan", lambda a, b: (a[0] + b[0], a[1] * b[1]), (torch.arange(5.0), torch.arange(1.0, 6.0)))
add("switch", 1, [lambda x: x + 1, lambda x: x * 10], torch.ones(2))
add("switch", 7, [lambda x: x + 1, lambda x: x * 10], torch.ones(2))
add("vectorized_map", lambda x: x.sum(), torch.arange(6.0).reshape(3, 2))
add("rearrange", F3, "b h w -> (b w) h")
add("rearrange", randn(2, 12, 3), "b (h w) c -> b c h w", h=3)
add("ctc_decode", randn(2, 8, 4), np.array([8, 5], "int32"))
add("ctc_decode", randn(2, 8, 4), np.array([6, 8], "int32"), merge_repeated=False, mask_index=3)
add("istft", tuple(np.asarray(v) for v in keras.ops.stft(randn(2, 32), 8, 4, 8)), 8, 4, 8)
add("istft", tuple(np.asarray(v) for v in keras.ops.stft(randn(2, 32), 6, 3, 8, center=False)), 6, 3, 8,
    center=False)
add("istft", tuple(np.asarray(v) for v in keras.ops.stft(randn(32), 5, 2, 8, window=None)), 5, 2, 8,
    window=None, length=28)


IMAGE_CASES = [
    ("rgb_to_grayscale", (rand(2, 5, 6, 3),), {}),
    ("rgb_to_grayscale", (rand(3, 5, 6),), {"data_format": "channels_first"}),
    ("rgb_to_hsv", (rand(2, 5, 6, 3),), {}),
    ("hsv_to_rgb", (rand(5, 6, 3),), {}),
    ("resize", (rand(2, 9, 8, 3), (4, 5)), {}),
    ("resize", (rand(2, 9, 8, 3), (12, 4)), {"interpolation": "nearest"}),
    ("resize", (rand(2, 9, 8, 3), (5, 5)), {"interpolation": "bicubic", "antialias": True}),
    ("resize", ((rand(9, 8, 3) * 255).astype("uint8"), (5, 7)), {}),
    ("resize", (rand(2, 9, 8, 3), (4, 4)), {"crop_to_aspect_ratio": True}),
    ("resize", (rand(2, 9, 8, 3), (4, 8)), {"pad_to_aspect_ratio": True, "fill_value": 0.5}),
    ("pad_images", (rand(2, 5, 6, 3), 1, 2), {"target_height": 9, "target_width": 10}),
    ("pad_images", (rand(3, 5, 6), None, 2), {"bottom_padding": 1, "target_height": 8, "right_padding": 0,
                                               "data_format": "channels_first"}),
    ("crop_images", (rand(2, 9, 8, 3), 1, 2), {"target_height": 5, "target_width": 4}),
    ("crop_images", (rand(9, 8, 3),), {"top_cropping": 2, "bottom_cropping": 3, "left_cropping": 1,
                                       "right_cropping": 1}),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), IMAGE_CASES, ids=[c[0] for c in IMAGE_CASES])
def test_image_op_matches_keras(name, args, kwargs):
    expected = getattr(keras.ops.image, name)(*args, **kwargs)
    _assert_same(expected, getattr(kops.image, name)(*args, **kwargs))


def _leaves(value):
    if isinstance(value, (list, tuple)):
        out = []
        for item in value:
            out.extend(_leaves(item))
        return out
    return [value]


def _to_numpy(value):
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu()
        name = str(value.dtype).replace("torch.", "")
        if value.dtype == torch.bfloat16:
            value = value.float()
        return value.numpy(), name
    if isinstance(value, np.ndarray):
        return value, str(value.dtype)
    return value, type(value).__name__


def _assert_same(expected, actual):
    expected_leaves, actual_leaves = _leaves(expected), _leaves(actual)
    assert len(expected_leaves) == len(actual_leaves)
    for e, a in zip(expected_leaves, actual_leaves):
        (e_value, e_dtype), (a_value, a_dtype) = _to_numpy(e), _to_numpy(a)
        assert a_dtype == e_dtype
        if isinstance(e_value, np.ndarray):
            assert a_value.shape == e_value.shape
            if e_value.dtype.kind in "fc":
                np.testing.assert_allclose(a_value, e_value, rtol=1e-6, atol=1e-6, equal_nan=True)
            else:
                np.testing.assert_array_equal(a_value, e_value)
        elif isinstance(e_value, float):
            assert a_value == pytest.approx(e_value, rel=1e-6, abs=1e-6, nan_ok=True)
        else:
            assert a_value == e_value


@pytest.mark.parametrize(("name", "args", "kwargs"), CASES)
def test_op_matches_keras(name, args, kwargs):
    try:
        expected = getattr(keras.ops, name)(*args, **kwargs)
    except Exception:  # Keras rejects these inputs: so must kerasbridge
        with pytest.raises(Exception):  # noqa: B017
            getattr(kops, name)(*args, **kwargs)
        return
    actual = getattr(kops, name)(*args, **kwargs)
    _assert_same(expected, actual)


# -- where kerasbridge follows numpy/JAX rather than the keras torch backend -------------


def _numpy_avg_pool_same(x, pool, stride):
    """Average pooling with 'same' padding that excludes padded cells (TF/JAX semantics)."""
    n, h, w, c = x.shape
    out_h, out_w = -(-h // stride), -(-w // stride)
    pad_h = max((out_h - 1) * stride + pool - h, 0)
    pad_w = max((out_w - 1) * stride + pool - w, 0)
    top, left = pad_h // 2, pad_w // 2
    out = np.zeros((n, out_h, out_w, c), x.dtype)
    for i in range(out_h):
        for j in range(out_w):
            r0, c0 = i * stride - top, j * stride - left
            window = x[:, max(r0, 0) : r0 + pool, max(c0, 0) : c0 + pool]
            out[:, i, j] = window.mean(axis=(1, 2))
    return out


@pytest.mark.parametrize(("pool", "stride"), [(3, 2), (2, 1), (3, 3)])
def test_average_pool_same_excludes_padding(pool, stride):
    out = kops.average_pool(IMG, pool, strides=stride, padding="same")
    np.testing.assert_allclose(out.numpy(), _numpy_avg_pool_same(IMG, pool, stride), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("op", ["sum", "max", "min", "prod"])
def test_full_reduction_keepdims_keeps_every_axis(op):
    out = getattr(kops, op)(F3, keepdims=True)
    np.testing.assert_allclose(out.numpy(), getattr(np, op)(F3, keepdims=True), rtol=1e-5)


def test_count_nonzero_single_axis_of_3d_is_not_transposed():
    x = randint(2, 3, 4)
    assert kops.count_nonzero(x, axis=0).numpy().tolist() == np.count_nonzero(x, axis=0).tolist()


def test_pad_symmetric_matches_numpy():
    np.testing.assert_array_equal(kops.pad(F, ((2, 2), (3, 1)), mode="symmetric").numpy(),
                                  np.pad(F, ((2, 2), (3, 1)), mode="symmetric"))


def test_repeat_with_per_element_counts_matches_numpy():
    np.testing.assert_array_equal(kops.repeat(F, [1, 2], axis=0).numpy(), np.repeat(F, [1, 2], axis=0))


def test_pad_with_one_width_pads_every_axis():
    np.testing.assert_array_equal(kops.pad(I, 1).numpy(), np.pad(I, 1))


def test_take_negative_indices_of_flattened_input_match_numpy():
    np.testing.assert_array_equal(kops.take(F3, np.array([5, -2])).numpy(), np.take(F3, [5, -2]))


def test_rms_normalization_over_a_middle_axis():
    scale = rand(3, 1)
    expected = F3 / np.sqrt(np.mean(F3**2, axis=1, keepdims=True) + 1e-7) * scale
    out = kops.rms_normalization(F3, scale=scale, axis=1)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-6)


def test_layer_normalization_over_a_middle_axis():
    gamma = rand(3)
    mean, var = F3.mean(axis=1, keepdims=True), F3.var(axis=1, keepdims=True)
    expected = (F3 - mean) / np.sqrt(var + 1e-3) * gamma[:, None]
    out = kops.layer_normalization(F3, gamma=gamma, axis=1, epsilon=1e-3)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-6)


def test_vectorize_matches_keras():
    def fn(a, b):
        return a * b + 1

    x, y = torch.randn(2, 3), torch.randn(3)
    _assert_same(keras.ops.vectorize(fn)(x, y), kops.vectorize(fn)(x, y))


def test_vectorize_with_signature_matches_keras():
    def fn(m, v):
        return m @ v

    x, y = torch.randn(4, 2, 3), torch.randn(3)
    signature = "(m,n),(n)->(m)"
    _assert_same(keras.ops.vectorize(fn, signature=signature)(x, y), kops.vectorize(fn, signature=signature)(x, y))


def test_cross_defaults_to_last_axis():
    a, b = randn(3, 3), randn(3, 3)
    np.testing.assert_allclose(kops.cross(a, b).numpy(), np.cross(a, b), rtol=1e-5, atol=1e-6)


# -- symbolic calls -----------------------------------------------------------------------

SYMBOLIC_CASES = [
    ("add", [(None, 3), (None, 3)], {}),
    ("matmul", [(None, 4, 3), (3, 5)], {}),
    ("mean", [(None, 4, 3)], {"axis": 1}),
    ("argmax", [(2, 4)], {"axis": -1}),
    ("reshape", [(None, 4, 3)], {"newshape": (-1, 12)}),
    ("concatenate", [[(None, 2), (None, 3)]], {"axis": -1}),
    ("conv", [(None, 9, 8, 3), (3, 3, 3, 4)], {"strides": 2, "padding": "same"}),
    ("max_pool", [(None, 9, 8, 3)], {"pool_size": 2, "padding": "same"}),
    ("softmax", [(None, 5)], {}),
    ("one_hot", [((None, 4), "int32")], {"num_classes": 6}),
    ("transpose", [(2, None, 4)], {"axes": (2, 0, 1)}),
    ("sum", [((None, 3), "int8")], {"axis": 0}),
    ("true_divide", [((None, 3), "int32"), ((None, 3), "int32")], {}),
    ("expand_dims", [(None, 3)], {"axis": -1}),
    ("take", [(5, 3), ((None,), "int32")], {"axis": 0}),
]


def _symbolic(lib, spec):
    if isinstance(spec, list):
        return [_symbolic(lib, s) for s in spec]
    shape, dtype = spec if isinstance(spec[-1], str) else (spec, "float32")
    return lib(shape=shape, dtype=dtype)


@pytest.mark.parametrize(("name", "specs", "kwargs"), SYMBOLIC_CASES, ids=[c[0] for c in SYMBOLIC_CASES])
def test_symbolic_output_spec_matches_keras(name, specs, kwargs):
    expected = getattr(keras.ops, name)(*[_symbolic(keras.KerasTensor, s) for s in specs], **kwargs)
    actual = getattr(kops, name)(*[_symbolic(KerasTensor, s) for s in specs], **kwargs)
    assert isinstance(actual, KerasTensor)
    assert tuple(actual.shape) == tuple(expected.shape)
    assert actual.dtype == expected.dtype


def test_symbolic_operators_match_keras():
    ka, kb = keras.KerasTensor((None, 3), dtype="int32"), keras.KerasTensor((None, 3), dtype="float32")
    a, b = KerasTensor((None, 3), dtype="int32"), KerasTensor((None, 3), dtype="float32")
    for fn in (lambda x, y: x + y, lambda x, y: x / y, lambda x, y: x // 2, lambda x, y: x > y,
               lambda x, y: -x, lambda x, y: x[:, 1:], lambda x, y: y * 2.0, lambda x, y: 1 - x):
        expected, actual = fn(ka, kb), fn(a, b)
        assert (tuple(actual.shape), actual.dtype) == (tuple(expected.shape), expected.dtype)
