"""Kernel-less explorers: an animation that sweeps one slider, played in the static page.

An explorer needs a kernel; the online book has none. ``slider_animation`` shows what moving
one slider does: each frame is the explorer's picture (paths on the contour, loss curves) for
one value of the hyperparameter, and the reader scrubs through the values with the player's
controls. Every frame comes from one batched run per optimizer (the hyperparameter is an array,
one run per value), so the frames cost one computation, not one each::

    from optim_lib.animation import slider_animation, to_html
    anim = slider_animation(ravine, lambda lr: {"SGD": ol.SGD(lr=lr)}, np.geomspace(0.1, 2.2, 24),
                            label="η", steps=60)
    to_html(anim, alt="...")   # an HTML player (matplotlib's to_jshtml), under the page's size budget

The plots are drawn once and each frame redraws only its lines (blitting), so a frame costs a
few milliseconds rather than a full redraw.

``to_html`` embeds every frame in the page, so the frame count and the figure's pixels are
bounded: ``MAX_FRAMES`` frames and ``MAX_HTML_BYTES`` of HTML per animation.
"""

from __future__ import annotations

import math
import re
from html import escape
from typing import Callable, Mapping, Optional, Sequence

import numpy as np

from ._checks import check_hyper, check_int
from .base import Optimizer
from .explorer import _excess_loss, _panels
from .plotting import color
from .problems import Problem
from .runner import Trajectory, run

_PLAYER_IMAGE = re.compile(r'<img id="_anim_img[0-9a-f]+">')
_PLAYER_SLIDER = re.compile(r'<input id="_anim_slider[0-9a-f]+"')
SLIDER_LABEL = "Animation frame"  # the scrubber's accessible name (the player gives it none)
_CDN_STYLESHEET = re.compile(r'<link rel="stylesheet"\s+href="https?://[^"]*"\s*/?>\s*')
MAX_FRAMES = 48
MAX_HTML_BYTES = 1_500_000  # per animation; a page (theme, MathJax, figures) stays under 5 MB


def sweep(
    problem: Problem,
    make_optimizers: Callable[[np.ndarray], Mapping[str, Optimizer]],
    values: Sequence[float],
    *,
    steps: int = 200,
    start: Optional[Sequence[float]] = None,
) -> dict[str, Trajectory]:
    """Run every optimizer for every value of one hyperparameter, one batched run each.

    ``make_optimizers(v)`` receives the values as a column (shape (n, 1)), so that
    ``ol.SGD(lr=v)`` is a batch of n optimizers; each trajectory's batch axis is the value.
    """
    if not isinstance(problem, Problem) or problem.dim != 2:
        raise ValueError(f"problem must be a 2-D optim_lib Problem, got {problem!r}")
    values = _values(values)
    steps = check_int("steps", steps, 1, 100_000)
    x0 = _start(problem, start)
    optimizers = make_optimizers(values[:, None])
    if not isinstance(optimizers, Mapping) or not optimizers:
        raise ValueError("make_optimizers must return a non-empty {name: optimizer} mapping")
    thetas = np.broadcast_to(x0, (len(values), 2)).copy()
    runs = {}
    for name, opt in optimizers.items():
        if not isinstance(opt, Optimizer):
            raise ValueError(f"make_optimizers returned {opt!r} for {name!r}, not an optim_lib optimizer")
        runs[name] = run(opt, problem, thetas, steps)
    return runs


