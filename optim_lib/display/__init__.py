"""What the pages show: the figure style, glued numbers, contour plots, explorers and animations.

``style`` and ``glued`` are imported with the package; ``plotting``, ``explorer`` (ipywidgets) and
``animation`` are imported where a page uses them, e.g. ``from optim_lib.display.explorer import explorer``.
"""

from .glued import Number, format_number, glue_number, number
from .style import (
    COLOR_NAMES,
    COLORS,
    FULL_WIDTH,
    HALF_WIDTH,
    FigureStyleError,
    check_figure,
    color,
    color_name,
    figure,
    line_style,
    use_book_style,
)

__all__ = ["Number", "number", "format_number", "glue_number", "use_book_style", "figure", "check_figure",
           "FigureStyleError", "line_style", "color", "color_name", "COLORS", "COLOR_NAMES", "FULL_WIDTH",
           "HALF_WIDTH"]
