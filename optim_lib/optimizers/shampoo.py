"""Matrix preconditioners: Shampoo (Gupta, Koren & Singer, 2018) and SOAP (Vyas et al., 2024).

Adam scales each coordinate of a weight matrix on its own. Shampoo preconditions the whole matrix
from both sides, with the row statistics L = Σ G Gᵀ and the column statistics R = Σ Gᵀ G; SOAP
runs Adam in the eigenbasis of Shampoo's L and R. Both act on 2-D parameters (matrices), like
Muon, and follow pytorch-optimizer's ``Shampoo`` and ``SOAP`` (the test oracles).
"""

from __future__ import annotations

import math
from typing import NamedTuple, Optional

import numpy as np

from .._checks import check_hyper, check_int
from .base import Optimizer


def _scalar(cls: str, name: str, value) -> float:
    if isinstance(value, np.ndarray):
        raise ValueError(f"{name} must be a scalar for {cls} (2-D parameters cannot be batched), got an array")
    return float(value)


def _check_matrix(cls: str, shape: tuple[int, ...]) -> None:
    if len(shape) != 2:
        raise ValueError(f"params must be a 2-D matrix for {cls}, got shape {shape}")


def _inverse_root(M: np.ndarray, p: float) -> np.ndarray:
    """M^(−1/p) of a symmetric positive definite M, from its SVD (= its eigendecomposition)."""
    u, s, vh = np.linalg.svd(M, full_matrices=False)
    return (u * s ** (-1.0 / p)) @ vh


class ShampooState(NamedTuple):
    """t: steps taken; L, R: the row and column statistics; L_root, R_root: L^(−1/4), R^(−1/4)
    as last computed."""

    t: int
    L: np.ndarray
    R: np.ndarray
    L_root: np.ndarray
    R_root: np.ndarray


class Shampoo(Optimizer):
    r"""Shampoo for a matrix parameter, Algorithm 1 of Gupta, Koren & Singer (2018):

        G_t = g_t + λ θ_{t-1}                          (coupled weight decay, as pytorch-optimizer)
        L_t = L_{t-1} + G_t G_tᵀ,   R_t = R_{t-1} + G_tᵀ G_t      (L_0 = ε I_m, R_0 = ε I_n)
        θ_t = θ_{t-1} − η L_t^(−1/4) G_t R_t^(−1/4)

    The roots are recomputed every ``preconditioning_compute_steps`` steps (every step by default)
    and are zero before the first computation, as in pytorch-optimizer's ``Shampoo`` with
    ``momentum=0`` (its momentum, which mixes the last preconditioned step into the raw gradient,
    is not the paper's and is not offered here).
    """

    hyperparameters = ("lr", "weight_decay", "preconditioning_compute_steps", "matrix_eps")
    state_type = ShampooState

    def __init__(
        self, lr: float = 1e-3, weight_decay: float = 0.0, preconditioning_compute_steps: int = 1,
        matrix_eps: float = 1e-6,
    ):
        self.lr = _scalar("Shampoo", "lr", check_hyper("lr", lr, 0.0))
        self.weight_decay = _scalar("Shampoo", "weight_decay", check_hyper("weight_decay", weight_decay, 0.0))
        self.preconditioning_compute_steps = check_int("preconditioning_compute_steps", preconditioning_compute_steps, 1)
        self.matrix_eps = _scalar("Shampoo", "matrix_eps", check_hyper("matrix_eps", matrix_eps, 0.0, low_open=True))

    def _check_shapes(self, shape: tuple[int, ...]) -> None:
        _check_matrix("Shampoo", shape)

    def init_state(self, theta: np.ndarray) -> ShampooState:
        m, n = theta.shape
        return ShampooState(
            t=0, L=self.matrix_eps * np.eye(m), R=self.matrix_eps * np.eye(n), L_root=np.zeros((m, m)),
            R_root=np.zeros((n, n)),
        )

    def _check_state(self, state, shape=None) -> None:  # L and R are m×m and n×n, not shaped like θ
        super()._check_state(state)
        if shape is not None and (state.L.shape != (shape[0],) * 2 or state.R.shape != (shape[1],) * 2):
            raise ValueError(f"state holds statistics for a {state.L.shape[0]}×{state.R.shape[0]} matrix, "
                             f"but params have shape {shape}")

    def update(self, theta, g, state):
        t = state.t + 1
        G = g + self.weight_decay * theta  # coupled decay
        L = state.L + G @ G.T  # row statistics
        R = state.R + G.T @ G  # column statistics
        L_root, R_root = state.L_root, state.R_root
        if t % self.preconditioning_compute_steps == 0:
            L_root, R_root = _inverse_root(L, 4), _inverse_root(R, 4)  # L^(−1/4), R^(−1/4)
        theta = theta - self.lr * L_root @ G @ R_root
        return theta, ShampooState(t, L, R, L_root, R_root)


class SOAPState(NamedTuple):
    """t: steps taken; m: the first moment (in θ's own basis); v: the second moment (in the
    eigenbasis); L, R: EMAs of G Gᵀ and Gᵀ G; QL, QR: their eigenbases (columns by decreasing
    eigenvalue), as last computed."""

    t: int
    m: np.ndarray
    v: np.ndarray
    L: np.ndarray
    R: np.ndarray
    QL: np.ndarray
    QR: np.ndarray


