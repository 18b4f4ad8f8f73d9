"""AdaDelta (Zeiler, 2012): an RMSprop whose step size comes from the RMS of past updates."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._checks import Hyper, check_hyper
from .base import Optimizer


class AdaDeltaState(NamedTuple):
    """v: running average of squared gradients, E[g²]; u: running average of squared updates, E[Δθ²]."""

    v: np.ndarray
    u: np.ndarray


class AdaDelta(Optimizer):
    r"""AdaDelta with ε inside both square roots, as in the paper and torch.

        v_t = ρ v_{t-1} + (1 − ρ) g_t²                   (v_0 = 0)
        Δ_t = √(u_{t-1} + ε) / √(v_t + ε) · g_t
        u_t = ρ u_{t-1} + (1 − ρ) Δ_t²                   (u_0 = 0)
        θ_t = θ_{t-1} − η Δ_t

    Equals ``torch.optim.Adadelta(lr=η, rho=ρ, eps=ε)``. Zeiler's method has no learning
    rate: it is η = 1, torch's default. u accumulates the unscaled Δ_t, before η.
    """

    hyperparameters = ("lr", "rho", "eps")
    elementwise = True
    state_type = AdaDeltaState

    def __init__(self, lr: Hyper = 1.0, rho: Hyper = 0.9, eps: Hyper = 1e-6):
        self.lr = check_hyper("lr", lr, 0.0)
        self.rho = check_hyper("rho", rho, 0.0, 1.0, high_open=True)
        self.eps = check_hyper("eps", eps, 0.0)

    def init_state(self, theta: np.ndarray) -> AdaDeltaState:
        return AdaDeltaState(v=np.zeros_like(theta), u=np.zeros_like(theta))

    def update(self, theta, g, state):
        v = self.rho * state.v + (1 - self.rho) * g**2  # v_t = ρ v_{t-1} + (1 − ρ) g_t²
        delta = np.sqrt(state.u + self.eps) / np.sqrt(v + self.eps) * g  # Δ_t = RMS[Δθ]_{t-1} / RMS[g]_t · g_t
        u = self.rho * state.u + (1 - self.rho) * delta**2  # u_t = ρ u_{t-1} + (1 − ρ) Δ_t²
        theta = theta - self.lr * delta  # θ_t = θ_{t-1} − η Δ_t
        return theta, AdaDeltaState(v, u)
