"""Muon (Jordan et al., 2024): momentum, orthogonalized by a Newton–Schulz iteration, for matrices."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .._checks import check_bool, check_float_array, check_hyper, check_int, check_scalar
from .base import Optimizer

NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)


def newton_schulz(G: np.ndarray, steps: int = 5, eps: float = 1e-7) -> np.ndarray:
    r"""Approximate U Vᵀ for G = U Σ Vᵀ (the orthogonal factor of G) with a quintic Newton–Schulz iteration.

    X is scaled by its Frobenius norm so that every singular value is at most 1; each step
    X ← aX + (bA + cA²)X with A = XXᵀ maps every singular value σ to p(σ) = aσ + bσ³ + cσ⁵ and
    keeps the singular vectors. The coefficients (a, b, c) = (3.4445, −4.7750, 2.0315) make p
    steep at 0, so after a few steps the singular values lie roughly in [0.7, 1.2] rather than
    exactly at 1: the result is U S' Vᵀ with S' ≈ I, not U Vᵀ exactly. The wide matrix
    orientation keeps A small (the tall case is transposed). Runs in G's float dtype (torch uses
    bfloat16).

    G is a finite, non-empty float matrix; ``steps`` (k) is in [0, 99] and ``eps`` > 0 guards the
    division for G ≈ 0.
    """
    G = check_float_array("G", G)
    if G.ndim != 2 or G.size == 0:
        raise ValueError(f"G must be a non-empty 2-D matrix, got shape {G.shape}")
    if not np.all(np.isfinite(G)):
        raise ValueError("G must be finite")
    steps = check_int("steps", steps, 0, 99)
    eps = check_scalar("eps", eps, 0.0, low_open=True)
    return _newton_schulz(G, steps, eps)


def _newton_schulz(G: np.ndarray, steps: int, eps: float) -> np.ndarray:
    """``newton_schulz`` without the input checks, for Muon's step (a diverging run may feed it NaN)."""
    a, b, c = NS_COEFFICIENTS
    X = G
    tall = X.shape[0] > X.shape[1]
    if tall:
        X = X.T
    X = X / max(float(np.linalg.norm(X)), eps)  # ‖X‖_F ≥ spectral norm, so σ ≤ 1
    for _ in range(steps):
        A = X @ X.T
        X = a * X + (b * A + c * A @ A) @ X  # σ ← aσ + bσ³ + cσ⁵
    return X.T if tall else X


class MuonState(NamedTuple):
    """B: the momentum buffer, an EMA of g (torch's momentum_buffer), B_0 = 0."""

    B: np.ndarray


class Muon(Optimizer):
    r"""Muon in the form of ``torch.optim.Muon`` (2-D parameters only; Newton–Schulz in float, not bf16).

        B_t = μ B_{t-1} + (1 − μ) g_t                             (EMA buffer)
        C_t = (1 − μ) g_t + μ B_t   if nesterov, else B_t
        O_t = NS_k(C_t)                                          (≈ orthogonal factor of C_t)
        η' = η √max(1, rows/cols)
        θ_t = θ_{t-1} (1 − η λ) − η' O_t                          (decay with the unadjusted η)
    """

    hyperparameters = ("lr", "momentum", "nesterov", "weight_decay", "ns_steps", "eps")
    state_type = MuonState

    def __init__(
        self,
        lr: float = 1e-3,
        momentum: float = 0.95,
        nesterov: bool = True,
        weight_decay: float = 0.1,
        ns_steps: int = 5,
        eps: float = 1e-7,
    ):
        self.lr = _scalar("lr", check_hyper("lr", lr, 0.0))
        self.momentum = _scalar("momentum", check_hyper("momentum", momentum, 0.0, 1.0, high_open=True))
        self.nesterov = check_bool("nesterov", nesterov)
        self.weight_decay = _scalar("weight_decay", check_hyper("weight_decay", weight_decay, 0.0))
        self.ns_steps = check_int("ns_steps", ns_steps, 1, 99)
        self.eps = _scalar("eps", check_hyper("eps", eps, 0.0, low_open=True))

    def _check_shapes(self, shape: tuple[int, ...]) -> None:
        if len(shape) != 2:
            raise ValueError(f"params must be a 2-D matrix for Muon, got shape {shape}")

    def init_state(self, theta: np.ndarray) -> MuonState:
        return MuonState(B=np.zeros_like(theta))

    def update(self, theta, g, state):
        mu = self.momentum
        B = mu * state.B + (1 - mu) * g  # B_t: EMA buffer
        C = (1 - mu) * g + mu * B if self.nesterov else B  # C_t: Nesterov look-ahead
        O = _newton_schulz(C, self.ns_steps, self.eps)  # O_t ≈ orthogonal factor of C_t
        rows, cols = theta.shape
        lr_adj = self.lr * math.sqrt(max(1.0, rows / cols))  # η' = η √max(1, rows/cols)
        theta = theta * (1 - self.lr * self.weight_decay) - lr_adj * O  # decay, then step
        return theta, MuonState(B)


def _scalar(name: str, value) -> float:
    if isinstance(value, np.ndarray):
        raise ValueError(f"{name} must be a scalar for Muon (2-D parameters cannot be batched), got an array")
    return value
