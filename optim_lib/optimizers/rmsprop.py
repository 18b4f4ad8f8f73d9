"""RMSprop (Hinton, lecture 6e, 2012): divide the gradient by a running RMS of recent gradients."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._checks import Hyper, check_hyper
from .base import Optimizer


class RMSpropState(NamedTuple):
    """v: the exponential moving average of squared gradients."""

    v: np.ndarray


class RMSprop(Optimizer):
    r"""RMSprop with ε outside the square root, as in torch.

        v_t = ρ v_{t-1} + (1 − ρ) g_t²           (v_0 = 0)
        θ_t = θ_{t-1} − η g_t / (√v_t + ε)

    Equals ``torch.optim.RMSprop(lr=η, alpha=ρ, eps=ε)`` (not centered, no momentum). Hinton's
    slides use ρ = 0.9 and no ε; torch's default is ρ = 0.99.
    """

    hyperparameters = ("lr", "rho", "eps")
    elementwise = True
    state_type = RMSpropState

    def __init__(self, lr: Hyper = 0.01, rho: Hyper = 0.99, eps: Hyper = 1e-8):
        self.lr = check_hyper("lr", lr, 0.0)
        self.rho = check_hyper("rho", rho, 0.0, 1.0, high_open=True)
        self.eps = check_hyper("eps", eps, 0.0)

    def init_state(self, theta: np.ndarray) -> RMSpropState:
        return RMSpropState(v=np.zeros_like(theta))

    def update(self, theta, g, state):
        v = self.rho * state.v + (1 - self.rho) * g**2  # v_t = ρ v_{t-1} + (1 − ρ) g_t²
        theta = theta - self.lr * g / (np.sqrt(v) + self.eps)  # θ_t = θ_{t-1} − η g_t / (√v_t + ε)
        return theta, RMSpropState(v)
