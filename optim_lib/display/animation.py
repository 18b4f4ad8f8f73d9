"""Kernel-less explorers: an animation that sweeps one slider, played in the static page.

An explorer needs a kernel; the online book has none. ``slider_animation`` shows what moving
one slider does: each frame is the explorer's picture (paths on the contour, loss curves) for
one value of the hyperparameter, and the reader scrubs through the values with the player's
controls. Every frame comes from one batched run per optimizer (the hyperparameter is an array,
one run per value), so the frames cost one computation, not one each::

    from optim_lib.display.animation import slider_animation, to_html
    anim = slider_animation(ravine, lambda lr: {"SGD": ol.SGD(lr=lr)}, np.geomspace(0.1, 2.2, 24),
                            label="η", steps=60)
    to_html(anim, alt="...")   # an HTML player (matplotlib's to_jshtml), under the page's size budget

The plots are drawn once and each frame redraws only its lines (blitting), so a frame costs a
few milliseconds rather than a full redraw.

The frames are drawn in the book's style (``optim_lib.display.style``: a full-column figure,
``FULL_WIDTH`` inches at ``DPI``, texts of at least 9 pt, checked by ``check_figure``) and
stored as palette PNGs (``PALETTE_COLORS`` colours: the pictures are flat lines on white), so one chapter's
animation looks like the next and like the figures around it. The player scales to the text
column (a 342 px phone column included).

``to_html`` embeds every frame in the notebook's output, so the notebook plays in Jupyter,
Colab or Binder with no files beside it; the frame count and the figure's pixels are bounded:
``MAX_FRAMES`` frames and ``MAX_HTML_BYTES`` of HTML per animation. The static book does not
keep them inline: its build step ``tools/lazy_frames.py`` moves each player's frames into files
under ``_images/anim/`` that the page loads only when the player scrolls into view.
"""

from __future__ import annotations

import math
import re
from html import escape
from typing import Callable, Mapping, Optional, Sequence

import numpy as np

from .._checks import check_hyper, check_int
from ..optimizers.base import Optimizer
from .explorer import _excess_loss, _panels
from .plotting import color
from .style import DPI, FULL_WIDTH, MIN_FONT_PT, RC, FigureStyleError, check_figure
from ..problems.functions import Problem
from ..experiments.runner import Trajectory, run

