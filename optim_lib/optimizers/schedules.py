"""Learning-rate schedules: plain functions of the step t that return the learning rate η_t.

Every schedule is a small frozen dataclass; calling it with the step gives the learning rate of
that step, so it works with every optimizer through the runner::

    ol.run(opt, problem, theta0, steps, lr_schedule=CosineAnnealing(lr=0.1, total_steps=steps))

Step indices follow the book: the first update is t = 1 and uses η_1. ``sched(t)`` accepts an
integer or an integer array (``sched(np.arange(1, T + 1))`` gives the whole schedule at once).

Relation to ``torch.optim.lr_scheduler``: a torch scheduler's ``get_last_lr()`` after k calls of
``scheduler.step()`` is the learning rate of the *next* ``optimizer.step()``, which is the book's
step t = k + 1. So the book's η_t is torch's lr at scheduler epoch e = t − 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Union

import numpy as np

from .._checks import Hyper, check_broadcast_together, check_hyper, check_int

LR = Union[float, np.ndarray]


def _steps(t: object, schedule: object) -> np.ndarray:
    """Validate the step argument: an integer, or an array of integers, each ≥ 1, that broadcasts
    against the schedule's array hyperparameters (a grid of η with one t, or one η with many t)."""
    if isinstance(t, (bool, np.bool_)):
        raise ValueError(f"t must be an integer step >= 1, got {t!r}")
    try:
        arr = np.asarray(t)
    except ValueError:  # a ragged list
        raise ValueError(f"t must be an integer step >= 1, or a regular array of them, got {t!r}") from None
    if arr.dtype.kind not in "iu":
        if arr.dtype.kind == "f" and np.all(np.abs(arr) <= 2**53) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        else:
            raise ValueError(f"t must be an integer step >= 1, got {t!r}")
    if np.any(arr < 1):
        raise ValueError(f"t must be an integer step >= 1 (the first step is t = 1), got {t!r}")
    grids = {f.name: getattr(schedule, f.name) for f in fields(schedule)}
    check_broadcast_together(t=arr, **{name: v for name, v in grids.items() if isinstance(v, np.ndarray)})
    return arr


def _out(x: np.ndarray) -> LR:
    x = np.asarray(x, dtype=np.float64)
    return float(x) if x.ndim == 0 else x


def _check_min_lr(min_lr: object, lr: Hyper) -> Hyper:
    min_lr = check_hyper("min_lr", min_lr, 0.0)
    check_broadcast_together(lr=lr, min_lr=min_lr)
    if np.any(np.asarray(min_lr) > np.asarray(lr)):
        raise ValueError(f"min_lr must be in [0, lr] = [0, {lr}], got {min_lr}")
    return min_lr


@dataclass(frozen=True)
class Constant:
    """η_t = η for every step t (torch: no scheduler, or ``ConstantLR(factor=1)``)."""

    lr: Hyper

    def __post_init__(self):
        object.__setattr__(self, "lr", check_hyper("lr", self.lr, 0.0))

    def __call__(self, t) -> LR:
        t = _steps(t, self)
        return _out(self.lr * np.ones_like(t, dtype=np.float64))


