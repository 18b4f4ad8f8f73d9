r"""Convergence theory of gradient descent, heavy ball and Nesterov on quadratics.

Take J(θ) = ½ θᵀ H θ with the eigenvalues λ of H in [ℓ, L] (ℓ = λ_min > 0, L = λ_max) and
κ = L / ℓ. The book writes μ for the momentum coefficient, so the smallest curvature is
called ℓ here, not μ as in most optimization texts.

In the eigenbasis of H every method acts on each mode (coordinate x along one eigenvector,
curvature λ) separately, with h = ηλ:

    gradient descent   x_t = (1 − h) x_{t-1}                                 factor |1 − h|
    heavy ball         x_t = (1 + μ − h) x_{t-1} − μ x_{t-2}                  z² − (1 + μ − h) z + μ = 0
    Nesterov (torch)   same characteristic polynomial as the look-ahead form  z² − (1 + μ)(1 − h) z + μ(1 − h) = 0

The heavy-ball recursion is torch's ``SGD(lr=η, momentum=μ)`` (θ_t − θ_{t-1} = −η b_t =
μ(θ_{t-1} − θ_{t-2}) − η g_t). torch's Nesterov state (θ, b) evolves by the matrix
[[1 − h(1 + μ), −ημ²], [λ, μ]], whose trace is (1 + μ)(1 − h) and determinant μ(1 − h).
The spectral radius of a mode's matrix is its asymptotic convergence factor; where the two
roots coincide (a Jordan block) the error also carries a factor growing linearly in t.

References: Polyak (1964); Goh, "Why Momentum Really Works", Distill (2017); Nesterov (1983).
"""

from __future__ import annotations

import math

import numpy as np

from .._checks import check_broadcast_together, check_hyper, check_int, check_real_array, check_scalar

__all__ = [
    "gd_rate",
    "gd_optimal",
    "heavy_ball_optimal",
    "heavy_ball_radius",
    "heavy_ball_is_complex",
    "heavy_ball_stable_lr",
    "nesterov_standard",
    "nesterov_radius",
    "quadratic_radius",
    "measured_factor",
]


def _check_curvatures(ell, L):
    """ℓ and L, the extreme curvatures: 0 < ℓ ≤ L < ∞."""
    L = check_scalar("L", L, 0.0, low_open=True)
    return check_scalar("ell", ell, 0.0, L, low_open=True), L


def _check_modes(lr, lam, momentum=None):
    """η ≥ 0, real curvatures λ and, if given, 0 ≤ μ < 1: float arrays that broadcast together."""
    arrays = {"lr": np.asarray(check_hyper("lr", lr, 0.0)), "lam": np.asarray(check_hyper("lam", lam, -math.inf))}
    if momentum is not None:
        arrays["momentum"] = np.asarray(check_hyper("momentum", momentum, 0.0, 1.0, high_open=True))
    check_broadcast_together(**arrays)
    return tuple(arrays.values())


def gd_rate(lr, lam):
    r"""Per-mode factor of gradient descent: |1 − ηλ| (vectorized over η ≥ 0 and λ)."""
    lr, lam = _check_modes(lr, lam)
    return np.abs(1.0 - lr * lam)


def gd_optimal(ell, L):
    r"""Best constant step of gradient descent and its rate.

    max_{λ∈[ℓ,L]} |1 − ηλ| = max(|1 − ηℓ|, |1 − ηL|) is smallest when the two ends balance,
    1 − ηℓ = ηL − 1, so η* = 2 / (L + ℓ) and the rate is (L − ℓ)/(L + ℓ) = (κ − 1)/(κ + 1).
    Returns (η*, rate).
    """
    ell, L = _check_curvatures(ell, L)
    return 2.0 / (L + ell), (L - ell) / (L + ell)


def heavy_ball_optimal(ell, L):
    r"""Polyak's optimal heavy-ball parameters and rate.

        η* = 4 / (√L + √ℓ)²,   μ* = ((√κ − 1)/(√κ + 1))²,   rate = √μ* = (√κ − 1)/(√κ + 1)

    They make both end modes critically damped, (1 − √μ)² = ηℓ and (1 + √μ)² = ηL, so every
    mode in between has complex roots of modulus √μ. Returns (η*, μ*, rate).
    """
    ell, L = _check_curvatures(ell, L)
    s = np.sqrt(L / ell)
    rate = (s - 1.0) / (s + 1.0)
    return 4.0 / (np.sqrt(L) + np.sqrt(ell)) ** 2, rate**2, rate


def _radius(trace, det):
    """Largest |z| of z² − trace·z + det = 0, elementwise."""
    trace = np.asarray(trace, dtype=complex)
    disc = np.sqrt(trace**2 - 4.0 * np.asarray(det, dtype=complex))
    return np.maximum(np.abs((trace + disc) / 2.0), np.abs((trace - disc) / 2.0))


