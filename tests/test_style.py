"""The book's figure style (issue 17): figures drawn for the column, legible text, one look per optimizer."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import optim_lib as ol  # noqa: E402
from optim_lib.display import style  # noqa: E402


@pytest.fixture(autouse=True)
def book_style():
    with matplotlib.rc_context():
        ol.use_book_style()
        yield
    plt.close("all")


def test_a_full_column_figure_keeps_one_pixel_per_point_on_a_390px_phone():
    fig, _ = ol.figure(2, 2)
    w, h = fig.get_size_inches()
    assert w * 72 <= 342  # the phone's text column, in CSS pixels
    assert h == pytest.approx(5.8)
    assert ol.figure(width="half")[0].get_size_inches()[0] == style.HALF_WIDTH


def test_check_figure_rejects_small_text_and_wide_figures():
    fig, (a, b) = ol.figure(1, 2)
    a.plot([0, 1], [0, 1], label="Adam")
    a.legend()
    ol.check_figure(fig)  # the defaults pass
    b.set_title("too small", fontsize=8)
    with pytest.raises(ol.FigureStyleError, match=r"under 9 pt: \[\(8.0, 'too small'\)\]"):
        ol.check_figure(fig)
    wide = plt.figure(figsize=(10, 3))
    wide.add_subplot().plot([0, 1])
    with pytest.raises(ol.FigureStyleError, match=r"figure is 9\.\d\d in wide; the column takes at most 4\.75 in"):
        ol.check_figure(wide)
    with pytest.raises(ValueError, match="fig must be a matplotlib Figure"):
        ol.check_figure("fig")


def test_one_colour_one_name_and_one_line_style_per_optimizer():
    names = ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "AdaDelta", "Adam", "AMSGrad", "AdamW",
             "NAdam", "Lion", "Muon"]
    looks = {(ol.color(n), ol.line_style(n)["linestyle"]) for n in names}
    assert len({ol.color(n) for n in names}) == len(names) == len(looks)
    assert len({ol.color_name(n) for n in names}) == len(names)
    assert ol.color_name("Momentum") == "red" and ol.color("SGD") == "#000000"
    assert ol.color("Shampoo") == "#777777" and ol.color_name("Shampoo") == "grey"


def _luminance(hexcolor):
    rgb = [int(hexcolor[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_every_optimizer_colour_stands_out_on_the_white_page():
    """A line must be visible on white: WCAG's contrast for graphics is 3:1; the book's gold and
    cyan are the lightest and get 1.9:1 at least, so they are drawn dashed (never told apart by hue)."""
    for name, (c, _, ls) in style.STYLES.items():
        contrast = 1.05 / (_luminance(c) + 0.05)
        assert contrast >= 1.9, (name, contrast)
        if contrast < 3:
            assert ls != "-", name


def test_figure_refuses_bad_sizes():
    with pytest.raises(ValueError, match="width must be 'full' or 'half'"):
        ol.figure(width="wide")
    with pytest.raises(ValueError, match="height must be"):
        ol.figure(height=40)
    with pytest.raises(ValueError, match="figsize is set by width and height"):
        ol.figure(figsize=(3, 3))
    with pytest.raises(ValueError, match=r"nrows must be in \[1, inf\), got 0"):
        ol.figure(0)
