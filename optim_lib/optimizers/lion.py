"""Lion (Chen et al., 2023): the sign of an interpolated momentum, found by program search."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._checks import Hyper, check_hyper
from .base import Optimizer


class LionState(NamedTuple):
    """m: the momentum EMA (of g), m_0 = 0."""

    m: np.ndarray


class Lion(Optimizer):
    r"""Lion, as in Chen et al. (2023) and ``optax.lion`` (torch.optim has none).

        c_t = β₁ m_{t-1} + (1 − β₁) g_t                 (interpolation, used only for the sign)
        θ_t = θ_{t-1} − η (sign(c_t) + λ θ_{t-1})       (decoupled decay, multiplied by η)
        m_t = β₂ m_{t-1} + (1 − β₂) g_t                 (the momentum EMA)

    sign(0) = 0. Every coordinate moves by exactly η (plus the decay) per step.
    """

    hyperparameters = ("lr", "beta1", "beta2", "weight_decay")
    elementwise = True
    state_type = LionState

    def __init__(self, lr: Hyper = 1e-4, beta1: Hyper = 0.9, beta2: Hyper = 0.99, weight_decay: Hyper = 0.0):
        self.lr = check_hyper("lr", lr, 0.0)
        self.beta1 = check_hyper("beta1", beta1, 0.0, 1.0)
        self.beta2 = check_hyper("beta2", beta2, 0.0, 1.0)
        self.weight_decay = check_hyper("weight_decay", weight_decay, 0.0)

    def init_state(self, theta: np.ndarray) -> LionState:
        return LionState(m=np.zeros_like(theta))

    def update(self, theta, g, state):
        c = self.beta1 * state.m + (1 - self.beta1) * g  # c_t: interpolation
        theta = theta - self.lr * (np.sign(c) + self.weight_decay * theta)  # sign step + decay
        m = self.beta2 * state.m + (1 - self.beta2) * g  # m_t: momentum EMA
        return theta, LionState(m)
