"""The kernel-less explorer: one batched sweep, one frame per value, a size budget."""

import base64
import gc
import inspect
import io
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import optim_lib as ol
from optim_lib.display import animation
from optim_lib.display.animation import slider_animation, sweep, sweep_frames, to_html
from optim_lib.display.style import FigureStyleError

# Animations built only to inspect their frames are never played; matplotlib warns about that.
pytestmark = pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")


@pytest.fixture(autouse=True)
def collect_animations():
    """Delete each test's animations while its warning filter is still on."""
    yield
    gc.collect()

RAVINE = ol.Quadratic.with_condition_number(10.0)  # L = 1: gradient descent diverges for η > 2
LRS = [0.1, 0.5, 1.0, 1.9, 3.0]


def test_sweep_is_one_run_per_optimizer_and_equals_separate_runs():
    runs = sweep(RAVINE, lambda lr: {"SGD": ol.SGD(lr=lr), "Momentum": ol.Momentum(lr=lr / 4)}, LRS, steps=40)
    assert set(runs) == {"SGD", "Momentum"}
    assert runs["SGD"].path.shape == (41, len(LRS), 2)
    for k, lr in enumerate(LRS):
        alone = ol.run(ol.SGD(lr=lr), RAVINE, np.array(RAVINE.start), 40)
        np.testing.assert_allclose(runs["SGD"].path[:, k], alone.path, rtol=1e-12, atol=0)
    # only η = 3 > 2/L diverges (|1 − 3| = 2 per step: the bound 1e6 is passed by step 20)
    np.testing.assert_array_equal(runs["SGD"].diverged, [False, False, False, False, True])


def test_one_frame_per_value_and_the_title_names_divergence():
    make = lambda lr: {"SGD": ol.SGD(lr=lr)}  # noqa: E731
    frames, titles = sweep_frames(RAVINE, make, LRS, label="η", steps=200, fmt="{:.1f}", figsize=(4, 2.5), dpi=50)
    assert len(frames) == len(titles) == len(LRS)
    assert all(f.shape == (125, 200, 4) and f.dtype == np.uint8 for f in frames)
    k = int(sweep(RAVINE, make, [3.0], steps=200)["SGD"].diverged_at[0])
    assert titles[0] == "η = 0.1" and titles[4] == f"η = 3.0   ·   SGD diverged at step {k}"
    assert not any("diverged" in t for t in titles[:4])
    # the frames differ where the paths do, and share the drawn-once background elsewhere
    changed = np.any(frames[0] != frames[1], axis=-1)
    assert 0.001 < changed.mean() < 0.2


@pytest.mark.parametrize("dpi", [40, animation.DPI])  # 4.6 in × 125 dpi is 574.99… px
def test_the_animation_shows_the_frames_pixel_for_pixel(dpi):
    make = lambda lr: {"SGD": ol.SGD(lr=lr)}  # noqa: E731
    frames, _ = sweep_frames(RAVINE, make, LRS[:2], label="η", steps=20, dpi=dpi)
    anim = slider_animation(RAVINE, make, LRS[:2], label="η", steps=20, dpi=dpi)
    canvas = FigureCanvasAgg(anim._fig)
    for k in range(2):
        anim._func(k)
        canvas.draw()
        np.testing.assert_array_equal(np.asarray(canvas.buffer_rgba()), frames[k])


def test_to_html_is_a_player_and_keeps_to_the_budget():
    anim = slider_animation(RAVINE, lambda lr: {"SGD": ol.SGD(lr=lr)}, LRS[:3], label="η", steps=20,
                            figsize=(4, 2.5), dpi=40)
    html = to_html(anim, alt="SGD paths").data
    assert html.count("data:image/png;base64,") == 3  # every frame embedded: the notebook needs no files
    assert "image/jpeg" not in html
    assert 'type="range"' in html  # the scrubber
    assert "http://" not in html and "https://" not in html  # nothing from a CDN: the page reads offline
    assert re.search(r'<img id="_anim_img[0-9a-f]+" alt="SGD paths" width="160" height="100">', html)
    assert re.search(r'<input id="_anim_slider[0-9a-f]+" aria-label="Animation frame" type="range"', html)
    assert len(html.encode()) <= animation.MAX_HTML_BYTES
    with pytest.raises(ValueError, match=r"over max_bytes = 0.00 MB: use fewer frames"):
        to_html(anim, alt="SGD paths", max_bytes=1000)


def _frames_of(html):
    from PIL import Image

    data = re.findall(r'"data:image/png;base64,([^"]*)"', html)
    return [Image.open(io.BytesIO(base64.b64decode(d.replace("\\\n", "")))) for d in data]


