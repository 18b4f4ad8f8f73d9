"""Figures shared by the chapters: one colour per optimizer, contours, paths, loss curves.

The colours, their names and the line styles are in ``style.py`` (Paul Tol's colour-blind-safe
schemes). Source 001 draws gradient descent black, momentum red and Nesterov blue, and the book
keeps those three; every optimizer keeps its colour on every page.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from .._checks import check_bool, check_int, check_real_array, check_str
from ..problems.functions import Problem
from .style import COLORS, color  # noqa: F401  (the book's colours live in style.py)


def _check_axes(ax) -> None:
    if not (hasattr(ax, "plot") and hasattr(ax, "contour")):
        raise ValueError(f"ax must be a matplotlib Axes, got {ax!r}")


def _check_problem_2d(problem: object) -> Problem:
    """Refuse anything but a 2-D optim_lib Problem (the only kind that can be drawn as contours)."""
    if not isinstance(problem, Problem) or problem.dim != 2:
        raise ValueError(f"problem must be a 2-D optim_lib Problem, got {problem!r}")
    return problem


def _check_window(name: str, lim: object) -> tuple[float, float]:
    lo, hi = _pair(name, lim)
    if not lo < hi:
        raise ValueError(f"{name} must be (low, high) with low < high, got {lim!r}")
    return lo, hi


def _pair(name: str, value: object) -> tuple[float, float]:
    """Two finite real numbers, such as a point (θ₁, θ₂) or a window (low, high)."""
    arr = check_real_array(name, value, finite=False)
    if arr.shape != (2,) or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be two finite numbers, got {value!r}")
    return float(arr[0]), float(arr[1])


def contour(ax, problem: Problem, *, levels: int = 30, resolution: int = 200, log: bool = True, xlim=None, ylim=None):
    """Draw the contours of a 2-D problem on ``ax`` (log-spaced levels by default).

    ``levels`` ≥ 1 contour lines on a ``resolution`` × ``resolution`` grid (≥ 2) over the window
    ``xlim`` × ``ylim`` (the problem's own by default).
    """
    _check_axes(ax)
    _check_problem_2d(problem)
    levels = check_int("levels", levels, 1)
    resolution = check_int("resolution", resolution, 2)
    log = check_bool("log", log)
    xlim = _check_window("xlim", problem.xlim if xlim is None else xlim)
    ylim = _check_window("ylim", problem.ylim if ylim is None else ylim)
    xs = np.linspace(*xlim, resolution)
    ys = np.linspace(*ylim, resolution)
    X, Y = np.meshgrid(xs, ys)
    Z = problem.value(np.stack([X, Y], axis=-1))
    if log:
        lo = float(np.min(Z))
        shifted = Z - lo + 1e-3 * (float(np.max(Z)) - lo + 1e-12)
        lv = np.geomspace(float(np.min(shifted)), float(np.max(shifted)), levels)
        cs = ax.contour(X, Y, shifted, levels=lv, cmap="Greys_r", linewidths=0.6, alpha=0.8)
    else:
        cs = ax.contour(X, Y, Z, levels=levels, cmap="Greys_r", linewidths=0.6, alpha=0.8)
    for m in problem.minima:
        # a white star with a dark edge: visible on the dark inner contours and on white alike
        ax.plot(m[0], m[1], marker="*", markerfacecolor="white", markeredgecolor="#222222",
                markeredgewidth=0.9, markersize=12, linestyle="none")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    return cs


def path(ax, path_xy: np.ndarray, label: Optional[str] = None, name: Optional[str] = None, **kwargs):
    """Draw one 2-D path (shape (steps + 1, 2)) with markers at its start and its end.

    Points after a divergence are NaN (as ``Trajectory.path``); the end marker is the last finite one.
    """
    _check_axes(ax)
    path_xy = check_real_array("path_xy", path_xy, finite=False)
    if path_xy.ndim != 2 or path_xy.shape[0] == 0 or path_xy.shape[1] != 2:
        raise ValueError(f"path_xy must have shape (steps + 1, 2) for one 2-D run, got {path_xy.shape}")
    check_str("label", label, optional=True)
    check_str("name", name, optional=True)
    c = kwargs.pop("color", color(name or label or ""))
    ax.plot(path_xy[:, 0], path_xy[:, 1], "-", color=c, lw=1.5, label=label, **kwargs)
    ax.plot(path_xy[0, 0], path_xy[0, 1], "o", color=c, ms=4)
    ok = np.all(np.isfinite(path_xy), axis=-1)
    if np.any(ok):
        last = path_xy[ok][-1]
        ax.plot(last[0], last[1], "s", color=c, ms=4)