_PLAYER_IMAGE = re.compile(r'<img id="_anim_img[0-9a-f]+">')
_PLAYER_SLIDER = re.compile(r'<input id="_anim_slider[0-9a-f]+"')
SLIDER_LABEL = "Animation frame"  # the scrubber's accessible name (the player gives it none)
_CDN_STYLESHEET = re.compile(r'<link rel="stylesheet"\s+href="https?://[^"]*"\s*/?>\s*')
MAX_FRAMES = 48
MAX_HTML_BYTES = 1_500_000  # per animation, inline in the notebook (the static book loads them lazily)
FIGSIZE = (FULL_WIDTH, 2.5)  # inches: a full-column figure, two panels side by side
PALETTE_COLORS = 64  # colours of a frame's PNG palette: plenty for grey contours and a few lines
# The player at the column's width, whatever it is: matplotlib sizes its scrubber at 374 px and
# its nine buttons at 36 px, wider than a 342 px phone column. Scoped to .animation.
PLAYER_STYLE = """<style>
.animation { max-width: 100%; }
.animation img { max-width: 100%; height: auto; }
.animation input[type=range].anim-slider { width: 100%; max-width: 374px; box-sizing: border-box; }
.animation .anim-buttons { display: flex; flex-wrap: wrap; justify-content: center; gap: 2px; }
.animation .anim-buttons button { width: 34px; }
</style>
"""


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
    figsize: tuple[float, float] = FIGSIZE,
    dpi: int = DPI,
) -> tuple[list[np.ndarray], list[str]]:
    """The frames of a slider sweep as RGBA pixel arrays, and each frame's title.

    Frame k shows the paths on the contour (left) and J(θ_t) − J* (right) of every optimizer
    for the k-th value of the hyperparameter ``label``; its title names any run that diverged
    and the step. The axes, contour and labels are drawn once; each frame redraws only the
    lines and the title over that background (blitting), a few milliseconds a frame.

    The figure is in the book's style and passes ``check_figure`` (texts ≥ 9 pt, no wider than
    the column); a title too long for one line is broken before its notes.
    """
    import matplotlib
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

    titles = []
    for k, value in enumerate(values):
        notes = [f"{name} diverged at step {int(tr.diverged_at[k])}" for name, tr in runs.items()
                 if tr.diverged_at[k] >= 0]
        titles.append(f"{label} = {fmt.format(float(value))}" + ("   ·   " + "; ".join(notes) if notes else ""))

    with matplotlib.rc_context(RC):
        fig = Figure(figsize=figsize, dpi=dpi, layout="none")
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
        # lower left: the loss curves start high and fall or climb away from it; drawn over each
        # frame's lines on a white box, since the lines move and the legend cannot dodge them
        legend = ax_l.legend(loc="lower left", fontsize=MIN_FONT_PT, frameon=True, framealpha=0.85,
                             edgecolor="none", borderpad=0.3)
        legend.set_animated(True)
        title = fig.suptitle("", fontsize=10, animated=True)
        renderer = canvas.get_renderer()
        width = fig.bbox.width - 4
        for k, text in enumerate(titles):  # one line if it fits, else the notes on a second line
            title.set_text(text)
            if title.get_window_extent(renderer).width > width:
                titles[k] = text.replace("   ·   ", "\n", 1)
        two_lines = any("\n" in t for t in titles)
        for text in titles:
            title.set_text(text)
            if title.get_window_extent(renderer).width > width:
                raise FigureStyleError(f"the frame title {text!r} is wider than the figure: use a shorter label")
        title.set_text("\n".join(["x"] * (1 + two_lines)))
        top_rect = 1 - (title.get_window_extent(renderer).height + 6) / fig.bbox.height
        title.set_text("")  # the rect keeps its room; tight_layout would make room for it again
        fig.tight_layout(rect=(0, 0, 1, top_rect), pad=0.5)
        check_figure(fig)
        canvas.draw()  # everything but the animated artists
    background = canvas.copy_from_bbox(fig.bbox)

    frames = []
    for k, text in enumerate(titles):
        for name, tr in runs.items():
            line, end, loss = artists[name]
            xy = tr.path[:, k]
            ok = np.all(np.isfinite(xy), axis=-1)  # a diverged run is drawn up to its last good point
            line.set_data(xy[ok, 0], xy[ok, 1])
            end.set_data(xy[ok][-1:, 0], xy[ok][-1:, 1])
            loss.set_data(np.arange(steps + 1), gaps[name][:, k])
        title.set_text(text)
        canvas.restore_region(background)
        for trio in artists.values():
            for artist in trio:
                artist.axes.draw_artist(artist)
        ax_l.draw_artist(legend)
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
    figsize: tuple[float, float] = FIGSIZE,
    dpi: int = DPI,
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
    # a hair over the frame's size: 575 px / 125 dpi × 125 dpi rounds down to 574 px
    fig = plt.figure(figsize=((width + 0.01) / dpi, (height + 0.01) / dpi), dpi=dpi, layout="none")
    plt.close(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    image = ax.imshow(frames[0], interpolation="none")

    def show(k: int):
        image.set_data(frames[k])
        return [image]

    return FuncAnimation(fig, show, frames=len(frames), interval=interval, blit=False)


def to_html(anim, *, alt: str, max_bytes: int = MAX_HTML_BYTES, mode: str = "once"):
    """The animation as an HTML player with a scrubber (matplotlib's ``to_jshtml`` player),
    checked against the size budget: over ``max_bytes`` is an error, not a heavy page. ``mode``
    is the player's default: "once", "loop" or "reflect". ``alt`` describes the animation for
    readers who cannot see it (it becomes the player image's alt text); the scrubber is
    labelled "Animation frame" for screen readers and voice control (WCAG 4.1.2).

    Every frame is a palette PNG (``PALETTE_COLORS`` colours, about a third of a full-colour
    PNG: the pictures are flat lines on white), embedded in the HTML so the notebook plays
    with no files beside it. The player scales to the column (``PLAYER_STYLE``); its image
    states the frame's size so the page does not jump when it loads.

    matplotlib's player links Font Awesome 4 from a CDN for its button icons; the link is
    dropped, so the page reads offline: the book's theme (and Jupyter) provide Font Awesome."""
    from tempfile import TemporaryDirectory
    from pathlib import Path

    from IPython.display import HTML

    if mode not in ("once", "loop", "reflect"):
        raise ValueError(f"mode must be 'once', 'loop' or 'reflect', got {mode!r}")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"alt must describe the animation in words, got {alt!r}")
    max_bytes = check_int("max_bytes", max_bytes, 1)
    writer = _palette_writer()(fps=1000 / getattr(anim, "_interval", 200), embed_frames=True, default_mode=mode,
                                embed_limit=2 * max_bytes / 2**20)
    with TemporaryDirectory() as tmp:
        path = Path(tmp, "player.html")
        anim.save(str(path), writer=writer)
        html = path.read_text()
    height, width = writer.frame_shape
    html = _CDN_STYLESHEET.sub("", html)
    html = _PLAYER_IMAGE.sub(
        lambda m: f'{m.group(0)[:-1]} alt="{escape(alt, quote=True)}" width="{width}" height="{height}">', html, count=1
    )
    html = _PLAYER_SLIDER.sub(lambda m: f'{m.group(0)} aria-label="{SLIDER_LABEL}"', html, count=1)
    html = PLAYER_STYLE + html
    size = len(html.encode())
    if size > max_bytes or writer.dropped:
        raise ValueError(
            f"the animation is {size / 1e6:.2f} MB of HTML, over max_bytes = {max_bytes / 1e6:.2f} MB: "
            "use fewer frames, a smaller figsize or a lower dpi"
        )
    return HTML(html)


