"""The book's figure style: sizes drawn for the text column, legible fonts, one look per optimizer.

A figure is drawn at the size it is shown, so that its text is as large as the figure says. The
online book's text column is about 340 CSS pixels wide on a 390 px phone and wider on a desktop,
so a full-column figure is ``FULL_WIDTH`` inches (≈ 331 pt) wide: shown on the phone at its full
width it keeps at least one screen pixel per typographic point, and on a desktop it is drawn at
``DPI`` and shown at its natural size (``DPI``/72 ≈ 1.7 px per point). Every text is at least
``MIN_FONT_PT`` points.

Every optimizer has one colour, one name for that colour (captions say what is drawn) and one
line style, on every page. The colours come from Paul Tol's colour-blind-safe schemes; the line
styles tell apart the pairs whose hues are closest, so no pair is told apart by hue alone::

    import optim_lib as ol
    ol.use_book_style()                      # once, in a chapter's first cell
    fig, ax = ol.figure()                    # a full-column figure
    ax.plot(t, loss, **ol.line_style("Adam"), label="Adam")
    ol.check_figure(fig)                     # fails if a text is under 9 pt or the figure too wide
"""

from __future__ import annotations

from typing import Optional

from .._checks import check_int, check_scalar, check_str

FULL_WIDTH = 4.6  # inches: the text column on a 390 px phone (342 px) at ≥ 1 px per point
HALF_WIDTH = 3.2  # inches: a small figure, shown at its natural size beside nothing
DPI = 125  # pixels per inch of the stored PNG: ≈ 1.7 screen pixels per point on a desktop
MIN_FONT_PT = 9.0  # no text in a figure is smaller (the body text's footnotes are ≈ 9 pt)
_WIDTH_SLACK = 0.15  # inches a tight bounding box may add (labels outside the axes): ≤ 4.75 in = 342 pt

# name: (colour, its name in a caption, line style)
STYLES: dict[str, tuple[str, str, str]] = {
    "SGD": ("#000000", "black", "-"),
    "Momentum": ("#CC3311", "red", "-"),
    "Nesterov": ("#0077BB", "blue", "-"),
    "AdaGrad": ("#EE7733", "orange", "--"),
    "RMSprop": ("#009988", "teal", "--"),
    "AdaDelta": ("#DDAA33", "gold", "-."),
    "Adam": ("#EE3377", "magenta", "-"),
    "AMSGrad": ("#33BBEE", "cyan", "--"),
    "AdamW": ("#117733", "green", "-"),
    "NAdam": ("#332288", "indigo", "--"),
    "Lion": ("#999933", "olive", "-."),
    "Muon": ("#882255", "wine", "-"),
}
OTHER = ("#777777", "grey", ":")

COLORS: dict[str, str] = {name: s[0] for name, s in STYLES.items()}
COLOR_NAMES: dict[str, str] = {name: s[1] for name, s in STYLES.items()}

RC: dict[str, object] = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.figsize": (FULL_WIDTH, 2.9),
    "figure.constrained_layout.use": True,
    "font.size": MIN_FONT_PT,
    "axes.titlesize": 10.0,
    "axes.labelsize": MIN_FONT_PT,
    "xtick.labelsize": MIN_FONT_PT,
    "ytick.labelsize": MIN_FONT_PT,
    "legend.fontsize": MIN_FONT_PT,
    "legend.title_fontsize": MIN_FONT_PT,
    "figure.titlesize": 10.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.8,
    "lines.linewidth": 1.5,
    "legend.frameon": False,
    "legend.handlelength": 2.4,
    "image.cmap": "viridis",
    "savefig.facecolor": "white",
    "figure.facecolor": "white",
}


def use_book_style() -> None:
    """Set matplotlib's defaults to the book's (sizes, fonts, open axes); call once per notebook."""
    import matplotlib as mpl

    mpl.rcParams.update(RC)


def color(name: str) -> str:
    """The book's colour for an optimizer (its class name), grey for anything else."""
    return STYLES.get(check_str("name", name), OTHER)[0]


def color_name(name: str) -> str:
    """What a caption calls the colour of ``name``'s line ("red" for Momentum)."""
    return STYLES.get(check_str("name", name), OTHER)[1]


def line_style(name: str) -> dict[str, str]:
    """``color`` and ``linestyle`` for a line of ``name``: pass as ``ax.plot(..., **line_style(n))``."""
    c, _, ls = STYLES.get(check_str("name", name), OTHER)
    return {"color": c, "linestyle": ls}


def figure(nrows: int = 1, ncols: int = 1, *, width: str = "full", height: Optional[float] = None, **kwargs):
    """``plt.subplots`` at the book's sizes: ``width`` is "full" (the column) or "half".

    ``height`` in inches defaults to 2.9 per row of panels for a full-column figure (2.4 for half);
    other keyword arguments go to ``plt.subplots`` (``sharex``, ``gridspec_kw`` ...).
    """
    import matplotlib.pyplot as plt

    nrows = check_int("nrows", nrows, 1)
    ncols = check_int("ncols", ncols, 1)
    if width not in ("full", "half"):
        raise ValueError(f"width must be 'full' or 'half', got {width!r}")
    w = FULL_WIDTH if width == "full" else HALF_WIDTH
    if height is None:
        h = (2.9 if width == "full" else 2.4) * nrows
    else:
        h = check_scalar("height", height, 0.5, 12.0)
    if "figsize" in kwargs:
        raise ValueError("figsize is set by width and height; pass those instead")
    return plt.subplots(nrows, ncols, figsize=(w, h), **kwargs)


class FigureStyleError(ValueError):
    """A figure breaks the book's style: a text under ``MIN_FONT_PT`` or a figure wider than the column."""


def check_figure(fig) -> None:
    """Fail unless every visible text of ``fig`` is ≥ ``MIN_FONT_PT`` points and the figure fits the column.

    The figure is drawn first, so tick labels, legends and colour bars are checked as rendered;
    its width is measured on its tight bounding box (what the inline backend stores).
    """
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    if not isinstance(fig, Figure):
        raise ValueError(f"fig must be a matplotlib Figure, got {fig!r}")
    fig.draw_without_rendering()  # works on a figure already closed with plt.close
    small = sorted(
        {
            (round(t.get_fontsize(), 2), t.get_text()[:40])
            for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and t.get_fontsize() < MIN_FONT_PT - 1e-9
        }
    )
    if small:
        raise FigureStyleError(f"texts under {MIN_FONT_PT:g} pt: {small[:6]}")
    bbox = fig.get_tightbbox()
    if bbox.width > FULL_WIDTH + _WIDTH_SLACK:
        raise FigureStyleError(
            f"figure is {bbox.width:.2f} in wide; the column takes at most {FULL_WIDTH + _WIDTH_SLACK:.2f} in"
        )
