"""The runner: batched runs, per-run divergence, schedules, minibatches, bad input."""

import warnings

import numpy as np
import pytest

import optim_lib as ol
from test_regressions import heavy_ball_exit


def test_single_run_records_path_and_losses():
    q = ol.Quadratic.with_condition_number(10.0)
    tr = ol.run(ol.SGD(lr=0.5), q, np.array([1.0, 1.0]), 30)
    assert tr.path.shape == (31, 2) and tr.losses.shape == (31,)
    assert tr.diverged_at == -1 and not tr.diverged
    np.testing.assert_allclose(tr.losses, q.value(tr.path))
    assert tr.losses[-1] < tr.losses[0]
    assert tr.status("GD").startswith("GD: J = ")


def test_one_diverging_run_does_not_stop_the_others():
    q = ol.Quadratic.with_condition_number(10.0)  # L = 1: GD is stable for η < 2
    lrs = np.array([0.5, 1.0, 2.5, 1.5])[:, None]
    x0 = np.tile([1.0, 1.0], (4, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning may escape
        tr = ol.run(ol.SGD(lr=lrs), q, x0, 2000)
    np.testing.assert_array_equal(tr.diverged, [False, False, True, False])
    k = int(tr.diverged_at[2])
    # |1 − 2.5| = 1.5 per step from 1.0 on the steep axis: 1.5^34 ≈ 9.85e5 ≤ 1e6 < 1.5^35 ≈ 1.48e6
    assert k == 35
    assert np.all(np.isnan(tr.path[k:, 2])) and np.all(np.isfinite(tr.path[:k, 2]))
    assert np.all(np.isfinite(tr.path[:, [0, 1, 3]]))
    assert tr.losses[-1, 0] < 1e-10
    assert "1 of 4 runs diverged" in tr.status()


def test_status_of_a_diverged_run_names_the_step():
    tr = ol.run(ol.SGD(lr=3.0), ol.Quadratic.with_condition_number(2.0), np.array([1.0, 1.0]), 100)
    # curvatures 0.5 and 1, η = 3: factors −0.5 and −2 per step; 2^19 ≤ 1e6 < 2^20
    assert tr.status("SGD") == "SGD: diverged at step 20"


def test_overflow_to_inf_is_caught_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr = ol.run(ol.SGD(lr=0.1), ol.Rosenbrock(), np.array([30.0, 30.0]), 50, bound=1e300)
    assert tr.diverged


def test_lr_schedule_is_applied():
    q = ol.Quadratic([[1.0]])
    tr = ol.run(ol.SGD(lr=0.0), q, np.array([1.0]), 3, lr_schedule=lambda t: 0.1 * t)
    # θ_t = (1 − 0.1 t) θ_{t−1}
    np.testing.assert_allclose(tr.path[:, 0], [1.0, 0.9, 0.9 * 0.8, 0.9 * 0.8 * 0.7])


def test_minibatch_runs_are_seeded():
    p = ol.LinearRegression(n=100, dim=2)
    a = ol.run(ol.SGD(lr=0.05), p, np.zeros(2), 50, batch_size=8, seed=1)
    b = ol.run(ol.SGD(lr=0.05), p, np.zeros(2), 50, batch_size=8, seed=1)
    c = ol.run(ol.SGD(lr=0.05), p, np.zeros(2), 50, batch_size=8, seed=2)
    np.testing.assert_array_equal(a.path, b.path)
    assert not np.array_equal(a.path, c.path)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(steps=-1), r"steps must be in \[0, 10000000\]"),
        (dict(steps=2.5), "steps must be an integer"),
        (dict(theta0=np.zeros(3)), r"theta0 must have shape \(\.\.\., 2\)"),
        (dict(theta0=np.array([np.nan, 0.0])), "theta0 must be finite"),
        (dict(theta0=np.array([1, 2])), "theta0 must be a floating-point array"),
        (dict(bound=0.0), r"bound must be in \(0, inf\)"),
        (dict(batch_size=4), "batch_size needs a data problem"),
        (dict(lr_schedule=0.1), "lr_schedule must be a function"),
        (dict(optimizer="adam"), "optimizer must be an optim_lib optimizer"),
    ],
)
def test_bad_runner_input_raises(kwargs, message):
    args = dict(optimizer=ol.SGD(lr=0.1), problem=ol.Rosenbrock(), theta0=np.zeros(2), steps=5)
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        ol.run(args.pop("optimizer"), args.pop("problem"), args.pop("theta0"), args.pop("steps"), **args)


def test_one_diverging_run_in_a_grid_of_ten_thousand():
    q = ol.Quadratic.with_condition_number(10.0)  # curvatures 0.1 and L = 1
    lrs = np.tile(np.linspace(0.01, 1.0, 100)[:, None], (1, 100))  # ηL ≤ 1 < 2(1 + μ): every run is stable
    mus = np.tile(np.linspace(0.0, 0.9, 100)[None, :], (100, 1))
    bad = (37, 81)
    lrs_bad = lrs.copy()
    lrs_bad[bad] = 10.0  # ηL = 10 > 2(1 + μ): this run, and only this one, diverges
    x0 = np.ones((100, 100, 2))
    steps = 150
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning (overflow, invalid) may escape
        tr = ol.run(ol.Momentum(lr=lrs_bad[..., None], momentum=mus[..., None]), q, x0, steps)
        ref = ol.run(ol.Momentum(lr=lrs[..., None], momentum=mus[..., None]), q, x0, steps)
        alone = ol.run(ol.Momentum(lr=10.0, momentum=float(mus[bad])), q, np.ones(2), steps)

    assert tr.diverged_at.shape == (100, 100)
    assert np.argwhere(tr.diverged).tolist() == [list(bad)]  # exactly that run ...
    k = int(tr.diverged_at[bad])
    assert 1 <= k <= steps and k == int(alone.diverged_at)  # ... at the step it diverges at on its own,
    # which is the step heavy ball's three-term recurrence leaves the bound (computed in plain floats)
    assert k == heavy_ball_exit(10.0, float(mus[bad]), (0.1, 1.0), (1.0, 1.0), 1e6)
    assert "1 of 10000 runs diverged" in tr.status()
    # the diverged run: finite up to its last good step, NaN from step k on
    assert np.all(np.isfinite(tr.path[:k, 37, 81])) and np.all(np.isnan(tr.path[k:, 37, 81]))
    assert np.all(np.isnan(tr.losses[k:, 37, 81])) and np.all(np.isfinite(tr.losses[:k, 37, 81]))
    # every other run finished normally, exactly as in the grid without the bad entry
    others = ~tr.diverged
    assert np.all(ref.diverged_at == -1)
    np.testing.assert_array_equal(tr.path[:, others], ref.path[:, others])
    np.testing.assert_array_equal(tr.losses[:, others], ref.losses[:, others])
    assert np.all(tr.losses[-1][others] < tr.losses[0][others])