def _palette_png(rgba: np.ndarray, dpi: float) -> bytes:
    """One frame as a palette PNG: ``PALETTE_COLORS`` colours picked for this frame, no dithering,
    stamped with its ``dpi`` (pHYs), so a reader of the file knows its size in points."""
    from io import BytesIO

    from PIL import Image

    image = Image.fromarray(np.ascontiguousarray(rgba[..., :3]), "RGB")
    image = image.quantize(colors=PALETTE_COLORS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = BytesIO()
    image.save(out, format="PNG", optimize=True, dpi=(dpi, dpi))
    return out.getvalue()


def _palette_writer():
    """The class of matplotlib's HTML writer with palette-PNG frames (matplotlib is imported late)."""
    from matplotlib.animation import HTMLWriter

    class PaletteHTMLWriter(HTMLWriter):
        """matplotlib's HTML writer with frames taken from the canvas as palette PNGs."""

        frame_shape = (0, 0)
        dropped = False

        def _adjust_frame_size(self):  # matplotlib evens the size for video codecs: keep every pixel
            w, h = self.fig.get_size_inches()
            return int(w * self.dpi), int(h * self.dpi)

        def grab_frame(self, **savefig_kwargs):
            import base64

            from matplotlib.backends.backend_agg import FigureCanvasAgg

            canvas = self.fig.canvas if hasattr(self.fig.canvas, "buffer_rgba") else FigureCanvasAgg(self.fig)
            canvas.draw()
            rgba = np.asarray(canvas.buffer_rgba())
            self.frame_shape = rgba.shape[:2]
            data = base64.encodebytes(_palette_png(rgba, self.fig.dpi)).decode("ascii")
            self._total_bytes += len(data)
            if self._total_bytes >= self._bytes_limit:
                self.dropped = True
            else:
                self._saved_frames.append(data)

    return PaletteHTMLWriter


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
