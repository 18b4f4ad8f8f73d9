"""Two steps of every optimizer computed by hand on J(θ) = Σ θᵢ², g = 2θ, θ₀ = (1, −2)."""

import math

import numpy as np
import pytest

import optim_lib as ol

THETA0 = np.array([1.0, -2.0])


def two_steps(opt):
    theta, state = THETA0, opt.init(THETA0)
    out = []
    for _ in range(2):
        theta, state = opt.step(theta, 2 * theta, state)
        out.append(theta)
    return out


def test_sgd():
    t1, t2 = two_steps(ol.SGD(lr=0.1))
    # θ₁ = θ₀ − 0.1·2θ₀ = 0.8 θ₀ ; θ₂ = 0.64 θ₀
    np.testing.assert_allclose(t1, [0.8, -1.6], rtol=1e-15)
    np.testing.assert_allclose(t2, [0.64, -1.28], rtol=1e-15)


def test_momentum():
    t1, t2 = two_steps(ol.Momentum(lr=0.1, momentum=0.9))
    # b₁ = g₁ = (2, −4); θ₁ = (0.8, −1.6); g₂ = (1.6, −3.2); b₂ = 0.9 b₁ + g₂ = (3.4, −6.8)
    np.testing.assert_allclose(t1, [0.8, -1.6], rtol=1e-15)
    np.testing.assert_allclose(t2, [0.8 - 0.34, -1.6 + 0.68], rtol=1e-14)


def test_nesterov():
    t1, t2 = two_steps(ol.Nesterov(lr=0.1, momentum=0.9))
    # b₁ = (2, −4); θ₁ = θ₀ − 0.1 (g₁ + 0.9 b₁) = θ₀ − 0.38 θ₀ = 0.62 θ₀
    # g₂ = 1.24 θ₀; b₂ = 0.9·2θ₀ + 1.24θ₀ = 3.04 θ₀; θ₂ = 0.62θ₀ − 0.1(1.24 + 2.736)θ₀ = 0.2224 θ₀
    np.testing.assert_allclose(t1, 0.62 * THETA0, rtol=1e-14)
    np.testing.assert_allclose(t2, 0.2224 * THETA0, rtol=1e-13)


def test_adagrad():
    t1, t2 = two_steps(ol.AdaGrad(lr=0.1, eps=0.0))
    # s₁ = g₁² so the first step is η·sign(g): θ₁ = (0.9, −1.9)
    np.testing.assert_allclose(t1, [0.9, -1.9], rtol=1e-15)
    # g₂ = (1.8, −3.8); s₂ = (4 + 3.24, 16 + 14.44)
    expected = [0.9 - 0.1 * 1.8 / math.sqrt(7.24), -1.9 + 0.1 * 3.8 / math.sqrt(30.44)]
    np.testing.assert_allclose(t2, expected, rtol=1e-14)


def test_rmsprop():
    t1, t2 = two_steps(ol.RMSprop(lr=0.01, rho=0.9, eps=0.0))
    # v₁ = 0.1 g₁², so the step is η g/(√0.1 |g|) = η/√0.1 per coordinate
    step = 0.01 / math.sqrt(0.1)
    np.testing.assert_allclose(t1, [1 - step, -2 + step], rtol=1e-14)
    g2 = 2 * t1
    v2 = 0.9 * 0.1 * np.array([4.0, 16.0]) + 0.1 * g2**2
    np.testing.assert_allclose(t2, t1 - 0.01 * g2 / np.sqrt(v2), rtol=1e-14)


def test_adadelta():
    t1, t2 = two_steps(ol.AdaDelta(lr=1.0, rho=0.9, eps=1e-6))
    g1 = np.array([2.0, -4.0])
    v1 = 0.1 * g1**2
    d1 = math.sqrt(1e-6) / np.sqrt(v1 + 1e-6) * g1  # numerator √(0 + ε): the √ε-sized first step
    np.testing.assert_allclose(t1, THETA0 - d1, rtol=1e-14)
    u1 = 0.1 * d1**2
    g2 = 2 * t1
    v2 = 0.9 * v1 + 0.1 * g2**2
    d2 = np.sqrt(u1 + 1e-6) / np.sqrt(v2 + 1e-6) * g2
    np.testing.assert_allclose(t2, t1 - d2, rtol=1e-14)


def test_adam():
    t1, t2 = two_steps(ol.Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=0.0))
    # after bias correction m̂₁ = g₁, v̂₁ = g₁²: the first step is η·sign(g₁)
    np.testing.assert_allclose(t1, [0.9, -1.9], rtol=1e-14)
    g1, g2 = np.array([2.0, -4.0]), 2 * t1
    m2 = 0.9 * 0.1 * g1 + 0.1 * g2
    v2 = 0.999 * 0.001 * g1**2 + 0.001 * g2**2
    m_hat, v_hat = m2 / (1 - 0.81), v2 / (1 - 0.999**2)
    np.testing.assert_allclose(t2, t1 - 0.1 * m_hat / np.sqrt(v_hat), rtol=1e-14)


@pytest.mark.parametrize(
    "opt", [ol.AdaGrad(0.1), ol.RMSprop(0.01), ol.Adam(0.1)], ids=["AdaGrad", "RMSprop", "Adam"]
)
def test_eps_sits_outside_the_square_root(opt):
    """With a large ε the two placements differ a lot; ours is √(·) + ε like torch."""
    big = type(opt)(**{**opt.get_hyperparameters(), "eps": 1.0})
    theta = np.array([3.0])
    new, _ = big.step(theta, np.array([4.0]), big.init(theta))
    # first step: the denominator is √(c·16)/√c' + 1 = 4 + 1 for all three (c = c' after bias correction)
    denom = {"AdaGrad": 4.0 + 1.0, "RMSprop": 4.0 * math.sqrt(0.01) + 1.0, "Adam": 4.0 + 1.0}[type(opt).__name__]
    np.testing.assert_allclose(new, theta - big.lr * 4.0 / denom, rtol=1e-14)
