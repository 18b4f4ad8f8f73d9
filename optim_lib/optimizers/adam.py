"""Adam (Kingma & Ba, 2015): momentum's direction with RMSprop's per-coordinate scale."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._checks import Hyper, check_hyper
from .base import Optimizer


def _adam_hyperparameters(lr: Hyper, beta1: Hyper, beta2: Hyper, eps: Hyper) -> tuple[Hyper, Hyper, Hyper, Hyper]:
    """Validate the hyperparameters every Adam-family optimizer shares: η ≥ 0, β₁, β₂ ∈ [0, 1), ε ≥ 0."""
    return (
        check_hyper("lr", lr, 0.0),
        check_hyper("beta1", beta1, 0.0, 1.0, high_open=True),
        check_hyper("beta2", beta2, 0.0, 1.0, high_open=True),
        check_hyper("eps", eps, 0.0),
    )


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
    elementwise = True
    state_type = AdamState

    def __init__(self, lr: Hyper = 1e-3, beta1: Hyper = 0.9, beta2: Hyper = 0.999, eps: Hyper = 1e-8):
        self.lr, self.beta1, self.beta2, self.eps = _adam_hyperparameters(lr, beta1, beta2, eps)

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


class AMSGradState(NamedTuple):
    """t: steps taken; m, v: Adam's moment EMAs; v_max: running maximum of the raw v."""

    t: int
    m: np.ndarray
    v: np.ndarray
    v_max: np.ndarray


class AMSGrad(Optimizer):
    r"""AMSGrad (Reddi, Kale & Kumar, 2018) in torch's form: Adam whose denominator never shrinks.

        m_t = β₁ m_{t-1} + (1 − β₁) g_t,   v_t = β₂ v_{t-1} + (1 − β₂) g_t²
        v^max_t = max(v^max_{t-1}, v_t)                      (raw v, v^max_0 = 0)
        θ_t = θ_{t-1} − η (m_t / (1 − β₁ᵗ)) / (√(v^max_t / (1 − β₂ᵗ)) + ε)

    The maximum is taken over the raw v and divided by the *current* 1 − β₂ᵗ.
    Equals ``torch.optim.Adam(lr=η, betas=(β₁, β₂), eps=ε, amsgrad=True)``.
    """

    hyperparameters = ("lr", "beta1", "beta2", "eps")
    elementwise = True
    state_type = AMSGradState

    def __init__(self, lr: Hyper = 1e-3, beta1: Hyper = 0.9, beta2: Hyper = 0.999, eps: Hyper = 1e-8):
        self.lr, self.beta1, self.beta2, self.eps = _adam_hyperparameters(lr, beta1, beta2, eps)

    def init_state(self, theta: np.ndarray) -> AMSGradState:
        return AMSGradState(t=0, m=np.zeros_like(theta), v=np.zeros_like(theta), v_max=np.zeros_like(theta))

    def update(self, theta, g, state):
        t = state.t + 1
        m = self.beta1 * state.m + (1 - self.beta1) * g  # first moment
        v = self.beta2 * state.v + (1 - self.beta2) * g**2  # second moment
        v_max = np.maximum(state.v_max, v)  # v^max_t: the denominator never shrinks
        m_hat = m / (1 - self.beta1**t)  # bias corrections (current t for v^max)
        v_hat = v_max / (1 - self.beta2**t)
        theta = theta - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
        return theta, AMSGradState(t, m, v, v_max)


