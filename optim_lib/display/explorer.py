"""Self-study explorers (ipywidgets) and their kernel-less equivalents (small multiples).

A chapter builds an explorer in a few lines::

    from optim_lib.display.explorer import explorer, Slider
    explorer(Rosenbrock(), {
        "Momentum": (Momentum, {"lr": Slider(1e-4, 1e-2, log=True), "momentum": Slider(0.0, 0.99)}),
        "Adam": (Adam, {"lr": Slider(1e-3, 0.5, log=True)}),
    })

Every change of a slider reruns all optimizers (one batched call each) and redraws the paths
on the contour and the loss curves; a run that diverges is reported as "diverged at step k".
The online book has no kernel, so a chapter shows ``small_multiples`` beside the explorer:
the same experiment drawn for several values of one slider.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass
from typing import Callable, Mapping, Optional, Sequence

import numpy as np

from .._checks import check_bool, check_int, check_real_array, check_scalar, check_str
from ..optimizers.base import Optimizer
from .plotting import _check_problem_2d, _pair, color, contour, path
from .style import FULL_WIDTH, MIN_FONT_PT
from ..problems.functions import Problem
from ..experiments.runner import Trajectory, run

OptimizerSpec = tuple[type, Mapping[str, "Slider"]]


@dataclass(frozen=True)
class Slider:
    """A hyperparameter's range for an explorer: [low, high], log-spaced if ``log``."""

    low: float
    high: float
    value: Optional[float] = None
    log: bool = False

    def __post_init__(self):
        low = check_scalar("low", self.low, -math.inf)
        high = check_scalar("high", self.high, -math.inf)
        if not low < high:
            raise ValueError(f"high must be greater than low, got low={low}, high={high}")
        if check_bool("log", self.log) and low <= 0:
            raise ValueError(f"low must be in (0, inf) for a log slider, got {low}")
        if self.value is not None:
            check_scalar("value", self.value, low, high)

    @property
    def default(self) -> float:
        if self.value is not None:
            return float(self.value)
        return math.sqrt(self.low * self.high) if self.log else 0.5 * (self.low + self.high)

    def widget(self, description: str):
        """The ipywidgets slider. The front end snaps a value to min + k·step, so the grid is
        laid through the default value (and inside [low, high]): the reader's first touch moves
        from the default the chapter states, not from a neighbour it was snapped to."""
        check_str("description", description)
        import ipywidgets as w

        style = {"description_width": "initial"}
        if self.log:
            lo, hi, v = math.log10(self.low), math.log10(self.high), math.log10(self.default)
            step = (hi - lo) / 100
            lo, hi = _grid_through(v, lo, hi, step)
            return w.FloatLogSlider(
                value=self.default, base=10, min=lo, max=hi, step=step, description=description,
                continuous_update=True, readout_format=".3", style=style,
            )
        # a round step (0.001, 0.01, ...) giving 100 to 1000 positions
        step = 10.0 ** math.floor(math.log10((self.high - self.low) / 100))
        lo, hi = _grid_through(self.default, self.low, self.high, step)
        return w.FloatSlider(
            value=self.default, min=lo, max=hi, step=step,
            description=description, continuous_update=True, readout_format=".4", style=style,
        )


def _grid_through(value: float, low: float, high: float, step: float) -> tuple[float, float]:
    """The ends of the grid value + k·step that lie within [low, high] (up to rounding)."""
    below = math.floor((value - low) / step + 1e-9)
    above = math.floor((high - value) / step + 1e-9)
    return value - below * step, value + above * step


def compute(
    problem: Problem, optimizers: Mapping[str, Optimizer], start: Sequence[float], steps: int
) -> dict[str, Trajectory]:
    """Run each optimizer from ``start``: the recompute half of an explorer redraw.

    ``optimizers`` maps a name to an optimizer; ``start`` is a finite point θ₀ of the problem.
    """
    if not isinstance(problem, Problem):
        raise ValueError(f"problem must be an optim_lib Problem, got {problem!r}")
    _check_named("optimizers", optimizers, Optimizer, "an optim_lib optimizer")
    x0 = check_real_array("start", start)
    if x0.ndim == 0 or x0.shape[-1] != problem.dim:
        raise ValueError(f"start must have shape (..., {problem.dim}) for {problem.name}, got {x0.shape}")
    return {name: run(opt, problem, x0, steps) for name, opt in optimizers.items()}


def _check_named(name: str, mapping: object, kind: type, what: str) -> None:
    """Check a mapping of names (strings) to objects of type ``kind``."""
    if not isinstance(mapping, MappingABC):
        raise ValueError(f"{name} must be a dict of name: {what}, got {mapping!r}")
    for key, value in mapping.items():
        check_str(f"each key of {name}", key)
        if not isinstance(value, kind):
            raise ValueError(f"{name}[{key!r}] must be {what}, got {value!r}")


