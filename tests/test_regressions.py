"""Regressions the rest of the suite let through (issue 12's audit), each with the behaviour it
pins down:

- the dtype of every state array: float32 parameters with a float64 *array* hyperparameter
  (a grid of β₁, μ, ρ, ...) keep float32 state, for every optimizer and every hyperparameter
  that may be an array;
- the minibatch sampler: every data row can be drawn, uniformly, and the runner steps with the
  gradient on exactly the rows it drew;
- ``AdaGrad.effective_lr`` against a hand computation;
- the step at which a run diverges, computed by hand from the update's closed form.
"""

import math
import warnings

import numpy as np
import pytest

import optim_lib as ol

# Every optimizer whose hyperparameters may be arrays (Muon's, Shampoo's and SOAP's are scalars: they refuse arrays),
# with valid scalar arguments to start from.
ARRAY_HYPER = {
    "SGD": lambda: ol.SGD(lr=0.05),
    "Momentum": lambda: ol.Momentum(lr=0.05, momentum=0.9),
    "Nesterov": lambda: ol.Nesterov(lr=0.05, momentum=0.9),
    "AdaGrad": lambda: ol.AdaGrad(lr=0.05),
    "RMSprop": lambda: ol.RMSprop(lr=0.05),
    "AdaDelta": lambda: ol.AdaDelta(),
    "Adam": lambda: ol.Adam(lr=0.05),
    "AMSGrad": lambda: ol.AMSGrad(lr=0.05),
    "AdamW": lambda: ol.AdamW(lr=0.05),
    "NAdam": lambda: ol.NAdam(lr=0.05),
    "Lion": lambda: ol.Lion(lr=0.05),
    "AdamL2": lambda: ol.AdamL2(lr=0.05, weight_decay=0.1),
    "KerasAdam": lambda: ol.KerasAdam(lr=0.05),
    "ScheduleFreeAdamW": lambda: ol.ScheduleFreeAdamW(lr=0.05, warmup_steps=2, weight_decay=0.1, r=1.0),
}
CASES = [(name, hp) for name, make in ARRAY_HYPER.items() for hp in make().hyperparameters]


def test_every_optimizer_with_array_hyperparameters_is_covered():
    names = {n for n in ol.__all__ if isinstance(getattr(ol, n), type) and issubclass(getattr(ol, n), ol.Optimizer)}
    assert names - {"Optimizer", "Muon", "Shampoo", "SOAP"} == set(ARRAY_HYPER)  # matrix optimizers: scalars only
    with pytest.raises(ValueError, match="momentum must be a scalar for Muon"):
        ol.Muon(momentum=np.array([0.9, 0.95]))


@pytest.mark.parametrize("name,hyper", CASES, ids=[f"{n}-{h}" for n, h in CASES])
def test_float32_state_stays_float32_with_an_array_hyperparameter(name, hyper):
    opt = ARRAY_HYPER[name]()
    hp = opt.get_hyperparameters()
    v = float(hp[hyper])
    hp[hyper] = np.array([[v], [0.5 * v]]) if v else np.array([[0.0], [0.01]])  # float64, shape (2, 1)
    opt = type(opt)(**hp)
    theta = np.array([[1.0, -2.0, 0.5], [0.3, 2.0, -1.0]], dtype=np.float32)
    state = opt.init(theta)
    for k in range(3):
        g = (2 * theta + np.float32(0.1) * (k + 1)).astype(np.float32)
        theta, state = opt.step(theta, g, state)
        assert theta.dtype == np.float32
        for field, value in zip(state._fields, state):
            if isinstance(value, np.ndarray):
                assert value.dtype == np.float32, f"step {k + 1}: state.{field} is {value.dtype}"
                assert value.shape == theta.shape
    # the in-place form keeps the dtype too
    theta_ = theta.copy()
    theta_, state_ = opt.step_(theta_, 2 * theta_, state)
    assert theta_.dtype == np.float32
    for field, value in zip(state_._fields, state_):
        if isinstance(value, np.ndarray):
            assert value.dtype == np.float32, f"step_: state.{field} is {value.dtype}"