def test_the_frames_are_palette_pngs_in_the_book_style():
    """PNG always (no JPEG option), a column-wide figure at the book's dpi, at most 64 colours."""
    from optim_lib.display import style

    assert "frame_format" not in inspect.signature(to_html).parameters
    anim = slider_animation(ol.Rosenbrock(), lambda lr: {"Adam": ol.Adam(lr=lr)}, [0.01, 0.1], label="η", steps=50)
    html = to_html(anim, alt="x").data
    frames = _frames_of(html)
    assert len(frames) == 2 and all(f.format == "PNG" and f.mode == "P" for f in frames)
    assert all(len(f.getcolors(256)) <= animation.PALETTE_COLORS for f in frames)
    assert frames[0].size == (round(style.FULL_WIDTH * style.DPI), round(animation.FIGSIZE[1] * style.DPI))
    assert all(round(f.info["dpi"][0]) == style.DPI for f in frames)  # 575 px are 4.6 in: the browser check's px/pt
    # a third of a full-colour PNG of the same frame
    full, _ = sweep_frames(ol.Rosenbrock(), lambda lr: {"Adam": ol.Adam(lr=lr)}, [0.01], label="η", steps=50)
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(full[0][..., :3]).save(out, format="PNG", optimize=True)
    assert len(base64.b64decode(re.findall(r'base64,([^"]*)"', html)[0].replace("\\\n", ""))) < 0.5 * len(out.getvalue())


def test_the_player_fits_a_phone_column():
    """matplotlib's player is 374 px wide (scrubber) and its buttons 9 × 36 px: the page's style
    scales the image and the scrubber to the column and the buttons to 9 × 34 px + gaps < 342 px."""
    anim = slider_animation(RAVINE, lambda lr: {"SGD": ol.SGD(lr=lr)}, LRS[:2], label="η", steps=5)
    html = to_html(anim, alt="x").data
    assert html.startswith(animation.PLAYER_STYLE)
    assert ".animation img { max-width: 100%; height: auto; }" in html
    assert ".animation input[type=range].anim-slider { width: 100%;" in html
    assert 9 * 34 + 8 * 2 < 342


def test_frames_wider_than_the_column_or_with_small_text_fail():
    make = lambda lr: {"SGD": ol.SGD(lr=lr)}  # noqa: E731
    with pytest.raises(FigureStyleError, match="wide; the column takes at most"):
        sweep_frames(RAVINE, make, LRS[:2], label="η", steps=5, figsize=(8.0, 3.3), dpi=40)


def test_a_long_title_goes_on_two_lines():
    make = lambda lr: {"SGD": ol.SGD(lr=lr), "Momentum": ol.Momentum(lr=lr, momentum=0.9)}  # noqa: E731
    _, titles = sweep_frames(RAVINE, make, [3.0], label="a long hyperparameter name", steps=200, dpi=40)
    assert titles[0].startswith("a long hyperparameter name = 3\n") and "SGD diverged at step" in titles[0]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(values=[]), r"values must be a 1-D sequence of 1 to \d+ numbers"),
        (dict(values=np.linspace(0.1, 1, animation.MAX_FRAMES + 1)), r"values must be a 1-D sequence of 1 to \d+"),
        (dict(values=[0.1, np.nan]), r"values must be finite"),
        (dict(values=["a"]), r"values must be a sequence of numbers"),
        (dict(steps=0), r"steps must be in \[1, 100000\]"),
        (dict(start=(0.0, np.inf)), r"start must be two finite numbers"),
        (dict(label=""), r"label must name the hyperparameter"),
        (dict(fmt="{:d}"), r"fmt must format one number"),
        (dict(dpi=1000), r"dpi must be in \[30, 200\]"),
        (dict(figsize=(8.0, 3.3)), r"figure is [0-9.]+ in wide; the column takes at most"),
        (dict(interval=0), r"interval must be in \[10, 10000\]"),
        (dict(problem=ol.Quadratic([[1.0]])), r"problem must be a 2-D optim_lib Problem"),
    ],
)
def test_bad_input_raises(kwargs, message):
    args = dict(problem=RAVINE, make_optimizers=lambda lr: {"SGD": ol.SGD(lr=lr)}, values=LRS, label="η")
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        slider_animation(**args)


def test_make_optimizers_must_return_optimizers():
    with pytest.raises(ValueError, match="make_optimizers must return a non-empty"):
        sweep(RAVINE, lambda lr: {}, LRS)
    with pytest.raises(ValueError, match="not an optim_lib optimizer"):
        sweep(RAVINE, lambda lr: {"SGD": lr}, LRS)


def test_to_html_refuses_an_unknown_mode_or_no_alt():
    anim = slider_animation(RAVINE, lambda lr: {"SGD": ol.SGD(lr=lr)}, LRS[:2], label="η", steps=5)
    with pytest.raises(ValueError, match="mode must be 'once', 'loop' or 'reflect'"):
        to_html(anim, alt="x", mode="bounce")
    with pytest.raises(TypeError, match="frame_format"):
        to_html(anim, alt="x", frame_format="jpeg")
    with pytest.raises(ValueError, match="alt must describe the animation"):
        to_html(anim, alt=" ")