def _panels(fig, problem: Problem):
    """The explorers' two panels in ``fig``: the contours of ``problem`` with θ₁, θ₂ axes (left)
    and an empty log axis for J(θ_t) − J* against the step t (right). Returns (left, right)."""
    ax_c, ax_l = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
    contour(ax_c, problem, levels=20, resolution=120)
    ax_l.set_yscale("log")
    ax_c.set_xlabel(r"$\theta_1$")
    ax_c.set_ylabel(r"$\theta_2$")
    ax_l.set_xlabel("step $t$")
    ax_l.set_ylabel(r"$J(\theta_t) - J^*$")
    return ax_c, ax_l


def _excess_loss(problem: Problem, losses: np.ndarray) -> np.ndarray:
    """J(θ_t) − J*, floored at 1e-16 for the log axis (J* = 0 when the minimum is unknown)."""
    j_star = problem.min_value if len(problem.minima) else 0.0
    return np.maximum(losses - j_star, 1e-16)


def draw(fig, problem: Problem, runs: Mapping[str, Trajectory], *, title: str = "") -> None:
    """Draw paths on the contour (left) and J(θ_t) − J* (right) into ``fig``: the draw half.

    ``runs`` maps each name to the Trajectory of one 2-D run (at least one).
    """
    if not (hasattr(fig, "clear") and hasattr(fig, "subplots")):
        raise ValueError(f"fig must be a matplotlib Figure, got {fig!r}")
    _check_problem_2d(problem)
    _check_runs(runs)
    check_str("title", title, optional=True)
    fig.clear()
    ax_c, ax_l = _panels(fig, problem)
    lines = []
    for name, tr in runs.items():
        path(ax_c, tr.path, label=name, name=name)
        ax_l.plot(_excess_loss(problem, tr.losses), color=color(name), lw=1.5, label=name)
        lines.append(tr.status(name))
    ax_l.legend(loc="upper right", fontsize=MIN_FONT_PT)
    ax_c.set_title(title or problem.name, fontsize=10)
    ax_l.set_title("\n".join(lines), fontsize=MIN_FONT_PT)


def _check_runs(runs: object) -> None:
    _check_named("runs", runs, Trajectory, "a Trajectory")
    if not runs:
        raise ValueError("runs must hold at least one Trajectory")
    for name, tr in runs.items():
        if tr.diverged_at.ndim != 0 or tr.path.shape[-1] != 2:
            raise ValueError(f"runs[{name!r}] must be one 2-D run, got a path of shape {tr.path.shape}")


class _LiveFigure:
    """The explorer's figure, built once: the contour is drawn a single time and a redraw only
    moves the lines (``set_data``) and rewrites the titles, instead of clearing the figure and
    re-contouring the problem on every slider move."""

    def __init__(self, fig, problem: Problem, names: Sequence[str]):
        self.fig = fig
        self.problem = problem
        self.ax_c, self.ax_l = _panels(fig, problem)
        self.artists = {}
        for name in names:
            c = color(name)
            line, = self.ax_c.plot([], [], "-", color=c, lw=1.5, label=name)
            first, = self.ax_c.plot([], [], "o", color=c, ms=4)
            last, = self.ax_c.plot([], [], "s", color=c, ms=4)
            loss, = self.ax_l.plot([], [], color=c, lw=1.5, label=name)
            self.artists[name] = (line, first, last, loss)
        self.ax_l.legend(loc="upper right", fontsize=MIN_FONT_PT)
        self.ax_c.set_title(problem.name, fontsize=10)
        self.status = self.ax_l.set_title("", fontsize=MIN_FONT_PT)

    def update(self, runs: Mapping[str, Trajectory]) -> None:
        lines = []
        lo, hi, n = math.inf, -math.inf, 1
        for name, tr in runs.items():
            line, first, last, loss = self.artists[name]
            xy = tr.path
            line.set_data(xy[:, 0], xy[:, 1])
            first.set_data(xy[:1, 0], xy[:1, 1])
            ok = np.isfinite(xy[:, 0]) & np.isfinite(xy[:, 1])
            end = xy[ok][-1:] if ok.any() else xy[:0]
            last.set_data(end[:, 0], end[:, 1])
            gap = _excess_loss(self.problem, tr.losses)
            loss.set_data(np.arange(gap.shape[0]), gap)
            fin = gap[np.isfinite(gap)]
            if fin.size:
                lo, hi = min(lo, float(fin.min())), max(hi, float(fin.max()))
            n = max(n, gap.shape[0] - 1)
            lines.append(tr.status(name))
        self.ax_l.set_xlim(0, n)
        if lo <= hi:
            self.ax_l.set_ylim(lo / 2, hi * 2)
        self.status.set_text("\n".join(lines))


