"""Schedule-free AdamW (Defazio, Yang, Mehta, Mishchenko, Khaled & Cutkosky, 2024).

No learning-rate schedule: the method keeps three sequences. ``z`` takes AdamW-like steps with a
constant η; ``x`` is a weighted running average of the ``z``'s (what a schedule would have
produced, and the point to evaluate); the gradient is taken at ``y``, an interpolation of the
two with weight β₁ (which plays momentum's part). optim_lib's parameters θ are ``y``, as in the
authors' package in train mode; :meth:`ScheduleFreeAdamW.eval_point` gives ``x`` (what the
package's ``optimizer.eval()`` puts in the model).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._checks import Hyper, check_hyper
from .adam import _adam_hyperparameters
from .base import Optimizer


class ScheduleFreeState(NamedTuple):
    """t: steps taken; z: the base sequence; x: the average (the evaluation point); v: the EMA of
    g²; weight_sum: Σ of the averaging weights so far; lr_max: the largest η_t so far (these two
    are the same in every coordinate, kept shaped like θ as NAdam keeps its Π_t)."""

    t: int
    z: np.ndarray
    x: np.ndarray
    v: np.ndarray
    weight_sum: np.ndarray
    lr_max: np.ndarray


class ScheduleFreeAdamW(Optimizer):
    r"""Schedule-free AdamW, as ``schedulefree.AdamWScheduleFree`` computes it (in train mode).

    With η_t = η · min(1, t / warmup_steps) and θ = y the gradient point, at step t (g_t = ∇J(y_{t-1})):

        v_t   = β₂ v_{t-1} + (1 − β₂) g_t²                          (v_0 = 0)
        z_t   = z_{t-1} − η_t (g_t / (√(v_t / (1 − β₂ᵗ)) + ε) + λ y_{t-1})
        w_t   = tʳ · (max_{s≤t} η_s)^p,    c_t = w_t / Σ_{s≤t} w_s
        x_t   = (1 − c_t) x_{t-1} + c_t z_t                          (x_0 = z_0 = y_0 = θ_0)
        y_t   = (1 − β₁) z_t + β₁ x_t

    r is ``r`` (0: a uniform average) and p is ``weight_lr_power`` (2: steps taken during warmup
    count less). λ multiplies the full η_t, as in AdamW.
    """

    hyperparameters = ("lr", "beta1", "beta2", "eps", "weight_decay", "warmup_steps", "r", "weight_lr_power")
    elementwise = True  # weight_sum and lr_max are kept per coordinate (all equal), like NAdam's Π_t
    state_type = ScheduleFreeState

    def __init__(
        self,
        lr: Hyper = 0.0025,
        beta1: Hyper = 0.9,
        beta2: Hyper = 0.999,
        eps: Hyper = 1e-8,
        weight_decay: Hyper = 0.0,
        warmup_steps: Hyper = 0,
        r: Hyper = 0.0,
        weight_lr_power: Hyper = 2.0,
    ):
        self.lr, self.beta1, self.beta2, self.eps = _adam_hyperparameters(lr, beta1, beta2, eps)
        self.weight_decay = check_hyper("weight_decay", weight_decay, 0.0)
        self.warmup_steps = check_hyper("warmup_steps", warmup_steps, 0.0)
        self.r = check_hyper("r", r, 0.0)
        self.weight_lr_power = check_hyper("weight_lr_power", weight_lr_power, 0.0)

    def init_state(self, theta: np.ndarray) -> ScheduleFreeState:
        return ScheduleFreeState(
            t=0,
            z=theta.copy(),
            x=theta.copy(),
            v=np.zeros_like(theta),
            weight_sum=np.zeros_like(theta),
            lr_max=np.full_like(theta, -1.0),
        )

    def eval_point(self, state: ScheduleFreeState) -> np.ndarray:
        """x: the average of the z's, where the model is evaluated (the package's ``.eval()``)."""
        self._check_state(state)
        return state.x

    def update(self, theta, g, state):
        t = state.t + 1
        lr = self.lr * np.where(t <= self.warmup_steps, t / np.maximum(self.warmup_steps, 1), 1.0)  # η_t (warmup)
        v = self.beta2 * state.v + (1 - self.beta2) * g**2  # second moment
        denom = np.sqrt(v / (1 - self.beta2**t)) + self.eps
        z = state.z - lr * (g / denom + self.weight_decay * theta)  # the base step, at y = θ
        lr_max = np.maximum(lr, state.lr_max)
        w = t**self.r * lr_max**self.weight_lr_power  # averaging weight w_t
        weight_sum = state.weight_sum + w
        c = np.divide(w, weight_sum, out=np.zeros_like(weight_sum), where=weight_sum > 0)  # c_t (0 while η = 0)
        x = (1 - c) * state.x + c * z  # the average: evaluate here
        theta = (1 - self.beta1) * z + self.beta1 * x  # the gradient point y
        return theta, ScheduleFreeState(t, z, x, v, weight_sum, lr_max)
