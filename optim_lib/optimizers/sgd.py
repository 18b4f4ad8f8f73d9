"""Gradient descent, heavy-ball momentum and Nesterov momentum, in torch.optim's form.

Notation of the book: θ parameters, g = ∇J(θ) the gradient, η the learning rate, μ the
momentum coefficient, b the momentum buffer (torch's ``momentum_buffer``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._checks import Hyper, check_hyper
from .base import Optimizer


class SGDState(NamedTuple):
    """Plain gradient descent keeps no state."""


class MomentumState(NamedTuple):
    """b: the momentum buffer, a running sum of past gradients weighted by powers of μ."""

    b: np.ndarray


class SGD(Optimizer):
    r"""Gradient descent: θ_t = θ_{t-1} − η g_t.

    Equals ``torch.optim.SGD(lr=η)``. With exact gradients this is gradient descent; with
    minibatch gradients it is stochastic gradient descent (Robbins & Monro, 1951).
    """

    hyperparameters = ("lr",)
    elementwise = True
    state_type = SGDState

    def __init__(self, lr: Hyper):
        self.lr = check_hyper("lr", lr, 0.0)

    def init_state(self, theta: np.ndarray) -> SGDState:
        return SGDState()

    def update(self, theta, g, state):
        theta = theta - self.lr * g  # θ_t = θ_{t-1} − η g_t
        return theta, state


class Momentum(Optimizer):
    r"""Heavy-ball momentum (Polyak, 1964) in torch's form.

        b_t = μ b_{t-1} + g_t          (b_0 = 0, so b_1 = g_1)
        θ_t = θ_{t-1} − η b_t

    Equals ``torch.optim.SGD(lr=η, momentum=μ)``; the other conventions readers meet
    (η inside the buffer, a (1 − β) factor, a sign-flipped velocity) are derived in the
    momentum chapter.
    """

    hyperparameters = ("lr", "momentum")
    elementwise = True
    state_type = MomentumState

    def __init__(self, lr: Hyper, momentum: Hyper = 0.9):
        self.lr = check_hyper("lr", lr, 0.0)
        self.momentum = check_hyper("momentum", momentum, 0.0, 1.0, high_open=True)

    def init_state(self, theta: np.ndarray) -> MomentumState:
        return MomentumState(b=np.zeros_like(theta))

    def update(self, theta, g, state):
        b = self.momentum * state.b + g  # b_t = μ b_{t-1} + g_t
        theta = theta - self.lr * b  # θ_t = θ_{t-1} − η b_t
        return theta, MomentumState(b)


class Nesterov(Optimizer):
    r"""Nesterov momentum in torch's form, with the gradient taken at the current point.

        b_t = μ b_{t-1} + g_t
        θ_t = θ_{t-1} − η (g_t + μ b_t)

    Equals ``torch.optim.SGD(lr=η, momentum=μ, nesterov=True)``. It is Sutskever et al.'s
    look-ahead method written in the look-ahead variable; the chapter derives the change of
    variables.
    """

    hyperparameters = ("lr", "momentum")
    elementwise = True
    state_type = MomentumState

    def __init__(self, lr: Hyper, momentum: Hyper = 0.9):
        self.lr = check_hyper("lr", lr, 0.0)
        self.momentum = check_hyper("momentum", momentum, 0.0, 1.0, low_open=True, high_open=True)

    def init_state(self, theta: np.ndarray) -> MomentumState:
        return MomentumState(b=np.zeros_like(theta))

    def update(self, theta, g, state):
        b = self.momentum * state.b + g  # b_t = μ b_{t-1} + g_t
        theta = theta - self.lr * (g + self.momentum * b)  # θ_t = θ_{t-1} − η (g_t + μ b_t)
        return theta, MomentumState(b)
