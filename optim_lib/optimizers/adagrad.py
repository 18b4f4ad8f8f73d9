"""AdaGrad (Duchi, Hazan & Singer, 2011): a per-coordinate learning rate from the sum of squared gradients."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._checks import Hyper, check_hyper
from .base import Optimizer


class AdaGradState(NamedTuple):
    """s: the running sum of squared gradients, the diagonal of the book's G_t."""

    s: np.ndarray


class AdaGrad(Optimizer):
    r"""AdaGrad with ε outside the square root, as in the paper and torch.

        s_t = s_{t-1} + g_t²                     (s_0 = 0)
        θ_t = θ_{t-1} − η g_t / (√s_t + ε)

    Equals ``torch.optim.Adagrad(lr=η, eps=ε)`` (``lr_decay=0``,
    ``initial_accumulator_value=0``). The effective learning rate of coordinate i is
    η / (√s_{t,i} + ε), which can only shrink.
    """

    hyperparameters = ("lr", "eps")
    elementwise = True
    state_type = AdaGradState

    def __init__(self, lr: Hyper = 0.01, eps: Hyper = 1e-10):
        self.lr = check_hyper("lr", lr, 0.0)
        self.eps = check_hyper("eps", eps, 0.0)

    def init_state(self, theta: np.ndarray) -> AdaGradState:
        return AdaGradState(s=np.zeros_like(theta))

    def update(self, theta, g, state):
        s = state.s + g**2  # s_t = s_{t-1} + g_t²
        theta = theta - self.lr * g / (np.sqrt(s) + self.eps)  # θ_t = θ_{t-1} − η g_t / (√s_t + ε)
        return theta, AdaGradState(s)

    def effective_lr(self, state: AdaGradState) -> np.ndarray:
        """η / (√s_t + ε): the step size each coordinate gets per unit of gradient."""
        self._check_state(state)
        return self.lr / (np.sqrt(state.s) + self.eps)