def sweep_frames(
    problem: Problem,
    make_optimizers: Callable[[np.ndarray], Mapping[str, Optimizer]],
    values: Sequence[float],
    *,
    label: str,
    steps: int = 200,
    start: Optional[Sequence[float]] = None,
    fmt: str = "{:.3g}",
    figsize: tuple[float, float] = (8.0, 3.3),
    dpi: int = 72,
) -> tuple[list[np.ndarray], list[str]]:
    """The frames of a slider sweep as RGBA pixel arrays, and each frame's title.

    Frame k shows the paths on the contour (left) and J(θ_t) − J* (right) of every optimizer
    for the k-th value of the hyperparameter ``label``; its title names any run that diverged
    and the step. The axes, contour and labels are drawn once; each frame redraws only the
    lines and the title over that background (blitting), a few milliseconds a frame.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not isinstance(label, str) or not label:
        raise ValueError(f"label must name the hyperparameter, got {label!r}")
    values = _values(values)
    check_int("dpi", dpi, 30, 200)
    try:
        fmt.format(float(values[0]))
    except (ValueError, IndexError, KeyError, AttributeError) as exc:
        raise ValueError(f"fmt must format one number, like '{{:.3g}}', got {fmt!r}") from exc
    runs = sweep(problem, make_optimizers, values, steps=steps, start=start)

    fig = Figure(figsize=figsize, dpi=dpi)
    canvas = FigureCanvasAgg(fig)
    ax_c, ax_l = _panels(fig, problem)
    gaps = {name: _excess_loss(problem, tr.losses) for name, tr in runs.items()}
    finite = np.concatenate([g[np.isfinite(g)] for g in gaps.values()])
    bottom = max(float(finite.min()) / 2, 1e-16) if finite.size else 1e-16
    # up to 100× the starting gap: a diverging run leaves through the top (its frame names the step)
    top = max(100 * max(float(g[0].max()) for g in gaps.values()), 1e3 * bottom)
    artists = {}
    for name in runs:
        c = color(name)
        line, = ax_c.plot([], [], "-", color=c, lw=1.5, label=name, animated=True)
        end, = ax_c.plot([], [], "s", color=c, ms=4, animated=True)
        loss, = ax_l.plot([], [], color=c, lw=1.5, animated=True)
        ax_l.plot([], [], color=c, lw=1.5, label=name)  # the legend's entry, drawn with the background
        artists[name] = (line, end, loss)
    ax_c.plot(*_start(problem, start), "o", color="#444444", ms=4)
    ax_l.set_xlim(0, steps)
    ax_l.set_ylim(bottom, top)
    ax_l.legend(loc="upper right", fontsize=8)
    title = fig.suptitle("", fontsize=10, animated=True)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    canvas.draw()  # everything but the animated artists
    background = canvas.copy_from_bbox(fig.bbox)

    frames, titles = [], []
    for k, value in enumerate(values):
        notes = []
        for name, tr in runs.items():
            line, end, loss = artists[name]
            xy = tr.path[:, k]
            ok = np.all(np.isfinite(xy), axis=-1)  # a diverged run is drawn up to its last good point
            line.set_data(xy[ok, 0], xy[ok, 1])
            end.set_data(xy[ok][-1:, 0], xy[ok][-1:, 1])
            loss.set_data(np.arange(steps + 1), gaps[name][:, k])
            if tr.diverged_at[k] >= 0:
                notes.append(f"{name} diverged at step {int(tr.diverged_at[k])}")
        titles.append(f"{label} = {fmt.format(float(value))}" + ("   ·   " + "; ".join(notes) if notes else ""))
        title.set_text(titles[-1])
        canvas.restore_region(background)
        for trio in artists.values():
            for artist in trio:
                artist.axes.draw_artist(artist)
        fig.draw_artist(title)
        frames.append(np.asarray(canvas.buffer_rgba()).copy())
    return frames, titles


def slider_animation(
    problem: Problem,
    make_optimizers: Callable[[np.ndarray], Mapping[str, Optimizer]],
    values: Sequence[float],
    *,
    label: str,
    steps: int = 200,
    start: Optional[Sequence[float]] = None,
    fmt: str = "{:.3g}",
    figsize: tuple[float, float] = (8.0, 3.3),
    dpi: int = 72,
    interval: int = 250,
):
    """An animation with one frame per value of the hyperparameter ``label`` (see
    :func:`sweep_frames`); pass it to :func:`to_html` for the page's player.

    The frames are shown pixel for pixel in a figure of their own size, so the player's
    frames cost no redraw of the plots. The figure is closed: no still copy below the cell.
    """
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    check_int("interval", interval, 10, 10_000)
    frames, _ = sweep_frames(problem, make_optimizers, values, label=label, steps=steps, start=start, fmt=fmt,
                             figsize=figsize, dpi=dpi)
    height, width = frames[0].shape[:2]
    fig = plt.figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    plt.close(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    image = ax.imshow(frames[0], interpolation="none")

    def show(k: int):
        image.set_data(frames[k])
        return [image]

    return FuncAnimation(fig, show, frames=len(frames), interval=interval, blit=False)


def to_html(anim, *, alt: str, max_bytes: int = MAX_HTML_BYTES, mode: str = "once", frame_format: str = "png"):
    """The animation as an HTML player with a scrubber (``to_jshtml``), checked against the
    size budget: over ``max_bytes`` is an error, not a heavy page. ``mode`` is the player's
    default: "once", "loop" or "reflect". ``frame_format`` "jpeg" makes frames about three times
    smaller than "png", for pictures dense with contour lines. ``alt`` describes the animation
    for readers who cannot see it (it becomes the player image's alt text); the scrubber is
    labelled "Animation frame" for screen readers and voice control (WCAG 4.1.2).

    matplotlib's player links Font Awesome 4 from a CDN for its button icons; the link is
    dropped, so the page reads offline: the book's theme (and Jupyter) provide Font Awesome."""
    import matplotlib
    from IPython.display import HTML

    if mode not in ("once", "loop", "reflect"):
        raise ValueError(f"mode must be 'once', 'loop' or 'reflect', got {mode!r}")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"alt must describe the animation in words, got {alt!r}")
    if frame_format not in ("png", "jpeg"):
        raise ValueError(f"frame_format must be 'png' or 'jpeg', got {frame_format!r}")
    max_bytes = check_int("max_bytes", max_bytes, 1)
    with matplotlib.rc_context({"animation.frame_format": frame_format}):
        html = _CDN_STYLESHEET.sub("", anim.to_jshtml(default_mode=mode))
    html = _PLAYER_IMAGE.sub(lambda m: f'{m.group(0)[:-1]} alt="{escape(alt, quote=True)}">', html, count=1)
    html = _PLAYER_SLIDER.sub(lambda m: f'{m.group(0)} aria-label="{SLIDER_LABEL}"', html, count=1)
    size = len(html.encode())
    if size > max_bytes:
        raise ValueError(
            f"the animation is {size / 1e6:.2f} MB of HTML, over max_bytes = {max_bytes / 1e6:.2f} MB: "
            "use fewer frames, a smaller figsize or a lower dpi"
        )
    return HTML(html)


def _values(values: Sequence[float]) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"values must be a sequence of numbers, got {values!r}") from exc
    if arr.ndim != 1 or not 1 <= arr.size <= MAX_FRAMES:
        raise ValueError(f"values must be a 1-D sequence of 1 to {MAX_FRAMES} numbers (one frame each), "
                         f"got shape {arr.shape}")
    check_hyper("values", arr, -math.inf)
    return arr


def _start(problem: Problem, start: Optional[Sequence[float]]) -> np.ndarray:
    x0 = np.asarray(problem.start if start is None else start, dtype=float)
    if x0.shape != (2,) or not np.all(np.isfinite(x0)):
        raise ValueError(f"start must be two finite numbers, got {start!r}")
    return x0
