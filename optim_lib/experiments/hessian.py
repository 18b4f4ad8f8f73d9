r"""Second derivatives from gradients: the finite-difference Hessian, Hessian-vector products, sharpness.

Only ∇J is needed. With a step h, the central difference of the gradient along a unit direction u,

    H u ≈ (∇J(θ + h u) − ∇J(θ − h u)) / (2h),

is exact for a quadratic (up to rounding) and has an O(h²) error otherwise. The full Hessian takes one
such product per coordinate (2d gradients); the sharpness λ_max(H), which decides gradient descent's
stability (η < 2/λ_max), takes a few dozen products by power iteration or Lanczos, whatever d is.
"""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from .._checks import check_float_array, check_int, check_scalar

Gradient = Callable[[np.ndarray], np.ndarray]


def _point(theta: object) -> np.ndarray:
    theta = check_float_array("theta", theta)
    if theta.ndim != 1 or theta.size == 0:
        raise ValueError(f"theta must be a non-empty 1-D array (one point), got shape {theta.shape}")
    return theta.astype(float)


def _start(theta: np.ndarray, v0: Optional[np.ndarray], seed: int) -> np.ndarray:
    """The first direction of an eigenvalue iteration: v0, or a seeded random vector."""
    if v0 is None:
        return np.random.default_rng(seed).standard_normal(theta.size)
    v = check_float_array("v0", v0).astype(float)
    if v.shape != theta.shape or not np.any(v):
        raise ValueError(f"v0 must be a non-zero array of theta's shape {theta.shape}, got shape {v.shape}")
    return v


def hvp(grad: Gradient, theta: object, v: object, h: float = 1e-5) -> np.ndarray:
    """The Hessian-vector product H(θ) v by a central difference of ∇J along v/‖v‖ (step h, then × ‖v‖)."""
    theta = _point(theta)
    v = check_float_array("v", v)
    if v.shape != theta.shape:
        raise ValueError(f"v must have theta's shape {theta.shape}, got {v.shape}")
    h = check_scalar("h", h, 0.0, low_open=True)
    norm = float(np.linalg.norm(v))
    if norm == 0.0:
        return np.zeros_like(theta)
    u = v / norm
    return norm * (np.asarray(grad(theta + h * u)) - np.asarray(grad(theta - h * u))) / (2 * h)


def hessian(grad: Gradient, theta: object, h: float = 1e-5) -> np.ndarray:
    """The d × d Hessian at θ: column j is the central difference of ∇J along e_j, then H ← (H + Hᵀ)/2."""
    theta = _point(theta)
    d = theta.size
    H = np.empty((d, d))
    for j in range(d):
        e = np.zeros(d)
        e[j] = 1.0
        H[:, j] = hvp(grad, theta, e, h)
    return 0.5 * (H + H.T)


def top_eigenpair(
    grad: Gradient, theta: object, *, iters: int = 20, v0: Optional[np.ndarray] = None, seed: int = 0, h: float = 1e-5
) -> tuple[float, np.ndarray]:
    """Power iteration on v ← Hv/‖Hv‖ for `iters` products; returns (vᵀHv, v) with ‖v‖ = 1.

    It finds the eigenvalue of largest magnitude: the sharpness λ_max when no negative curvature is larger
    in size. Start from `v0` (e.g. the last call's vector, to follow a training run cheaply) or from a
    seeded random direction.
    """
    theta = _point(theta)
    iters = check_int("iters", iters, 1)
    v = _start(theta, v0, seed)
    v = v / np.linalg.norm(v)
    for _ in range(iters):
        w = hvp(grad, theta, v, h)
        norm = float(np.linalg.norm(w))
        if norm == 0.0:
            return 0.0, v
        v = w / norm
    return float(v @ hvp(grad, theta, v, h)), v


def lanczos_top(
    grad: Gradient, theta: object, *, k: int = 20, v0: Optional[np.ndarray] = None, seed: int = 0, h: float = 1e-5
) -> tuple[float, np.ndarray]:
    """The largest eigenvalue of H(θ) and its vector from k Hessian-vector products, by Lanczos.

    From q₁ = v0/‖v0‖, each product w = H qᵢ is made orthogonal to q₁, …, qᵢ (twice, against rounding):
    αᵢ = qᵢᵀ H qᵢ and βᵢ = ‖w‖ fill a tridiagonal T = Qᵀ H Q, and q_{i+1} = w/βᵢ. The largest eigenvalue of T
    (the best Rayleigh quotient on the span of the k directions) converges to λ_max much faster than power
    iteration's after a sudden change of H, e.g. right after a loss spike in training. Returns (λ, v), ‖v‖ = 1.
    """
    theta = _point(theta)
    k = check_int("k", k, 1)
    v = _start(theta, v0, seed)
    Q, T = np.empty((k, theta.size)), np.zeros((k, k))
    q = v / np.linalg.norm(v)
    for i in range(k):
        Q[i] = q
        w = hvp(grad, theta, q, h)
        size = float(np.linalg.norm(w))
        T[i, i] = q @ w  # αᵢ
        for _ in range(2):  # w ⟂ q₁, …, qᵢ (twice, against rounding)
            w = w - Q[: i + 1].T @ (Q[: i + 1] @ w)
        if i + 1 < k:
            T[i, i + 1] = T[i + 1, i] = np.linalg.norm(w)  # βᵢ
            if T[i, i + 1] <= 1e-8 * size:  # the span is invariant (up to the products' rounding): T's eigenvalues are H's
                T, Q = T[: i + 1, : i + 1], Q[: i + 1]
                break
            q = w / T[i, i + 1]
    lam, S = np.linalg.eigh(T)  # the eigenvalues of H restricted to the span of the directions
    return float(lam[-1]), S[:, -1] @ Q


def sharpness(grad: Gradient, theta: object, *, iters: int = 20, v0: Optional[np.ndarray] = None, seed: int = 0,
              h: float = 1e-5) -> float:
    """The sharpness λ_max(∇²J(θ)) by power iteration (see :func:`top_eigenpair`)."""
    return top_eigenpair(grad, theta, iters=iters, v0=v0, seed=seed, h=h)[0]