class Explorer:
    """The widget returned by :func:`explorer` (an ipywidgets VBox in ``.widget``).

    Its text representation is fixed, so a notebook that stores it compares equal under
    nbval on every run.
    """

    def __init__(self, widget, redraw, figure=None):
        import ipywidgets as w

        if not isinstance(widget, w.Widget):
            raise ValueError(f"widget must be an ipywidgets widget, got {widget!r}")
        if not callable(redraw):
            raise ValueError(f"redraw must be a function, got {redraw!r}")
        self.widget = widget
        self.redraw = redraw
        self.figure = figure  # the matplotlib figure the sliders redraw

    def _repr_mimebundle_(self, **kwargs):
        if hasattr(self.widget, "_repr_mimebundle_"):  # ipywidgets 8
            bundle = self.widget._repr_mimebundle_(**kwargs)
        else:  # ipywidgets 7 (Colab's): the view that its Widget._ipython_display_ would show
            bundle = {
                "application/vnd.jupyter.widget-view+json": {
                    "version_major": 2,
                    "version_minor": 0,
                    "model_id": self.widget.model_id,
                }
            }
        bundle["text/plain"] = "Explorer: run this notebook in Jupyter, Binder or Colab to use the sliders."
        return bundle


def explorer(
    problem: Problem,
    optimizers: Mapping[str, OptimizerSpec],
    *,
    steps: int = 200,
    start: Optional[Sequence[float]] = None,
    max_steps: int = 1000,
) -> Explorer:
    """Sliders for each optimizer's hyperparameters, the number of steps and the start point.

    ``optimizers`` maps a name to (OptimizerClass, {hyperparameter: Slider}); every slider's range
    must lie in its hyperparameter's accepted range. ``start`` must lie in the problem's window
    ``xlim`` × ``ylim`` (the range of the start sliders), and 1 ≤ ``steps`` ≤ ``max_steps``.
    """
    import ipywidgets as w
    import matplotlib.pyplot as plt

    _check_problem_2d(problem)
    if not optimizers:
        raise ValueError("optimizers must name at least one optimizer")
    _check_named("optimizers", optimizers, tuple, "(OptimizerClass, {name: Slider})")
    max_steps = check_int("max_steps", max_steps, 1)
    steps = check_int("steps", steps, 1, max_steps)
    start = _pair("start", problem.start if start is None else start)
    for i, (lim, axis) in enumerate([(problem.xlim, "θ₁"), (problem.ylim, "θ₂")]):
        if not lim[0] <= start[i] <= lim[1]:
            raise ValueError(f"start[{i}] ({axis}) must be in [{lim[0]:g}, {lim[1]:g}] for {problem.name}, got {start[i]:g}")
    for name, spec in optimizers.items():
        _check_spec(name, spec)

    controls: dict[str, w.Widget] = {}
    boxes = []
    for name, (cls, sliders) in optimizers.items():
        row = []
        for hp, slider in sliders.items():
            key = f"{name}.{hp}"
            controls[key] = slider.widget(f"{name} {hp}")
            row.append(controls[key])
        boxes.append(w.HBox(row))
    controls["steps"] = w.IntSlider(value=steps, min=1, max=max_steps, description="steps")
    controls["x0"] = w.FloatSlider(value=start[0], min=problem.xlim[0], max=problem.xlim[1], step=0.05, description="start θ₁")
    controls["y0"] = w.FloatSlider(value=start[1], min=problem.ylim[0], max=problem.ylim[1], step=0.05, description="start θ₂")
    boxes.append(w.HBox([controls["steps"], controls["x0"], controls["y0"]]))

    out = w.Output()
    fig = plt.figure(figsize=(10, 4.2))
    plt.close(fig)  # drawn into the Output widget only, never as a stray figure
    live = _LiveFigure(fig, problem, list(optimizers))

    def redraw(**values):
        opts = {}
        for name, (cls, sliders) in optimizers.items():
            opts[name] = cls(**{hp: values[f"{name}.{hp}"] for hp in sliders})
        runs = compute(problem, opts, (values["x0"], values["y0"]), values["steps"])
        live.update(runs)
        # Replace the Output widget's content directly: no print, no clear_output message, so
        # nothing of the redraw leaks into the notebook cell (nbval compares the cell's outputs).
        out.outputs = ()
        out.append_display_data(fig)

    def on_change(_change=None):
        redraw(**{key: c.value for key, c in controls.items()})

    for c in controls.values():
        c.observe(on_change, names="value")
    on_change()
    return Explorer(w.VBox([*boxes, out]), redraw, fig)


