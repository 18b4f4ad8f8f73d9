"""The formulas of optim_lib.experiments.quadratic_theory against rates measured by running the optimizers."""

import numpy as np
import pytest

import optim_lib as ol
from optim_lib.experiments import quadratic_theory as qt

ELL, L = 0.01, 1.0  # κ = 100


def _problem(dim=20):
    return ol.Quadratic(np.diag(np.geomspace(ELL, L, dim)))


def test_kappa_100_values():
    lr, rate = qt.gd_optimal(ELL, L)
    assert lr == pytest.approx(2 / 1.01)
    assert rate == pytest.approx(99 / 101)
    lr, mu, rate = qt.heavy_ball_optimal(ELL, L)
    assert lr == pytest.approx(4 / 1.1**2)
    assert mu == pytest.approx((9 / 11) ** 2)
    assert rate == pytest.approx(9 / 11)
    lr, mu, rate = qt.nesterov_standard(ELL, L)
    assert (lr, mu, rate) == pytest.approx((1.0, 9 / 11, 0.9))


def test_optimal_parameters_minimize_worst_mode():
    lam = np.linspace(ELL, L, 2001)
    lr, mu, rate = qt.heavy_ball_optimal(ELL, L)
    assert qt.heavy_ball_radius(lr, mu, lam).max() == pytest.approx(rate, rel=1e-6)
    rng = np.random.default_rng(0)
    lrs = lr * (1 + 0.2 * rng.uniform(-1, 1, 200))
    mus = np.clip(mu * (1 + 0.2 * rng.uniform(-1, 1, 200)), 0, 0.999)
    assert np.all(qt.quadratic_radius("heavy_ball", lrs, mus, lam) >= rate - 1e-9)
    glr, grate = qt.gd_optimal(ELL, L)
    assert qt.quadratic_radius("gd", glr, 0.0, lam) == pytest.approx(grate)
    assert np.all(qt.quadratic_radius("gd", glr * np.array([0.9, 1.1]), 0.0, lam) > grate)


def test_nesterov_radius_matches_torch_form_matrix():
    rng = np.random.default_rng(1)
    for _ in range(50):
        lr, mu, lam = rng.uniform(0.01, 2), rng.uniform(0.0, 0.99), rng.uniform(0.01, 1)
        A = np.array([[1 - lr * lam * (1 + mu), -lr * mu**2], [lam, mu]])
        assert qt.nesterov_radius(lr, mu, lam) == pytest.approx(max(abs(np.linalg.eigvals(A))), rel=1e-7)
        B = np.array([[1 + mu - lr * lam, -mu], [1, 0]])
        assert qt.heavy_ball_radius(lr, mu, lam) == pytest.approx(max(abs(np.linalg.eigvals(B))), rel=1e-7)


@pytest.mark.parametrize("method", ["gd", "heavy_ball", "nesterov"])
def test_measured_rate_matches_formula(method):
    prob = _problem()
    if method == "gd":
        lr, rate = qt.gd_optimal(ELL, L)
        opt = ol.SGD(lr=lr)
    elif method == "heavy_ball":
        lr, mu, rate = qt.heavy_ball_optimal(ELL, L)
        opt = ol.Momentum(lr=lr, momentum=mu)
    else:
        lr, mu, rate = qt.nesterov_standard(ELL, L)
        opt = ol.Nesterov(lr=lr, momentum=mu)
    tr = ol.run(opt, prob, np.ones(prob.dim), 600)
    measured = qt.measured_factor(tr.path, t0=300)
    # the end modes are Jordan blocks for heavy ball and Nesterov: a polynomial factor in t
    # makes the measured factor slightly larger than the asymptotic rate
    assert rate - 0.002 <= measured <= rate + 0.01  # faster inner modes fade out


def test_grid_of_momentum_runs_matches_radius():
    prob = ol.Quadratic(np.diag([ELL, L]))
    lrs = np.linspace(0.2, 3.8, 7)
    mus = np.linspace(0.0, 0.9, 5)
    opt = ol.Momentum(lr=lrs[:, None, None], momentum=mus[None, :, None])
    tr = ol.run(opt, prob, np.ones((7, 5, 2)), 400)
    measured = qt.measured_factor(tr.path, t0=200)
    theory = qt.quadratic_radius("heavy_ball", lrs[:, None], mus[None, :], [ELL, L])
    ok = theory < 0.97
    assert np.all(np.abs(measured[ok] - theory[ok]) < 0.01)
    assert np.all(tr.diverged[theory > 1.0 + 1e-9])


def test_regions():
    assert qt.heavy_ball_is_complex(1.0, 0.25, 1.0)  # (0.5)² < 1 < (1.5)²
    assert not qt.heavy_ball_is_complex(0.1, 0.25, 1.0)
    assert qt.heavy_ball_radius(qt.heavy_ball_stable_lr(0.5, 1.0) * 0.999, 0.5, 1.0) < 1
    assert qt.heavy_ball_radius(qt.heavy_ball_stable_lr(0.5, 1.0) * 1.001, 0.5, 1.0) > 1
    with pytest.raises(ValueError, match=r"ell must be in \(0, 1\], got 0.0"):
        qt.gd_optimal(0.0, 1.0)
    with pytest.raises(ValueError, match="method must be 'gd', 'heavy_ball' or 'nesterov', got 'adam'"):
        qt.quadratic_radius("adam", 1.0, 0.0, [1.0])
