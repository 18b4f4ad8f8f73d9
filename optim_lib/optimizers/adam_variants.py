"""Adam as two other conventions write it: with L2 in the gradient (AdamL2), and with Keras's ε (KerasAdam).

Neither is a new method. Each differs from :class:`~optim_lib.optimizers.adam.Adam` in one line, and the
chapters that explain the difference (AdamW, conventions) show that line.
"""

from __future__ import annotations

import numpy as np

from .._checks import Hyper, check_hyper
from .adam import Adam, AdamState


class AdamL2(Adam):
    r"""Adam with L2 regularization: λθ is added to the gradient before Adam sees it.

        g̃_t = g_t + λ θ_{t-1}                       (the L2 term, inside the moments)
        then Adam's update with g̃_t in place of g_t

    Equals ``torch.optim.Adam(lr=η, betas=(β₁, β₂), eps=ε, weight_decay=λ)`` (torch's Adam couples its
    weight decay this way; decoupled decay is :class:`~optim_lib.optimizers.adam.AdamW`).
    """

    hyperparameters = ("lr", "beta1", "beta2", "eps", "weight_decay")

    def __init__(self, lr: Hyper = 1e-3, beta1: Hyper = 0.9, beta2: Hyper = 0.999, eps: Hyper = 1e-8,
                 weight_decay: Hyper = 0.0):
        super().__init__(lr, beta1, beta2, eps)
        self.weight_decay = check_hyper("weight_decay", weight_decay, 0.0)

    def update(self, theta, g, state):
        return super().update(theta, g + self.weight_decay * theta, state)  # g ← g + λθ


class KerasAdam(Adam):
    r"""Keras's Adam: Kingma & Ba's "efficient" form, where ε is added to √v_t, not to √v̂_t.

        m_t = β₁ m_{t-1} + (1 − β₁) g_t,   v_t = β₂ v_{t-1} + (1 − β₂) g_t²
        α_t = η √(1 − β₂ᵗ) / (1 − β₁ᵗ)
        θ_t = θ_{t-1} − α_t m_t / (√v_t + ε)

    Dividing the step's numerator and denominator by √(1 − β₂ᵗ) shows that it is torch's Adam with a
    step-dependent ε_torch = ε / √(1 − β₂ᵗ): larger than ε in the first steps, tending to ε as t grows
    (Kingma & Ba call this ε "ε̂"). The default ε = 1e-7 is Keras's (``keras.optimizers.Adam(
    learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07)``).
    """

    def __init__(self, lr: Hyper = 1e-3, beta1: Hyper = 0.9, beta2: Hyper = 0.999, eps: Hyper = 1e-7):
        super().__init__(lr, beta1, beta2, eps)

    def update(self, theta, g, state):
        t = state.t + 1
        m = self.beta1 * state.m + (1 - self.beta1) * g  # first moment
        v = self.beta2 * state.v + (1 - self.beta2) * g**2  # second moment
        alpha_t = self.lr * np.sqrt(1 - self.beta2**t) / (1 - self.beta1**t)  # both corrections in the step
        theta = theta - alpha_t * m / (np.sqrt(v) + self.eps)  # ε added to √v_t, not to √v̂_t
        return theta, AdamState(t, m, v)