def _check_spec(name: str, spec: tuple) -> None:
    """An explorer entry: (OptimizerClass, {hyperparameter: Slider}), valid at both ends of every slider."""
    if not (len(spec) == 2 and isinstance(spec[0], type) and issubclass(spec[0], Optimizer)):
        raise ValueError(f"optimizers[{name!r}] must be (OptimizerClass, {{name: Slider}}), got {spec!r}")
    cls, sliders = spec
    _check_named(f"optimizers[{name!r}] sliders", sliders, Slider, "a Slider")
    params = inspect.signature(cls).parameters
    for hp in sliders:
        if hp not in params:
            raise ValueError(f"{cls.__name__} has no hyperparameter {hp!r}; its arguments are {', '.join(params)}")
    missing = [p for p, v in params.items() if v.default is inspect.Parameter.empty and p not in sliders]
    if missing:
        raise ValueError(f"optimizers[{name!r}] needs a Slider for {', '.join(missing)} ({cls.__name__} has no default)")
    defaults = {hp: s.default for hp, s in sliders.items()}
    for hp, s in sliders.items():
        for end in (s.low, s.high):
            try:
                cls(**{**defaults, hp: end})
            except ValueError as exc:
                raise ValueError(
                    f"optimizers[{name!r}]: the {hp} slider reaches {end:g}, which {cls.__name__} refuses: {exc}"
                ) from None


def small_multiples(
    problem: Problem,
    make_optimizers: Callable[[float], Mapping[str, Optimizer]],
    values: Sequence[float],
    *,
    label: str,
    steps: int = 200,
    start: Optional[Sequence[float]] = None,
    ncols: int = 2,
    fmt: str = "{:.3g}",
):
    """The kernel-less explorer: one contour panel per slider value, all optimizers on each.

    ``make_optimizers(value)`` returns the optimizers to run for that value of the
    hyperparameter ``label``. Each panel names any run that diverged and its step. The figure is
    drawn for the book's column (``style.FULL_WIDTH`` wide, ``ncols`` panels a row, 2.3 in a row,
    every text ≥ 9 pt), with the legend below the panels.
    """
    import matplotlib.pyplot as plt

    _check_problem_2d(problem)
    if not callable(make_optimizers):
        raise ValueError(f"make_optimizers must be a function of one value, got {make_optimizers!r}")
    values = _listed("values", values)
    for i, v in enumerate(values):
        check_scalar(f"values[{i}]", v, -math.inf)
    if not values:
        raise ValueError("values must hold at least one value")
    check_str("label", label)
    check_str("fmt", fmt)
    try:
        fmt.format(values[0])
    except (ValueError, TypeError, IndexError, KeyError) as exc:
        raise ValueError(f"fmt must format one number, like '{{:.3g}}', got {fmt!r} ({exc})") from None
    ncols = check_int("ncols", ncols, 1)
    steps = check_int("steps", steps, 1, 100_000)
    start = _pair("start", problem.start if start is None else start)
    nrows = math.ceil(len(values) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(FULL_WIDTH, 2.3 * nrows + 0.5), squeeze=False, sharex=True,
                             sharey=True, layout="constrained")
    for ax, value in zip(axes.flat, values):
        runs = compute(problem, make_optimizers(value), start, steps)
        contour(ax, problem, levels=18, resolution=120)
        notes = []
        for name, tr in runs.items():
            path(ax, tr.path, label=name, name=name)
            if tr.diverged_at >= 0:
                notes.append(f"{name}: diverged at {int(tr.diverged_at)}")
        ax.set_title(f"{label} = {fmt.format(value)}", fontsize=MIN_FONT_PT + 1)
        ax.tick_params(labelsize=MIN_FONT_PT)
        if notes:
            ax.text(0.02, 0.02, "\n".join(notes), transform=ax.transAxes, fontsize=MIN_FONT_PT, va="bottom",
                    bbox=dict(boxstyle="round", fc="white", alpha=0.8))
    for ax in list(axes.flat)[len(values):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=min(len(labels), 3), frameon=False,
               fontsize=MIN_FONT_PT)
    return fig


def _listed(name: str, values: object) -> list:
    if isinstance(values, (str, bytes)):
        raise ValueError(f"{name} must be a sequence of numbers, got {values!r}")
    try:
        return list(values)
    except TypeError:
        raise ValueError(f"{name} must be a sequence of numbers, got {values!r}") from None