# --- the minibatch sampler -------------------------------------------------------------------

class RecordingRegression(ol.LinearRegression):
    """A linear regression that records the rows of every minibatch gradient it is asked for."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.drawn = []

    def minibatch_grad(self, theta, rows):
        self.drawn.append(np.array(rows))
        return super().minibatch_grad(theta, rows)


def test_the_sampler_draws_every_row_uniformly():
    n, batch_size, steps = 5, 3, 400
    p = RecordingRegression(n=n, dim=2)
    ol.run(ol.SGD(lr=0.01), p, np.zeros((2, 2)), steps, batch_size=batch_size, seed=3)
    rows = np.stack(p.drawn)  # (steps, 2 runs, batch_size)
    assert rows.shape == (steps, 2, batch_size)
    assert rows.min() == 0 and rows.max() == n - 1
    for run in range(2):
        counts = np.bincount(rows[:, run].ravel(), minlength=n)
        assert counts.size == n and np.all(counts > 0), f"run {run}: rows never drawn: {np.flatnonzero(counts == 0)}"
        # 1200 draws, 240 expected per row: a chi-square of 4 degrees of freedom above 20 has
        # probability 5e-4 under uniform draws (the seed is fixed, so this never flakes)
        expected = steps * batch_size / n
        chi2 = float(np.sum((counts - expected) ** 2 / expected))
        assert chi2 < 20, f"run {run}: row counts {counts.tolist()} are not uniform (chi2 = {chi2:.1f})"
    # each run of the batch draws its own rows
    assert not np.array_equal(rows[:, 0], rows[:, 1])


def test_the_sampler_can_draw_the_last_row_of_a_two_row_problem():
    p = RecordingRegression(n=2, dim=1)
    ol.run(ol.SGD(lr=0.01), p, np.zeros(1), 50, batch_size=1, seed=0)
    drawn = np.concatenate([r.ravel() for r in p.drawn])
    assert set(drawn.tolist()) == {0, 1}


def test_the_runner_steps_with_the_gradient_on_the_rows_it_drew():
    p = RecordingRegression(n=20, dim=2)
    tr = ol.run(ol.SGD(lr=0.1), p, np.zeros(2), 10, batch_size=4, seed=7)
    plain = ol.LinearRegression(n=20, dim=2)  # same data (same seed), no recording
    theta = np.zeros(2)
    for t, rows in enumerate(p.drawn, start=1):
        # SGD: θ_t = θ_{t−1} − η (1/|B|) Σ_{i∈B} xᵢ (xᵢᵀθ − yᵢ), the gradient written out by hand
        X, y = plain.X[rows], plain.y[rows]
        theta = theta - 0.1 * (X.T @ (X @ theta - y)) / len(rows)
        np.testing.assert_allclose(tr.path[t], theta, rtol=1e-12, atol=1e-14)


# --- AdaGrad's effective learning rate ---------------------------------------------------------

def test_adagrad_effective_lr_by_hand():
    opt = ol.AdaGrad(lr=0.1, eps=0.5)
    theta = np.zeros(3)
    state = opt.init(theta)
    np.testing.assert_allclose(opt.effective_lr(state), [0.2, 0.2, 0.2], rtol=1e-15)  # η / (√0 + ε) = 0.1 / 0.5
    for g in ([3.0, 0.0, 1.0], [4.0, 1.0, 0.0]):
        theta, state = opt.step(theta, np.array(g), state)
    # s = (3² + 4², 0² + 1², 1² + 0²) = (25, 1, 1); η / (√s + ε) = 0.1/5.5, 0.1/1.5, 0.1/1.5
    np.testing.assert_allclose(opt.effective_lr(state), [0.1 / 5.5, 0.1 / 1.5, 0.1 / 1.5], rtol=1e-15)
    big = ol.AdaGrad(lr=1.0, eps=0.0)
    s = big.init(np.zeros(2))
    _, s = big.step(np.zeros(2), np.array([10.0, 0.01]), s)
    np.testing.assert_allclose(big.effective_lr(s), [0.1, 100.0], rtol=1e-15)  # 1/√100, 1/√1e-4


# --- the divergence step, by hand --------------------------------------------------------------

def test_gd_on_a_ravine_diverges_at_the_step_computed_by_hand():
    q = ol.Quadratic.with_condition_number(10.0)  # H = diag(0.1, 1)
    # η = 2.5: θ_t = (1 − ηλ)^t θ_0 per axis, factors 0.75 and −1.5; from (1, 1) the steep axis
    # leaves the bound 10⁶ when 1.5^t > 10⁶: 1.5^34 ≈ 9.85e5, 1.5^35 ≈ 1.48e6, so at step 35
    assert 1.5**34 < 1e6 < 1.5**35
    tr = ol.run(ol.SGD(lr=2.5), q, np.ones(2), 100)
    assert int(tr.diverged_at) == 35
    assert np.isfinite(tr.path[34]).all() and np.isnan(tr.path[35]).all()
    np.testing.assert_allclose(tr.path[34], [0.75**34, 1.5**34], rtol=1e-12)


def test_the_status_names_the_step_computed_by_hand():
    # H = diag(0.5, 1), η = 3: factors −0.5 and −2; 2^19 = 524288 ≤ 10⁶ < 2^20
    tr = ol.run(ol.SGD(lr=3.0), ol.Quadratic.with_condition_number(2.0), np.ones(2), 100)
    assert tr.status("SGD") == "SGD: diverged at step 20"


def test_a_loss_that_overflows_diverges_at_the_step_computed_by_hand():
    # J = θ²/2, η = 3: θ_t = (−2)^t. With the bound out of the way (10³⁰⁰ > 2^996), the loss
    # θ·(Hθ)/2 overflows when θ·θ = 4^t reaches 2^1024 (the float64 maximum is just below it):
    # at t = 512, where θ = 2^512 is still finite.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr = ol.run(ol.SGD(lr=3.0), ol.Quadratic([[1.0]]), np.array([1.0]), 600, bound=1e300)
    assert int(tr.diverged_at) == 512
    assert tr.path[511, 0] == -(2.0**511) and tr.losses[511] == 2.0**1021
    assert np.isnan(tr.losses[512])


def heavy_ball_exit(lr, mu, curvatures, x0, bound):
    """The first step at which heavy ball leaves ``bound`` on a diagonal quadratic, from its
    three-term recurrence x_{t+1} = (1 + μ − ηλ) x_t − μ x_{t−1}, x_1 = (1 − ηλ) x_0 (torch's
    b_1 = g_1), in plain Python floats."""
    prev = list(x0)
    cur = [(1 - lr * lam) * x for lam, x in zip(curvatures, x0)]
    t = 1
    while max(abs(c) for c in cur) <= bound:
        if t == 10_000:
            return -1
        prev, cur = cur, [(1 + mu - lr * lam) * c - mu * p for lam, c, p in zip(curvatures, cur, prev)]
        t += 1
    return t


def test_heavy_ball_diverges_at_the_step_of_its_recurrence():
    q = ol.Quadratic.with_condition_number(10.0)  # H = diag(0.1, 1)
    for mu in (0.0, 0.5, 0.7363636363636363):
        expected = heavy_ball_exit(10.0, mu, (0.1, 1.0), (1.0, 1.0), 1e6)
        assert expected > 1
        tr = ol.run(ol.Momentum(lr=10.0, momentum=mu), q, np.ones(2), 200)
        assert int(tr.diverged_at) == expected, f"μ = {mu}"
    # μ = 0 is gradient descent: factor 1 − 10 = −9 on the steep axis, 9^6 = 531441 ≤ 10⁶ < 9^7
    assert heavy_ball_exit(10.0, 0.0, (0.1, 1.0), (1.0, 1.0), 1e6) == 7