@dataclass(frozen=True)
class StepDecay:
    """η_t = η γ^⌊(t − 1)/s⌋: multiply by γ every s steps (torch: ``StepLR(step_size=s, gamma=γ)``)."""

    lr: Hyper
    step_size: int
    gamma: Hyper = 0.1

    def __post_init__(self):
        object.__setattr__(self, "lr", check_hyper("lr", self.lr, 0.0))
        object.__setattr__(self, "step_size", check_int("step_size", self.step_size, 1))
        object.__setattr__(self, "gamma", check_hyper("gamma", self.gamma, 0.0, 1.0, low_open=True))

    def __call__(self, t) -> LR:
        t = _steps(t, self)
        return _out(self.lr * np.power(self.gamma, ((t - 1) // self.step_size).astype(np.float64)))


@dataclass(frozen=True)
class Exponential:
    """η_t = η γ^(t − 1) (torch: ``ExponentialLR(gamma=γ)``).

    Σ_t η_t = η / (1 − γ) is finite for γ < 1: gradient descent with this schedule stops moving
    after a bounded total distance, wherever it is (Robbins–Monro's Σ η_t = ∞ fails).
    """

    lr: Hyper
    gamma: Hyper

    def __post_init__(self):
        object.__setattr__(self, "lr", check_hyper("lr", self.lr, 0.0))
        object.__setattr__(self, "gamma", check_hyper("gamma", self.gamma, 0.0, 1.0, low_open=True))

    def __call__(self, t) -> LR:
        t = _steps(t, self)
        return _out(self.lr * np.power(self.gamma, (t - 1).astype(np.float64)))


@dataclass(frozen=True)
class InverseTime:
    """η_t = η / (1 + k (t − 1)): the 1/t decay (torch: ``LambdaLR(lambda e: 1 / (1 + k e))``).

    For k > 0 it meets Robbins and Monro's conditions Σ η_t = ∞ and Σ η_t² < ∞.
    """

    lr: Hyper
    decay: Hyper = 1.0

    def __post_init__(self):
        object.__setattr__(self, "lr", check_hyper("lr", self.lr, 0.0))
        object.__setattr__(self, "decay", check_hyper("decay", self.decay, 0.0))

    def __call__(self, t) -> LR:
        t = _steps(t, self)
        return _out(self.lr / (1.0 + self.decay * (t - 1)))


@dataclass(frozen=True)
class CosineAnnealing:
    """η_t = η_min + ½ (η − η_min)(1 + cos(π (t − 1)/T)) for t ≤ T + 1, and η_min after.

    η_1 = η and η_{T+1} = η_min: equals torch's ``CosineAnnealingLR(T_max=T, eta_min=η_min)``
    for t ≤ T + 1 (torch's curve rises again after T_max; this one stays at η_min).
    """

    lr: Hyper
    total_steps: int
    min_lr: Hyper = 0.0

    def __post_init__(self):
        object.__setattr__(self, "lr", check_hyper("lr", self.lr, 0.0))
        object.__setattr__(self, "total_steps", check_int("total_steps", self.total_steps, 1))
        object.__setattr__(self, "min_lr", _check_min_lr(self.min_lr, self.lr))

    def __call__(self, t) -> LR:
        t = _steps(t, self)
        s = np.minimum((t - 1) / self.total_steps, 1.0)
        return _out(self.min_lr + 0.5 * (self.lr - self.min_lr) * (1.0 + np.cos(math.pi * s)))


@dataclass(frozen=True)
class WarmupDecay:
    """Linear warmup over W steps, then cosine or linear decay to η_min at step T + 1.

        η_t = η t / W                                   for t ≤ W (warmup; η_W = η)
        η_t = η_min + (η − η_min) d(s),  s = (t − 1 − W)/(T − W) clipped to [0, 1]   for t > W

    with d(s) = ½(1 + cos πs) for ``decay="cosine"`` and d(s) = 1 − s for ``decay="linear"``.
    torch: ``SequentialLR([LinearLR(1/W, 1, total_iters=W − 1), CosineAnnealingLR(T − W, η_min)],
    milestones=[W])`` (or ``LinearLR(1, η_min/η, total_iters=T − W)`` for the linear decay).
    ``warmup_steps=0`` is plain cosine (or linear) decay over T steps.
    """

    lr: Hyper
    warmup_steps: int
    total_steps: int
    decay: str = "cosine"
    min_lr: Hyper = 0.0

    def __post_init__(self):
        object.__setattr__(self, "lr", check_hyper("lr", self.lr, 0.0))
        object.__setattr__(self, "warmup_steps", check_int("warmup_steps", self.warmup_steps, 0))
        total = check_int("total_steps", self.total_steps, self.warmup_steps + 1)
        object.__setattr__(self, "total_steps", total)
        if not (isinstance(self.decay, str) and self.decay in ("cosine", "linear")):
            raise ValueError(f"decay must be 'cosine' or 'linear', got {self.decay!r}")
        object.__setattr__(self, "min_lr", _check_min_lr(self.min_lr, self.lr))

    def __call__(self, t) -> LR:
        t = _steps(t, self)
        W, T = self.warmup_steps, self.total_steps
        s = np.clip((t - 1 - W) / (T - W), 0.0, 1.0)
        d = 0.5 * (1.0 + np.cos(math.pi * s)) if self.decay == "cosine" else 1.0 - s
        decayed = self.min_lr + (self.lr - self.min_lr) * d
        if W == 0:
            return _out(decayed)
        return _out(np.where(t <= W, self.lr * np.minimum(t, W) / W, decayed))


@dataclass(frozen=True)
class WarmupStableDecay:
    """Warmup-stable-decay (WSD): a linear warmup over W steps, η until step T − D, a decay over the last D.

        η_t = η t / W                                       for t ≤ W           (warmup; η_W = η)
        η_t = η                                             for W < t ≤ T − D   (stable)
        η_t = η_min + (η − η_min) d(s),  s = (t − 1 − (T − D))/D clipped to [0, 1]   for t > T − D

    with d(s) = 1 − s for ``decay="linear"`` and d(s) = 1 − √s for ``decay="1-sqrt"`` (the cooldown of
    Hägele et al. 2024), so that η_{T+1} = η_min, as for :class:`WarmupDecay`. Two budgets T < T′ with
    the same η and W share every step up to T − D: one long stable run serves all budgets, and each
    budget adds only its own D decay steps, branched off that run (Hu et al. 2024 named the schedule).
    torch (linear decay): ``SequentialLR([LinearLR(1/W, 1, total_iters=W − 1), ConstantLR(factor=1),
    LinearLR(1, η_min/η, total_iters=D)], milestones=[W, T − D])``. ``decay_steps = total_steps −
    warmup_steps`` leaves no stable phase; ``warmup_steps=0`` starts at η.
    """

    lr: Hyper
    warmup_steps: int
    decay_steps: int
    total_steps: int
    decay: str = "1-sqrt"
    min_lr: Hyper = 0.0

    def __post_init__(self):
        object.__setattr__(self, "lr", check_hyper("lr", self.lr, 0.0))
        object.__setattr__(self, "warmup_steps", check_int("warmup_steps", self.warmup_steps, 0))
        object.__setattr__(self, "decay_steps", check_int("decay_steps", self.decay_steps, 1))
        total = check_int("total_steps", self.total_steps, self.warmup_steps + self.decay_steps)
        object.__setattr__(self, "total_steps", total)
        if not (isinstance(self.decay, str) and self.decay in ("linear", "1-sqrt")):
            raise ValueError(f"decay must be 'linear' or '1-sqrt', got {self.decay!r}")
        object.__setattr__(self, "min_lr", _check_min_lr(self.min_lr, self.lr))

    def __call__(self, t) -> LR:
        t = _steps(t, self)
        W, D, T = self.warmup_steps, self.decay_steps, self.total_steps
        s = np.clip((t - 1 - (T - D)) / D, 0.0, 1.0)          # decay progress: 0 up to step T − D + 1
        d = 1.0 - s if self.decay == "linear" else 1.0 - np.sqrt(s)
        eta = self.min_lr + (self.lr - self.min_lr) * d      # s = 0 (the stable phase) gives η
        if W == 0:
            return _out(eta)
        return _out(np.where(t <= W, self.lr * np.minimum(t, W) / W, eta))