def heavy_ball_radius(lr, momentum, lam):
    r"""Spectral radius of the heavy-ball companion matrix [[1 + μ − ηλ, −μ], [1, 0]].

    Vectorized: lr (η ≥ 0), momentum (0 ≤ μ < 1) and lam broadcast against each other. Below 1
    the mode converges at that factor per step; at or above 1 it does not.
    """
    lr, lam, mu = _check_modes(lr, lam, momentum)
    h = lr * lam
    return _radius(1.0 + mu - h, mu)


def heavy_ball_is_complex(lr, momentum, lam):
    r"""True where the mode's roots are complex (it oscillates): (1 − √μ)² < ηλ < (1 + √μ)²."""
    lr, lam, mu = _check_modes(lr, lam, momentum)
    h = lr * lam
    r = np.sqrt(mu)
    return ((1 - r) ** 2 < h) & (h < (1 + r) ** 2)


def heavy_ball_stable_lr(momentum, lam):
    r"""Largest stable step for a mode of curvature λ > 0: ηλ < 2(1 + μ) (with 0 ≤ μ < 1)."""
    mu = np.asarray(check_hyper("momentum", momentum, 0.0, 1.0, high_open=True))
    lam = np.asarray(check_hyper("lam", lam, 0.0, low_open=True))
    check_broadcast_together(momentum=mu, lam=lam)
    return 2.0 * (1.0 + mu) / lam


def nesterov_standard(ell, L):
    r"""The textbook strongly convex Nesterov setting and its rate.

    η = 1/L, μ = (√κ − 1)/(√κ + 1). At λ = ℓ the characteristic polynomial becomes
    (z − (1 − 1/√κ))², a double root, and every other mode is faster, so the asymptotic
    rate is 1 − 1/√κ. Returns (η, μ, rate).
    """
    ell, L = _check_curvatures(ell, L)
    s = np.sqrt(L / ell)
    return 1.0 / L, (s - 1.0) / (s + 1.0), 1.0 - 1.0 / s


def nesterov_radius(lr, momentum, lam):
    r"""Spectral radius of torch's Nesterov step on one mode (vectorized).

    State (θ, b): θ_t = (1 − h(1 + μ)) θ_{t-1} − ημ² b_{t-1}, b_t = λθ_{t-1} + μ b_{t-1};
    trace (1 + μ)(1 − h), determinant μ(1 − h).
    """
    lr, lam, mu = _check_modes(lr, lam, momentum)
    h = lr * lam
    return _radius((1.0 + mu) * (1.0 - h), mu * (1.0 - h))


def quadratic_radius(method, lr, momentum, eigenvalues):
    r"""Worst mode's factor over the eigenvalues (last axis): max_λ ρ(λ).

    ``method`` is "gd", "heavy_ball" or "nesterov"; lr and momentum broadcast (add a trailing
    axis to compare against the eigenvalues, e.g. lr[:, None, None]).
    """
    if not (isinstance(method, str) and method in ("gd", "heavy_ball", "nesterov")):
        raise ValueError(f"method must be 'gd', 'heavy_ball' or 'nesterov', got {method!r}")
    lam = np.asarray(check_hyper("eigenvalues", eigenvalues, -math.inf))
    if lam.ndim == 0 or lam.shape[-1] == 0:
        raise ValueError(f"eigenvalues must have shape (..., d) with d >= 1, got {lam.shape}")
    lr = np.asarray(check_hyper("lr", lr, 0.0))[..., None]
    momentum = np.asarray(check_hyper("momentum", momentum, 0.0, 1.0, high_open=True))[..., None]
    check_broadcast_together(**{"lr[..., None]": lr, "momentum[..., None]": momentum, "eigenvalues": lam})
    if method == "gd":
        r = gd_rate(lr, lam) + 0 * momentum
    elif method == "heavy_ball":
        r = heavy_ball_radius(lr, momentum, lam)
    else:
        r = nesterov_radius(lr, momentum, lam)
    return np.max(r, axis=-1)


def measured_factor(path, minimizer=0.0, t0=None):
    r"""Average contraction per step measured on a run: (‖θ_T − θ*‖ / ‖θ_{T0} − θ*‖)^{1/(T − T0)}.

    ``path`` has shape (T + 1, *batch, d) with T ≥ 1, as ``Trajectory.path``; ``minimizer`` θ*
    broadcasts against one point; ``t0`` is an integer in [0, T), T // 2 by default.
    Diverged runs (NaN) give NaN.
    """
    path = check_real_array("path", path, finite=False)
    if path.ndim < 2 or path.shape[0] < 2:
        raise ValueError(f"path must have shape (T + 1, *batch, d) with T >= 1, got {path.shape}")
    minimizer = check_real_array("minimizer", minimizer)
    check_broadcast_together(**{"path[0]": path[0], "minimizer": minimizer})
    T = path.shape[0] - 1
    t0 = T // 2 if t0 is None else check_int("t0", t0, 0, T - 1)
    err = np.linalg.norm(path - minimizer, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (err[T] / err[t0]) ** (1.0 / (T - t0))
