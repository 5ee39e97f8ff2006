"""Each optimizer's update rule, checked against a float64 NumPy transcription of its formula."""

import numpy as np
import pytest
import torch

import kerasbridge as kb
from kerasbridge import optimizers

STEPS = 3


def sgd(w, grads, lr=0.01, momentum=0.0, nesterov=False):
    m = np.zeros_like(w)
    for g in grads:
        if momentum == 0:
            w = w - lr * g
            continue
        m = momentum * m - lr * g
        w = w + (momentum * m - lr * g if nesterov else m)
    return w


def adam(w, grads, lr=0.001, b1=0.9, b2=0.999, eps=1e-7, amsgrad=False, wd=None):
    m, v, vhat = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(grads, 1):
        if wd is not None:
            w = w - w * wd * lr
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        vhat = np.maximum(vhat, v)
        alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        w = w - alpha * m / (np.sqrt(vhat if amsgrad else v) + eps)
    return w


def rmsprop(w, grads, lr=0.001, rho=0.9, momentum=0.0, eps=1e-7, centered=False):
    v, mg, mom = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
    for g in grads:
        v = rho * v + (1 - rho) * g * g
        mg = rho * mg + (1 - rho) * g
        denominator = v - mg * mg + eps if centered else v + eps
        increment = lr * g / np.sqrt(denominator)
        mom = momentum * mom + increment
        w = w - (mom if momentum > 0 else increment)
    return w


def adagrad(w, grads, lr=0.001, init=0.1, eps=1e-7):
    acc = np.full_like(w, init)
    for g in grads:
        acc = acc + g * g
        w = w - lr * g / np.sqrt(acc + eps)
    return w


def adadelta(w, grads, lr=0.001, rho=0.95, eps=1e-7):
    eg, ed = np.zeros_like(w), np.zeros_like(w)
    for g in grads:
        eg = rho * eg + (1 - rho) * g * g
        delta = -np.sqrt(ed + eps) / np.sqrt(eg + eps) * g
        ed = rho * ed + (1 - rho) * delta * delta
        w = w + lr * delta
    return w


def adamax(w, grads, lr=0.001, b1=0.9, b2=0.999, eps=1e-7):
    m, u = np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(grads, 1):
        m = b1 * m + (1 - b1) * g
        u = np.maximum(b2 * u, np.abs(g))
        w = w - lr * m / ((1 - b1**t) * (u + eps))
    return w


def nadam(w, grads, lr=0.001, b1=0.9, b2=0.999, eps=1e-7):
    m, v, product = np.zeros_like(w), np.zeros_like(w), 1.0
    for t, g in enumerate(grads, 1):
        u_t = b1 * (1 - 0.5 * 0.96**t)
        u_next = b1 * (1 - 0.5 * 0.96 ** (t + 1))
        product = product * u_t
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = u_next * m / (1 - product * u_next) + (1 - u_t) * g / (1 - product)
        w = w - lr * m_hat / (np.sqrt(v / (1 - b2**t)) + eps)
    return w


def ftrl(w, grads, lr=0.001, power=-0.5, init=0.1, l1=0.0, l2=0.0, shrink=0.0, beta=0.0):
    acc, linear = np.full_like(w, init), np.zeros_like(w)
    for g in grads:
        l2_reg = l2 + beta / (2 * lr)
        new_acc = acc + g * g
        linear = linear + g + 2 * shrink * w - (new_acc ** (-power) - acc ** (-power)) / lr * w
        quadratic = new_acc ** (-power) / lr + 2 * l2_reg
        w = (np.clip(linear, -l1, l1) - linear) / quadratic
        acc = new_acc
    return w


def lion(w, grads, lr=0.001, b1=0.9, b2=0.99):
    m = np.zeros_like(w)
    for g in grads:
        w = w - lr * np.sign(b1 * m + (1 - b1) * g)
        m = b2 * m + (1 - b2) * g
    return w


