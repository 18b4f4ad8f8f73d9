"""The kernel-less explorer: one batched sweep, one frame per value, a size budget."""

import gc
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import optim_lib as ol
from optim_lib import animation
from optim_lib.animation import slider_animation, sweep, sweep_frames, to_html

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
    frames, titles = sweep_frames(RAVINE, make, LRS, label="η", steps=200, fmt="{:.1f}", figsize=(6, 3), dpi=50)
    assert len(frames) == len(titles) == len(LRS)
    assert all(f.shape == (150, 300, 4) and f.dtype == np.uint8 for f in frames)
    k = int(sweep(RAVINE, make, [3.0], steps=200)["SGD"].diverged_at[0])
    assert titles[0] == "η = 0.1" and titles[4] == f"η = 3.0   ·   SGD diverged at step {k}"
    assert not any("diverged" in t for t in titles[:4])
    # the frames differ where the paths do, and share the drawn-once background elsewhere
    changed = np.any(frames[0] != frames[1], axis=-1)
    assert 0.001 < changed.mean() < 0.2


def test_the_animation_shows_the_frames_pixel_for_pixel():
    make = lambda lr: {"SGD": ol.SGD(lr=lr)}  # noqa: E731
    frames, _ = sweep_frames(RAVINE, make, LRS[:2], label="η", steps=20, figsize=(4, 2), dpi=40)
    anim = slider_animation(RAVINE, make, LRS[:2], label="η", steps=20, figsize=(4, 2), dpi=40)
    canvas = FigureCanvasAgg(anim._fig)
    for k in range(2):
        anim._func(k)
        canvas.draw()
        np.testing.assert_array_equal(np.asarray(canvas.buffer_rgba()), frames[k])


def test_to_html_is_a_player_and_keeps_to_the_budget():
    anim = slider_animation(RAVINE, lambda lr: {"SGD": ol.SGD(lr=lr)}, LRS[:3], label="η", steps=20,
                            figsize=(4, 2), dpi=40)
    html = to_html(anim, alt="SGD paths").data
    assert html.count("data:image/png;base64,") == 3  # every frame embedded: the page needs no kernel
    assert 'type="range"' in html  # the scrubber
    assert "http://" not in html and "https://" not in html  # nothing from a CDN: the page reads offline
    assert re.search(r'<img id="_anim_img[0-9a-f]+" alt="SGD paths">', html)
    assert re.search(r'<input id="_anim_slider[0-9a-f]+" aria-label="Animation frame" type="range"', html)
    assert len(html.encode()) <= animation.MAX_HTML_BYTES
    with pytest.raises(ValueError, match=r"over max_bytes = 0.00 MB: use fewer frames"):
        to_html(anim, alt="SGD paths", max_bytes=1000)


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


def test_to_html_refuses_an_unknown_mode_or_format():
    anim = slider_animation(RAVINE, lambda lr: {"SGD": ol.SGD(lr=lr)}, LRS[:2], label="η", steps=5)
    with pytest.raises(ValueError, match="mode must be 'once', 'loop' or 'reflect'"):
        to_html(anim, alt="x", mode="bounce")
    with pytest.raises(ValueError, match="frame_format must be 'png' or 'jpeg'"):
        to_html(anim, alt="x", frame_format="gif")
    with pytest.raises(ValueError, match="alt must describe the animation"):
        to_html(anim, alt=" ")


def test_jpeg_frames_are_smaller():
    def anim():  # a new one each time: matplotlib keeps the first HTML it made of an animation
        return slider_animation(ol.Rosenbrock(), lambda lr: {"Adam": ol.Adam(lr=lr)}, [0.01, 0.1], label="η", steps=50)

    png, jpeg = to_html(anim(), alt="x").data, to_html(anim(), alt="x", frame_format="jpeg").data
    assert jpeg.count("data:image/jpeg;base64,") == 2 and len(jpeg) < 0.7 * len(png)