class SOAP(Optimizer):
    r"""SOAP for a matrix parameter (Vyas et al., 2024): Adam in Shampoo's eigenbasis.

    Step 1 only gathers statistics: L_1 = (1 − β_s) g₁g₁ᵀ, R_1 = (1 − β_s) g₁ᵀg₁, and Q_L, Q_R are
    their eigenvectors; θ does not move. At step t ≥ 2, with k = t − 1:

        m_k = β₁ m_{k-1} + (1 − β₁) g_t                        (m in θ's basis)
        v_k = β₂ v_{k-1} + (1 − β₂) (Q_Lᵀ g_t Q_R)²            (v in the eigenbasis)
        N_t = Q_L [ (Q_Lᵀ m_k Q_R) / (√v_k + ε) ] Q_Rᵀ
        θ_t = (θ_{t-1} − η √(1 − β₂ᵏ)/(1 − β₁ᵏ) N_t)(1 − η λ)      (decoupled decay, after the step)
        L_t = β_s L_{t-1} + (1 − β_s) g_t g_tᵀ,   R_t likewise

    and every ``precondition_frequency`` values of k the bases are refreshed by one power
    iteration, Q ← QR(L Q) with columns sorted by the estimated eigenvalues diag(Qᵀ L Q) (v's rows
    or columns sorted with them), instead of a new eigendecomposition. β_s is ``shampoo_beta``
    (β₂ when None). This is pytorch-optimizer's ``SOAP`` for a matrix with both sides
    preconditioned; it computes the QR in float32, which this float64 code does not.
    """

    hyperparameters = ("lr", "beta1", "beta2", "shampoo_beta", "eps", "weight_decay", "precondition_frequency")
    state_type = SOAPState

    def __init__(
        self, lr: float = 3e-3, beta1: float = 0.95, beta2: float = 0.95, shampoo_beta: Optional[float] = None,
        eps: float = 1e-8, weight_decay: float = 1e-2, precondition_frequency: int = 10,
    ):
        self.lr = _scalar("SOAP", "lr", check_hyper("lr", lr, 0.0))
        self.beta1 = _scalar("SOAP", "beta1", check_hyper("beta1", beta1, 0.0, 1.0, high_open=True))
        self.beta2 = _scalar("SOAP", "beta2", check_hyper("beta2", beta2, 0.0, 1.0, high_open=True))
        self.shampoo_beta = None if shampoo_beta is None else _scalar(
            "SOAP", "shampoo_beta", check_hyper("shampoo_beta", shampoo_beta, 0.0, 1.0, high_open=True))
        self.eps = _scalar("SOAP", "eps", check_hyper("eps", eps, 0.0))
        self.weight_decay = _scalar("SOAP", "weight_decay", check_hyper("weight_decay", weight_decay, 0.0))
        self.precondition_frequency = check_int("precondition_frequency", precondition_frequency, 1)

    def _check_shapes(self, shape: tuple[int, ...]) -> None:
        _check_matrix("SOAP", shape)

    def init_state(self, theta: np.ndarray) -> SOAPState:
        m, n = theta.shape
        zeros = np.zeros_like(theta)
        return SOAPState(0, zeros, zeros.copy(), np.zeros((m, m)), np.zeros((n, n)), np.eye(m), np.eye(n))

    def _check_state(self, state, shape=None) -> None:  # L, R, QL, QR are square, not shaped like θ
        super()._check_state(state)
        if shape is not None and (state.m.shape != shape or state.L.shape != (shape[0],) * 2
                                  or state.R.shape != (shape[1],) * 2):
            raise ValueError(f"state holds statistics for a {state.L.shape[0]}×{state.R.shape[0]} matrix, "
                             f"but params have shape {shape}")

    @staticmethod
    def _eigenbasis(M: np.ndarray) -> np.ndarray:
        _, Q = np.linalg.eigh(M + 1e-30 * np.eye(len(M)))
        return Q[:, ::-1]  # columns by decreasing eigenvalue

    def update(self, theta, g, state):
        t = state.t + 1
        bs = self.beta2 if self.shampoo_beta is None else self.shampoo_beta
        L = bs * state.L + (1 - bs) * g @ g.T  # row statistics (EMA)
        R = bs * state.R + (1 - bs) * g.T @ g  # column statistics (EMA)
        if t == 1:  # statistics only: θ does not move
            return theta, SOAPState(t, state.m, state.v, L, R, self._eigenbasis(L), self._eigenbasis(R))
        k = t - 1
        QL, QR = state.QL, state.QR
        m = self.beta1 * state.m + (1 - self.beta1) * g  # first moment, θ's basis
        v = self.beta2 * state.v + (1 - self.beta2) * (QL.T @ g @ QR) ** 2  # second moment, eigenbasis
        N = QL @ ((QL.T @ m @ QR) / (np.sqrt(v) + self.eps)) @ QR.T  # Adam's direction, rotated back
        step = self.lr * math.sqrt(1 - self.beta2**k) / (1 - self.beta1**k)
        theta = (theta - step * N) * (1 - self.lr * self.weight_decay)  # step, then decoupled decay
        if k % self.precondition_frequency == 0:  # refresh the bases: one power iteration each
            P = L @ QL
            order = np.argsort(-np.sum(QL * P, axis=0), kind="stable")
            v, QL = v[order, :], np.linalg.qr(P[:, order])[0]
            P = R @ QR
            order = np.argsort(-np.sum(QR * P, axis=0), kind="stable")
            v, QR = v[:, order], np.linalg.qr(P[:, order])[0]
        return theta, SOAPState(t, m, v, L, R, QL, QR)