def lamb(w, grads, lr=0.001, b1=0.9, b2=0.999, eps=1e-7):
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(grads, 1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        update = (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        ratio = np.linalg.norm(w) / np.linalg.norm(update)
        w = w - ratio * lr * update
    return w


def adafactor(w, grads, lr=0.001, decay=-0.8, eps1=1e-30, eps2=1e-3, clip=1.0):
    def rms(x):
        return np.sqrt(np.mean(x * x))

    r, c = np.zeros(w.shape[:-1]), np.zeros(w.shape[:-2] + w.shape[-1:])
    for t, g in enumerate(grads, 1):
        rho = min(lr, 1 / np.sqrt(t))
        alpha = max(eps2, rms(w)) * rho
        g2 = g * g + eps1
        beta = 1 - t**decay
        r = beta * r + (1 - beta) * g2.mean(axis=-1)
        c = beta * c + (1 - beta) * g2.mean(axis=-2)
        v = (r / r.mean(axis=-1, keepdims=True))[..., None] * c[..., None, :]
        u = g / np.sqrt(v)
        w = w - alpha * u / max(1.0, rms(u) / clip)
    return w


CASES = [
    ("SGD", {}, sgd, {}),
    ("SGD", {"momentum": 0.9}, sgd, {"momentum": 0.9}),
    ("SGD", {"momentum": 0.9, "nesterov": True}, sgd, {"momentum": 0.9, "nesterov": True}),
    ("Adam", {}, adam, {}),
    ("Adam", {"amsgrad": True}, adam, {"amsgrad": True}),
    ("AdamW", {}, adam, {"wd": 0.004}),
    ("RMSprop", {}, rmsprop, {}),
    ("RMSprop", {"momentum": 0.5, "centered": True}, rmsprop, {"momentum": 0.5, "centered": True}),
    ("Adagrad", {}, adagrad, {}),
    ("Adadelta", {"learning_rate": 1.0}, adadelta, {"lr": 1.0}),
    ("Adamax", {}, adamax, {}),
    ("Nadam", {}, nadam, {}),
    ("Ftrl", {}, ftrl, {}),
    (
        "Ftrl",
        {"l1_regularization_strength": 0.01, "l2_regularization_strength": 0.1, "beta": 0.5},
        ftrl,
        {"l1": 0.01, "l2": 0.1, "beta": 0.5},
    ),
    ("Lion", {}, lion, {}),
    ("Lamb", {}, lamb, {}),
    ("Adafactor", {}, adafactor, {}),
]


@pytest.mark.parametrize(
    "name, kwargs, reference, ref_kwargs",
    CASES,
    ids=[f"{c[0]}-{'-'.join(c[1]) or 'default'}" for c in CASES],
)
def test_update_follows_the_formula(name, kwargs, reference, ref_kwargs):
    rng = np.random.default_rng(0)
    w0 = rng.normal(size=(3, 4))
    grads = [rng.normal(size=(3, 4)) for _ in range(STEPS)]
    variable = kb.Variable(w0.astype("float32"), name="w")
    optimizer = getattr(optimizers, name)(**kwargs)
    for g in grads:
        optimizer.apply_gradients([(torch.tensor(g, dtype=torch.float32), variable)])
    expected = reference(w0, grads, **ref_kwargs)
    np.testing.assert_allclose(variable.numpy(), expected, rtol=2e-5, atol=2e-6)
    assert not np.allclose(expected, w0)


def test_adafactor_keeps_factored_moments_for_matrices():
    optimizer = optimizers.Adafactor()
    variable = kb.Variable(np.ones((3, 4), "float32"), name="w")
    optimizer.apply_gradients([(torch.ones(3, 4), variable)])
    assert [tuple(v.shape) for v in optimizer.variables[2:]] == [(3,), (4,), (3, 4)]


def test_nadam_keeps_the_momentum_product_as_last_variable():
    optimizer = optimizers.Nadam()
    variable = kb.Variable(np.ones(2, "float32"), name="w")
    optimizer.apply_gradients([(torch.ones(2), variable)])
    optimizer.apply_gradients([(torch.ones(2), variable)])
    u = [0.9 * (1 - 0.5 * 0.96**t) for t in (1, 2)]
    np.testing.assert_allclose(optimizer.variables[-1].numpy(), u[0] * u[1], rtol=1e-6)


def test_adamw_requires_a_weight_decay():
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)


def test_sgd_rejects_a_momentum_outside_0_1():
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=1.5)


def test_ftrl_rejects_a_positive_learning_rate_power():
    with pytest.raises(ValueError, match="learning_rate_power"):
        optimizers.Ftrl(learning_rate_power=0.5)


def test_lion_rejects_a_non_positive_beta_1():
    with pytest.raises(ValueError, match="beta_1"):
        optimizers.Lion(beta_1=0.0)
