"""Random ops with Keras 3's (torch backend) semantics and exact random streams.

Every op turns its `seed` into a `torch.Generator` the way Keras does
(`kerasbridge.backend.random.torch_generator`) and performs its arithmetic in the
same order, so a given seed yields bit-identical values in Keras and kerasbridge.
On the `meta` device (shape inference) no seed is drawn and no generator is used.
"""

from __future__ import annotations

import torch

from kerasbridge.backend.config import floatx
from kerasbridge.backend.device import get_device
from kerasbridge.backend.dtypes import is_float_dtype, is_int_dtype, to_torch_dtype
from kerasbridge.backend.random import SeedGenerator, draw_seed, torch_generator
from kerasbridge.backend.tensor import convert_to_tensor


def _dtype(dtype) -> torch.dtype:
    return to_torch_dtype(dtype or floatx())


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draw samples from a normal (Gaussian) distribution.

    Args:
        shape: Shape of the output tensor.
        mean: Mean of the distribution. Defaults to `0.0`.
        stddev: Standard deviation of the distribution. Defaults to `1.0`.
        dtype: Floating point dtype; `None` means `floatx()`.
        seed: `None` (global seed generator), an integer (the same values on
            every call) or a `SeedGenerator` (new values on every call).

    Returns:
        A tensor of shape `shape`.
    """
    return torch.normal(
        mean,
        stddev,
        size=tuple(shape),
        generator=torch_generator(seed),
        dtype=_dtype(dtype),
        device=get_device(),
    )


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Draw samples from a uniform distribution on `[minval, maxval)`.

    Args:
        shape: Shape of the output tensor.
        minval: Lower bound (inclusive). Defaults to `0.0`.
        maxval: Upper bound (exclusive). Defaults to `1.0`.
        dtype: Floating point dtype; `None` means `floatx()`.
        seed: `None`, an integer or a `SeedGenerator`.

    Returns:
        A tensor of shape `shape`.
    """
    if dtype and not is_float_dtype(dtype):
        raise ValueError(
            f"`keras.random.uniform` requires a floating point `dtype`. Received: dtype={dtype} "
        )
    shape = tuple(shape)
    size = shape if shape else (1,)
    sample = torch.rand(size, generator=torch_generator(seed), dtype=_dtype(dtype), device=get_device())
    output = (maxval - minval) * sample + minval
    return output if shape else output[0]


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Draw integers uniformly from `[minval, maxval)`.

    Args:
        shape: Shape of the output tensor.
        minval: Lower bound (inclusive).
        maxval: Upper bound (exclusive).
        dtype: Integer dtype. Defaults to `"int32"`.
        seed: `None`, an integer or a `SeedGenerator`.

    Returns:
        A tensor of shape `shape`.
    """
    if dtype and not is_int_dtype(dtype):
        raise ValueError(f"`keras.random.randint` requires an integer `dtype`. Received: dtype={dtype} ")
    return torch.randint(
        low=minval,
        high=maxval,
        size=tuple(shape),
        generator=torch_generator(seed),
        dtype=to_torch_dtype(dtype),
        device=get_device(),
    )


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draw samples from a normal distribution truncated to two standard deviations.

    Four candidates are drawn per value; the first one within two standard
    deviations of the mean is kept.

    Args:
        shape: Shape of the output tensor.
        mean: Mean of the distribution. Defaults to `0.0`.
        stddev: Standard deviation before truncation. Defaults to `1.0`.
        dtype: Floating point dtype; `None` means `floatx()`.
        seed: `None`, an integer or a `SeedGenerator`.

    Returns:
        A tensor of shape `shape`.
    """
    torch_dtype = _dtype(dtype)
    shape = tuple(shape)
    candidates = normal(shape + (4,), mean=0, stddev=1, dtype=torch_dtype, seed=seed)
    inside = (candidates > -2) & (candidates < 2)
    first_inside = inside.max(-1, keepdim=True)[1]
    out = torch.empty(shape, dtype=torch_dtype, device=get_device())
    out.copy_(candidates.gather(-1, first_inside).squeeze(-1))
    return out.mul_(stddev).add_(mean)


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Draw class indices from categorical distributions given by `logits`.

    Args:
        logits: 2D tensor `(batch_size, num_classes)` of unnormalized
            log-probabilities.
        num_samples: Number of samples drawn per row.
        dtype: Integer dtype of the output. Defaults to `"int32"`.
        seed: `None`, an integer or a `SeedGenerator`.

    Returns:
        A tensor of shape `(batch_size, num_samples)`.
    """
    logits = convert_to_tensor(logits)
    if logits.ndim != 2:
        raise ValueError(
            f"`logits` should be a 2-D tensor with shape [batch_size, num_classes]. Received: logits={logits}"
        )
    probs = torch.softmax(logits, dim=-1)
    samples = torch.multinomial(probs, num_samples, replacement=True, generator=torch_generator(seed))
    return samples.type(to_torch_dtype(dtype))


def _noise_shape(inputs, noise_shape):
    if noise_shape is None:
        return inputs.shape
    return [inputs.shape[i] if value is None else value for i, value in enumerate(noise_shape)]


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero entries of `inputs` with probability `rate`, scaling the rest by `1 / (1 - rate)`.

    Args:
        inputs: Input tensor.
        rate: Fraction of entries to drop, in `[0, 1]`.
        noise_shape: Optional shape of the keep/drop mask, broadcast to
            `inputs`; `None` entries take the size of `inputs`.
        seed: `None`, an integer or a `SeedGenerator`. Unseeded calls (and
            generators created without a seed) use torch's global RNG.

    Returns:
        A tensor like `inputs`.
    """
    inputs = convert_to_tensor(inputs)
    if rate == 1.0:
        return torch.zeros_like(inputs, device=get_device())
    if rate == 0.0:
        return inputs
    seeded = seed is not None and not (isinstance(seed, SeedGenerator) and seed._initial_seed is None)
    if not seeded and noise_shape is None:
        return torch.nn.functional.dropout(inputs, p=rate, training=True, inplace=False)
    keep_prob = 1.0 - rate
    keep = torch.full(_noise_shape(inputs, noise_shape), keep_prob, device=get_device())
    mask = torch.bernoulli(keep, generator=torch_generator(seed)).bool()
    mask = torch.broadcast_to(mask, inputs.shape)
    return torch.where(mask, inputs / keep_prob, torch.zeros_like(inputs, dtype=inputs.dtype))


