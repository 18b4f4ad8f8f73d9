import math
"""The explorer (ipywidgets) and small multiples: they build, redraw, name divergence, refuse bad input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from required import require  # noqa: E402

require("ipywidgets")  # REQUIRE_WIDGETS=1 (set by .ci/run) turns the skip into a failure

import optim_lib as ol  # noqa: E402
from optim_lib.display.explorer import Explorer, Slider, compute, draw, explorer, small_multiples  # noqa: E402

SPEC = {
    "Adam": (ol.Adam, {"lr": Slider(1e-3, 0.5, 0.05, log=True), "beta1": Slider(0.0, 0.99, 0.9)}),
    "Momentum": (ol.Momentum, {"lr": Slider(1e-4, 0.1, 0.001, log=True)}),
}
VALUES = {"Adam.lr": 0.05, "Adam.beta1": 0.9, "Momentum.lr": 0.001, "steps": 200, "x0": -1.5, "y0": 2.0}


def texts(fig):
    out = []
    for ax in fig.axes:
        out += [ax.get_title(), *(t.get_text() for t in ax.texts)]
    return "\n".join(out)


def test_explorer_builds_and_its_text_repr_is_fixed():
    ex = explorer(ol.Rosenbrock(), SPEC, steps=200)
    assert isinstance(ex, Explorer)
    bundle = ex._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Explorer: run this notebook")
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_redraw_moves_the_lines_and_reports_status():
    ex = explorer(ol.Rosenbrock(), SPEC, steps=200)
    ex.redraw(**VALUES)
    t = texts(ex.figure)
    assert "Adam: J = " in t and "Momentum: J = " in t
    line = ex.figure.axes[0].get_lines()[-3]  # the last optimizer's path
    assert len(line.get_xdata()) == 201
    ex.redraw(**{**VALUES, "steps": 50})
    assert len(ex.figure.axes[0].get_lines()[-3].get_xdata()) == 51
    ex.figure.canvas.draw()  # renders without error


def test_diverging_lr_is_named_in_the_figure():
    ex = explorer(ol.Rosenbrock(), SPEC, steps=200)
    ex.redraw(**{**VALUES, "Momentum.lr": 0.1})
    t = texts(ex.figure)
    assert "Momentum: diverged at step" in t
    runs = compute(ol.Rosenbrock(), {"Momentum": ol.Momentum(lr=0.1)}, (-1.5, 2.0), 200)
    k = int(runs["Momentum"].diverged_at)
    assert f"Momentum: diverged at step {k}" in t


def test_draw_and_small_multiples_name_divergence():
    p = ol.Rosenbrock()
    fig = plt.figure()
    draw(fig, p, compute(p, {"SGD": ol.SGD(lr=0.1)}, p.start, 100))
    assert "SGD: diverged at step" in texts(fig)
    plt.close(fig)
    fig = small_multiples(p, lambda v: {"SGD": ol.SGD(lr=v)}, [1e-4, 0.1], label="η", steps=100)
    at = compute(p, {"SGD": ol.SGD(lr=0.1)}, p.start, 100)["SGD"].diverged_at
    assert texts(fig).endswith(f"SGD: diverged at {at}")
    assert "η = 0.0001" in texts(fig) and "diverged" not in texts(fig).split("η = 0.1")[0]
    plt.close(fig)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(problem=ol.Quadratic.with_condition_number(4.0, dim=3)), "problem must be a 2-D"),
        (dict(optimizers={}), "at least one optimizer"),
        (dict(optimizers={"Adam": ol.Adam}), "must be \\(OptimizerClass"),
        (dict(steps=0), "steps must be in"),
        (dict(steps=5000), "steps must be in"),
        (dict(start=(np.nan, 0.0)), "start must be two finite numbers"),
        (dict(start=(1.0,)), "start must be two finite numbers"),
    ],
)
def test_bad_explorer_input_raises(kwargs, message):
    args = dict(problem=ol.Rosenbrock(), optimizers=SPEC)
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        explorer(args.pop("problem"), args.pop("optimizers"), **args)


@pytest.mark.parametrize(
    "args,message",
    [((1.0, 0.5), "high must be greater than low"), ((0.0, 1.0, None, True), "log slider"),
     ((0.0, 1.0, 2.0), "value must be in")],
)
def test_bad_slider_raises(args, message):
    with pytest.raises(ValueError, match=message):
        Slider(*args)


def test_small_multiples_refuses_no_values():
    with pytest.raises(ValueError, match="values must hold"):
        small_multiples(ol.Rosenbrock(), lambda v: {"SGD": ol.SGD(lr=v)}, [], label="η")


@pytest.mark.parametrize("low, high, value, log", [
    (0.5, 0.9999, 0.999, False), (0.0, 0.99, 0.9, False), (0.05, 2.2, 1.8, False), (0.0, 0.999, 0.123, False),
    (1e-4, 0.1, 0.01, True), (1e-3, 0.5, 0.05, True), (0.01, 2.5, 1.0, True),
])
def test_slider_grid_holds_the_default(low, high, value, log):
    """The front end snaps a slider's value to min + k·step: the default (β₂ = 0.999, η = 0.01)
    must be one of those points, or the reader's first touch silently moves it; and the grid
    stays inside [low, high] with 100 to 1000 positions."""
    w = Slider(low, high, value, log=log).widget("x")
    at = math.log10(value) if log else value
    k = (at - w.min) / w.step
    assert abs(k - round(k)) < 1e-6
    ends = (10**w.min, 10**w.max) if log else (w.min, w.max)
    assert low - 1e-12 <= ends[0] and ends[1] <= high + 1e-12
    assert 99 - 1e-6 <= (w.max - w.min) / w.step <= 1000 + 1e-6