class AdamW(Optimizer):
    r"""AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay, in torch's form.

        θ' = θ_{t-1} (1 − η λ)                               (decay first, from θ_{t-1})
        m_t, v_t, m̂_t, v̂_t as in Adam, from the undecayed g_t
        θ_t = θ' − η m̂_t / (√v̂_t + ε)

    λ is multiplied by the full learning rate η, so λ = λ_paper / η.
    Equals ``torch.optim.AdamW(lr=η, betas=(β₁, β₂), eps=ε, weight_decay=λ)``.
    """

    hyperparameters = ("lr", "beta1", "beta2", "eps", "weight_decay")
    elementwise = True
    state_type = AdamState

    def __init__(
        self,
        lr: Hyper = 1e-3,
        beta1: Hyper = 0.9,
        beta2: Hyper = 0.999,
        eps: Hyper = 1e-8,
        weight_decay: Hyper = 1e-2,
    ):
        self.lr, self.beta1, self.beta2, self.eps = _adam_hyperparameters(lr, beta1, beta2, eps)
        self.weight_decay = check_hyper("weight_decay", weight_decay, 0.0)

    def init_state(self, theta: np.ndarray) -> AdamState:
        return AdamState(t=0, m=np.zeros_like(theta), v=np.zeros_like(theta))

    def update(self, theta, g, state):
        t = state.t + 1
        theta = theta * (1 - self.lr * self.weight_decay)  # decoupled decay θ(1 − ηλ)
        m = self.beta1 * state.m + (1 - self.beta1) * g  # first moment (undecayed g)
        v = self.beta2 * state.v + (1 - self.beta2) * g**2  # second moment
        m_hat = m / (1 - self.beta1**t)  # bias corrections
        v_hat = v / (1 - self.beta2**t)
        theta = theta - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
        return theta, AdamState(t, m, v)


class NAdamState(NamedTuple):
    """t: steps taken; mu_product: Π_t = μ_1⋯μ_t (Π_0 = 1); m, v: Adam's moment EMAs."""

    t: int
    mu_product: np.ndarray
    m: np.ndarray
    v: np.ndarray


class NAdam(Optimizer):
    r"""NAdam (Dozat, 2016) in torch's form, with the momentum schedule μ_t.

        μ_t = β₁ (1 − ½ · 0.96^{tψ}),   μ_{t+1} = β₁ (1 − ½ · 0.96^{(t+1)ψ})     (ψ = momentum_decay)
        Π_t = Π_{t-1} μ_t                                                     (Π_0 = 1)
        m_t = β₁ m_{t-1} + (1 − β₁) g_t,   v_t = β₂ v_{t-1} + (1 − β₂) g_t²
        D_t = √(v_t / (1 − β₂ᵗ)) + ε
        θ_t = θ_{t-1} − η (1 − μ_t)/(1 − Π_t) · g_t/D_t − η μ_{t+1}/(1 − Π_t μ_{t+1}) · m_t/D_t

    The EMA uses the constant β₁; only the Nesterov combination uses μ_t.
    Equals ``torch.optim.NAdam(lr=η, betas=(β₁, β₂), eps=ε, momentum_decay=ψ)``.
    """

    hyperparameters = ("lr", "beta1", "beta2", "eps", "momentum_decay")
    elementwise = True
    state_type = NAdamState

    def __init__(
        self,
        lr: Hyper = 2e-3,
        beta1: Hyper = 0.9,
        beta2: Hyper = 0.999,
        eps: Hyper = 1e-8,
        momentum_decay: Hyper = 4e-3,
    ):
        self.lr, self.beta1, self.beta2, self.eps = _adam_hyperparameters(lr, beta1, beta2, eps)
        self.momentum_decay = check_hyper("momentum_decay", momentum_decay, 0.0)

    def init_state(self, theta: np.ndarray) -> NAdamState:
        return NAdamState(t=0, mu_product=np.ones_like(theta), m=np.zeros_like(theta), v=np.zeros_like(theta))

    def update(self, theta, g, state):
        t = state.t + 1
        mu = self.beta1 * (1 - 0.5 * 0.96 ** (t * self.momentum_decay))  # μ_t
        mu_next = self.beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * self.momentum_decay))  # μ_{t+1}
        mu_product = state.mu_product * mu  # Π_t
        m = self.beta1 * state.m + (1 - self.beta1) * g  # first moment (constant β₁)
        v = self.beta2 * state.v + (1 - self.beta2) * g**2  # second moment
        denom = np.sqrt(v / (1 - self.beta2**t)) + self.eps  # D_t
        theta = (
            theta
            - self.lr * (1 - mu) / (1 - mu_product) * g / denom  # gradient part
            - self.lr * mu_next / (1 - mu_product * mu_next) * m / denom  # momentum part
        )
        return theta, NAdamState(t, mu_product, m, v)