def shuffle(x, axis=0, seed=None):
    """Shuffle `x` along `axis`.

    Args:
        x: Tensor to shuffle.
        axis: Axis along which to shuffle. Defaults to `0`.
        seed: `None`, an integer or a `SeedGenerator`.

    Returns:
        A tensor like `x` with permuted slices.
    """
    x = convert_to_tensor(x)
    keys = torch.rand(x.shape[: axis + 1], generator=torch_generator(seed), device=get_device())
    perm = keys.argsort(axis)
    for _ in range(x.ndim - axis - 1):
        perm.unsqueeze_(-1)
    perm = perm.repeat(*([1] * (axis + 1)), *x.shape[axis + 1 :])
    return x.gather(axis, perm)


def _sample_with_global_rng(shape, seed, make_distribution, dtype):
    """Sample a torch distribution with the global RNG seeded from `seed`, as Keras does.

    Only the CPU RNG state is restored afterwards (as in Keras). On the `meta`
    device an empty tensor of the right shape is returned.
    """
    if get_device() == "meta":  # shape inference: no seed drawn, no data
        return torch.empty(tuple(shape), dtype=dtype, device="meta")
    distribution = make_distribution()
    saved_state = torch.random.get_rng_state()
    first, second = (int(v) for v in draw_seed(seed).tolist())
    torch.manual_seed((first + second) & 0xFFFFFFFF)
    sample = distribution.sample().type(dtype)
    torch.random.set_rng_state(saved_state)
    return sample


def gamma(shape, alpha, dtype=None, seed=None):
    """Draw samples from a Gamma distribution with concentration `alpha` and rate 1.

    Args:
        shape: Shape of the output tensor.
        alpha: Concentration, a float or a tensor broadcastable to `shape`.
        dtype: Floating point dtype; `None` means `floatx()`.
        seed: `None`, an integer or a `SeedGenerator`.

    Returns:
        A tensor of shape `shape`.
    """
    alpha = torch.broadcast_to(convert_to_tensor(alpha), shape)
    rate = torch.ones(shape, device=get_device())
    return _sample_with_global_rng(
        shape, seed, lambda: torch.distributions.gamma.Gamma(alpha, rate), _dtype(dtype)
    )


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Draw samples from a Binomial distribution.

    Args:
        shape: Shape of the output tensor.
        counts: Number of trials, broadcastable to `shape`.
        probabilities: Success probability of each trial, broadcastable to `shape`.
        dtype: Floating point dtype; `None` means `floatx()`.
        seed: `None`, an integer or a `SeedGenerator`.

    Returns:
        A tensor of shape `shape`.
    """
    counts = torch.broadcast_to(convert_to_tensor(counts), shape)
    probabilities = torch.broadcast_to(convert_to_tensor(probabilities), shape)
    return _sample_with_global_rng(
        shape,
        seed,
        lambda: torch.distributions.binomial.Binomial(total_count=counts, probs=probabilities),
        _dtype(dtype),
    )


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Draw samples from a Beta distribution.

    Args:
        shape: Shape of the output tensor.
        alpha: First concentration parameter, broadcastable to `shape`.
        beta: Second concentration parameter, broadcastable to `shape`.
        dtype: Floating point dtype; `None` means `floatx()`.
        seed: `None`, an integer or a `SeedGenerator`.

    Returns:
        A tensor of shape `shape`.
    """
    alpha = torch.broadcast_to(convert_to_tensor(alpha), shape)
    beta = torch.broadcast_to(convert_to_tensor(beta), shape)
    return _sample_with_global_rng(
        shape,
        seed,
        lambda: torch.distributions.beta.Beta(concentration1=alpha, concentration0=beta),
        _dtype(dtype),
    )
