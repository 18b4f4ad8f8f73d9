"""Measurements that every chapter shares, so that a claim means the same thing on every page.

- :func:`steps_to_stay_below`: the step from which a run's loss stays below a target. The first
  crossing is not a measure of convergence: an oscillating loss dips below and climbs back.
- :func:`grid_best`: the best point of a hyperparameter grid, with ties reported as ties and a
  best on the grid's edge refused (:class:`GridEdgeError`), since it says only that the grid
  was too small.
- :func:`seed_spread`: the median and spread of a result over seeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from .._checks import check_bool, check_int, check_scalar, check_str


def _losses(name: str, values: object) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float) if not isinstance(values, np.ndarray) else values.astype(float, copy=False)
    except (TypeError, ValueError):  # strings, ragged lists
        raise ValueError(f"{name} must be a real number or an array of real numbers, got {values!r}") from None
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension, got a scalar")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    return arr


def steps_to_stay_below(losses: object, target: float) -> np.ndarray:
    """For each run, the first step k with J_j < target for every j ≥ k, or −1 if there is none.

    ``losses`` has shape (steps + 1, *batch), as :attr:`Trajectory.losses`; NaN (a diverged run)
    counts as not below. Returns an integer array of shape (*batch) (a Python ``int`` for one run).
    """
    arr = _losses("losses", losses)
    target = check_scalar("target", target, low=-np.inf)
    below = arr < target  # NaN compares False
    stays = np.flip(np.logical_and.accumulate(np.flip(below, axis=0), axis=0), axis=0)
    k = np.where(stays[-1], np.argmax(stays, axis=0), -1)
    return int(k) if k.ndim == 0 else k.astype(int)


def first_crossing(losses: object, target: float) -> np.ndarray:
    """For each run, the first step k with J_k < target, or −1 if there is none (even if the
    loss climbs back above it later; compare :func:`steps_to_stay_below`)."""
    arr = _losses("losses", losses)
    target = check_scalar("target", target, low=-np.inf)
    below = arr < target
    k = np.where(below.any(axis=0), np.argmax(below, axis=0), -1)
    return int(k) if k.ndim == 0 else k.astype(int)


class GridEdgeError(ValueError):
    """The best value of a grid sits on its edge: the grid does not bracket the optimum."""


@dataclass(frozen=True)
class GridBest:
    """The best point of a grid.

    index:  the grid index of the best value (a tuple, one entry per axis).
    value:  the best value.
    params: the hyperparameters there, one per axis.
    ties:   every index whose value is within the tie tolerance of the best, the best first.
    """

    index: tuple
    value: float
    params: tuple
    ties: tuple

    @property
    def is_tie(self) -> bool:
        """True when more than one grid point is best up to the tolerance."""
        return len(self.ties) > 1


def grid_best(
    values: object,
    axes: Sequence[object],
    *,
    names: Optional[Sequence[str]] = None,
    lower_is_better: bool = True,
    rtol: float = 1e-9,
    atol: float = 0.0,
    allow_edge: bool = False,
) -> GridBest:
    """The best of ``values`` over a grid spanned by ``axes`` (one 1-D array per axis of ``values``).

    NaN (a diverged run) is never best. Two values v, w tie when |v − w| ≤ atol + rtol·|w|; the
    default rtol treats values equal up to rounding as ties, since which of them wins depends
    on the machine. A best (or a tie of it) on the first or last point of an axis raises
    :class:`GridEdgeError` unless ``allow_edge`` is set: there the grid, not the method,
    decided the optimum.
    """
    arr = _losses("values", values)
    if not isinstance(axes, (list, tuple)) or len(axes) != arr.ndim:
        raise ValueError(f"axes must be a list of {arr.ndim} arrays (one per axis of values), got {axes!r}")
    axes = [np.asarray(a) for a in axes]
    for i, a in enumerate(axes):
        if a.ndim != 1 or a.shape[0] != arr.shape[i]:
            raise ValueError(f"axes[{i}] must be 1-D with {arr.shape[i]} points, got shape {a.shape}")
    if names is None:
        names = [f"axis {i}" for i in range(arr.ndim)]
    if len(names) != arr.ndim:
        raise ValueError(f"names must have {arr.ndim} entries, got {len(names)}")
    for n in names:
        check_str("names", n)
    check_bool("lower_is_better", lower_is_better)
    check_bool("allow_edge", allow_edge)
    check_scalar("rtol", rtol, low=0.0)
    check_scalar("atol", atol, low=0.0)
    score = arr if lower_is_better else -arr
    if np.all(np.isnan(score)):
        raise ValueError("values must have at least one finite entry: every run diverged")
    score = np.where(np.isnan(score), np.inf, score)
    flat = int(np.argmin(score))
    best = score.flat[flat]
    tie_mask = np.abs(score - best) <= atol + rtol * abs(best)
    tie_idx = [tuple(int(i) for i in ix) for ix in np.argwhere(tie_mask)]
    index = tuple(int(i) for i in np.unravel_index(flat, arr.shape))
    tie_idx.sort(key=lambda ix: ix != index)
    if not allow_edge:
        for ix in tie_idx:
            for ax, (i, n) in enumerate(zip(ix, arr.shape)):
                if n > 1 and i in (0, n - 1):
                    raise GridEdgeError(
                        f"the best value sits on the edge of the grid: {names[ax]} = {axes[ax][i]:g} is the "
                        f"{'first' if i == 0 else 'last'} of its {n} points; extend the grid past it"
                    )
    params = tuple(float(axes[a][i]) for a, i in enumerate(index))
    return GridBest(index=index, value=float(arr[index]), params=params, ties=tuple(tie_idx))


@dataclass(frozen=True)
class Spread:
    """A result over seeds: its median, its range and its quartiles, and how many seeds."""

    median: float
    low: float
    high: float
    q25: float
    q75: float
    mean: float
    std: float
    n: int


def seed_spread(values: object, axis: int = -1) -> Spread:
    """The median and spread of ``values`` over ``axis`` (the seeds). A 1-D input gives one
    :class:`Spread`; the statistics are over finite entries, and ``n`` counts them."""
    arr = _losses("values", values)
    axis = check_int("axis", axis, -max(arr.ndim, 1), max(arr.ndim, 1) - 1)
    if arr.ndim != 1:
        arr = np.moveaxis(arr, axis, -1).reshape(-1, arr.shape[axis])
        if arr.shape[0] != 1:
            raise ValueError(f"values must hold one result per seed along axis {axis}, got shape {np.shape(values)}")
        arr = arr[0]
    finite = arr[np.isfinite(arr)]
    if finite.size == 0:
        raise ValueError("values must have at least one finite entry")
    q25, med, q75 = np.percentile(finite, [25, 50, 75])
    return Spread(
        median=float(med), low=float(finite.min()), high=float(finite.max()), q25=float(q25), q75=float(q75),
        mean=float(finite.mean()), std=float(finite.std(ddof=1)) if finite.size > 1 else 0.0, n=int(finite.size),
    )
