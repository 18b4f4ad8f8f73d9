"""Adam (Kingma & Ba, 2015): momentum's direction with RMSprop's per-coordinate scale."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import Hyper, check_hyper
from .base import Optimizer


class AdamState(NamedTuple):
    """t: steps taken; m: first-moment EMA (of g); v: second-moment EMA (of g²)."""

    t: int
    m: np.ndarray
    v: np.ndarray


class Adam(Optimizer):
    r"""Adam, Algorithm 1 of Kingma & Ba, with ε outside the root and after bias correction.

        m_t = β₁ m_{t-1} + (1 − β₁) g_t          (m_0 = 0)
        v_t = β₂ v_{t-1} + (1 − β₂) g_t²         (v_0 = 0)
        m̂_t = m_t / (1 − β₁ᵗ),   v̂_t = v_t / (1 − β₂ᵗ)
        θ_t = θ_{t-1} − η m̂_t / (√v̂_t + ε)

    Equals ``torch.optim.Adam(lr=η, betas=(β₁, β₂), eps=ε)``.
    """

    hyperparameters = ("lr", "beta1", "beta2", "eps")

    def __init__(self, lr: Hyper = 1e-3, beta1: Hyper = 0.9, beta2: Hyper = 0.999, eps: Hyper = 1e-8):
        self.lr = check_hyper("lr", lr, 0.0)
        self.beta1 = check_hyper("beta1", beta1, 0.0, 1.0, high_open=True)
        self.beta2 = check_hyper("beta2", beta2, 0.0, 1.0, high_open=True)
        self.eps = check_hyper("eps", eps, 0.0)

    def init_state(self, theta: np.ndarray) -> AdamState:
        return AdamState(t=0, m=np.zeros_like(theta), v=np.zeros_like(theta))

    def update(self, theta, g, state):
        t = state.t + 1
        m = self.beta1 * state.m + (1 - self.beta1) * g  # first moment
        v = self.beta2 * state.v + (1 - self.beta2) * g**2  # second moment
        m_hat = m / (1 - self.beta1**t)  # bias corrections
        v_hat = v / (1 - self.beta2**t)
        theta = theta - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
        return theta, AdamState(t, m, v)
