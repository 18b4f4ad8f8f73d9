"""Run an optimizer on a problem and record what happened, one run or a whole batch at once.

Divergence is not an error. A run whose parameters or loss become non-finite, or whose
parameters leave the box |θᵢ| ≤ ``bound``, is frozen at its last good point; its path and
losses read NaN from then on, and ``diverged_at`` says at which step it left. The other runs
of the batch go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Union

import numpy as np

from .._checks import check_bool, check_broadcast, check_float_array, check_int, check_scalar, check_str
from ..optimizers.base import Optimizer
from ..problems.functions import Problem

Schedule = Callable[[int], Union[float, np.ndarray]]


@dataclass(frozen=True)
class Trajectory:
    """What a run recorded.

    path:        θ after each step, shape (steps + 1, *batch, d); ``path[0]`` is the start.
    losses:      J(θ) along the path, shape (steps + 1, *batch).
    diverged_at: per run, the step at which it diverged, or −1 if it never did; shape (*batch).
    """

    path: np.ndarray
    losses: np.ndarray
    diverged_at: np.ndarray

    def __post_init__(self):
        for name in ("path", "losses", "diverged_at"):
            if not isinstance(getattr(self, name), np.ndarray):
                raise ValueError(f"{name} must be a numpy array, got {type(getattr(self, name)).__name__}")
        batch = self.diverged_at.shape
        if self.diverged_at.dtype.kind not in "iu":
            raise ValueError(f"diverged_at must be an integer array, got dtype {self.diverged_at.dtype}")
        if self.losses.ndim != len(batch) + 1 or self.losses.shape[1:] != batch or self.losses.shape[0] == 0:
            raise ValueError(f"losses must have shape (steps + 1, *{batch}), got {self.losses.shape}")
        if self.path.ndim != len(batch) + 2 or self.path.shape[1:-1] != batch:
            raise ValueError(f"path must have shape (steps + 1 or 2, *{batch}, d), got {self.path.shape}")

    @property
    def diverged(self) -> np.ndarray:
        """True for each run that diverged."""
        return self.diverged_at >= 0

    @property
    def steps(self) -> int:
        return self.losses.shape[0] - 1

    @property
    def final(self) -> np.ndarray:
        """The last point of each run (NaN for runs that diverged)."""
        return self.path[-1]

    def status(self, label: str = "run") -> str:
        """One line for a single run: where it ended, or at which step it diverged."""
        check_str("label", label)
        if self.diverged_at.ndim != 0:
            n = int(np.count_nonzero(self.diverged))
            return f"{label}: {n} of {self.diverged_at.size} runs diverged"
        if self.diverged_at >= 0:
            return f"{label}: diverged at step {int(self.diverged_at)}"
        return f"{label}: J = {float(self.losses[-1]):.3g} after {self.steps} steps"


def run(
    optimizer: Optimizer,
    problem: Problem,
    theta0: object,
    steps: int,
    *,
    lr_schedule: Optional[Schedule] = None,
    batch_size: Optional[int] = None,
    seed: int = 0,
    bound: float = 1e6,
    record_path: bool = True,
) -> Trajectory:
    """Run ``optimizer`` on ``problem`` for ``steps`` steps from ``theta0`` (shape (*batch, d)).

    ``lr_schedule(t)``, if given, is the learning rate of step t = 1, 2, …; it replaces the
    optimizer's ``lr``. ``batch_size`` draws that many data rows per step (with replacement,
    from a generator seeded by ``seed``) for problems with ``minibatch_grad``; otherwise the
    exact gradient is used.

    ``record_path=False`` keeps only the start and the last point in ``path`` (shape
    (2, *batch, d)) instead of every step: a large grid then needs the memory of two points
    per run, not of ``steps + 1``. ``losses`` and ``diverged_at`` are always complete.
    """
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be an optim_lib optimizer, got {optimizer!r}")
    if not isinstance(problem, Problem):
        raise ValueError(f"problem must be an optim_lib Problem, got {problem!r}")
    steps = check_int("steps", steps, 0, 10**7)
    bound = check_scalar("bound", bound, 0.0, low_open=True)
    seed = check_int("seed", seed, 0)
    record_path = check_bool("record_path", record_path)
    theta = check_float_array("theta0", theta0).copy()
    if theta.ndim == 0 or theta.shape[-1] != problem.dim:
        raise ValueError(f"theta0 must have shape (..., {problem.dim}) for {problem.name}, got {theta.shape}")
    if not np.all(np.isfinite(theta)):
        raise ValueError("theta0 must be finite")
    sampler = _sampler(problem, batch_size, seed, theta.shape[:-1])
    if lr_schedule is not None and not callable(lr_schedule):
        raise ValueError(f"lr_schedule must be a function of the step t, got {lr_schedule!r}")

    batch = theta.shape[:-1]
    n_path = steps + 1 if record_path else 2
    path = np.empty((n_path, *theta.shape), dtype=theta.dtype)
    losses = np.empty((steps + 1, *batch), dtype=theta.dtype)
    diverged_at = np.full(batch, -1, dtype=np.int64)
    active = np.ones(batch, dtype=bool)
    all_active = True
    state = optimizer.init(theta)  # validates the shapes once; the loop skips the checks
    path[0] = theta
    losses[0] = problem.value(theta)
    step = optimizer._step_unchecked
    grad = problem.grad
    value = problem.value
    with np.errstate(all="ignore"):  # a diverging run overflows; it is caught below, per run
        for t in range(1, steps + 1):
            if lr_schedule is not None:
                step = _scheduled(optimizer, lr_schedule, t, theta.shape)._step_unchecked
            g = grad(theta) if sampler is None else problem.minibatch_grad(theta, sampler())
            new_theta, state = step(theta, g, state)
            loss = value(new_theta)
            # Cheap test first: one reduction over the whole batch. Only when it fails is the
            # per-run test (and the freezing of the runs that left) computed.
            ok = np.isfinite(loss).all() and float(np.abs(new_theta).max(initial=0.0)) <= bound
            if not ok or not all_active:
                bad = ~(np.isfinite(loss) & np.all(np.abs(new_theta) <= bound, axis=-1))
                newly = bad & active
                if np.any(newly):
                    diverged_at[newly] = t
                    active = active & ~newly
                    all_active = bool(np.all(active))
                if not all_active:
                    new_theta = np.where(active[..., None], new_theta, theta)
            theta = new_theta
            if record_path:
                path[t] = theta
            losses[t] = loss
    if not record_path:
        path[1] = theta
    if np.any(~active):
        after_l = np.arange(steps + 1).reshape((-1,) + (1,) * len(batch)) >= np.where(
            diverged_at >= 0, diverged_at, steps + 1
        )
        losses[after_l] = np.nan
        if record_path:
            path[after_l] = np.nan
        else:
            path[1][~active] = np.nan
    return Trajectory(path=path, losses=losses, diverged_at=diverged_at)


def _sampler(problem: Problem, batch_size: Optional[int], seed: int, batch: tuple[int, ...]):
    if batch_size is None:
        return None
    if not hasattr(problem, "minibatch_grad"):
        raise ValueError(f"batch_size needs a data problem with minibatch_grad; {problem.name} has none")
    batch_size = check_int("batch_size", batch_size, 1, problem.n)
    rng = np.random.default_rng(seed)
    return lambda: rng.integers(0, problem.n, size=(*batch, batch_size))


def _scheduled(optimizer: Optimizer, lr_schedule: Schedule, t: int, shape: tuple[int, ...]) -> Optimizer:
    """The optimizer of step t, with η_t = lr_schedule(t); a bad η_t names the schedule and the step."""
    lr = lr_schedule(t)
    try:
        opt = optimizer.with_lr(lr)
        check_broadcast("lr", opt.lr, shape)
    except ValueError as exc:
        raise ValueError(f"lr_schedule({t}) gave a bad learning rate: {exc}") from None
    return opt
