"""ScheduleFreeAdamW against the authors' package (``schedulefree.AdamWScheduleFree``, a test
oracle only: .ci/run installs it with torch), by hand on two steps, and its evaluation point."""

import numpy as np
import pytest

import optim_lib as ol
import oracle
from required import require


def _schedulefree():
    return require("torch"), require("schedulefree")


def _hyperparameters(seed):
    """Random hyperparameters; η ≤ 0.02 keeps the 200 steps non-chaotic. (With η ≈ 0.035 and
    β₁ ≈ 0.67, two float64 orderings of the package's own arithmetic, with and without an
    eval()/train() round trip per step, part by 1e-7 after 200 steps, and any other by 1e-2.)"""
    rng = np.random.default_rng(400 + seed)
    return {
        "lr": float(rng.uniform(1e-3, 0.02)),
        "beta1": float(rng.uniform(0.5, 0.95)),
        "beta2": float(rng.uniform(0.9, 0.9999)),
        "eps": float(10 ** rng.uniform(-8, -2)),
        "weight_decay": [0.0, float(rng.uniform(0.01, 0.5))][seed % 2],
        "warmup_steps": [0, 10, 50][seed],
        "r": [0.0, 0.0, 1.0][seed],
        "weight_lr_power": [2.0, 1.0, 2.0][seed],
    }


@pytest.mark.parametrize("seed", oracle.SEEDS)
def test_schedule_free_adamw_matches_the_authors_package(seed):
    torch, schedulefree = _schedulefree()
    hp = _hyperparameters(seed)
    theta = oracle.start(seed)
    p = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    ref = schedulefree.AdamWScheduleFree(
        [p], lr=hp["lr"], betas=(hp["beta1"], hp["beta2"]), eps=hp["eps"], weight_decay=hp["weight_decay"],
        warmup_steps=hp["warmup_steps"], r=hp["r"], weight_lr_power=hp["weight_lr_power"], foreach=False)
    ref.train()
    opt = ol.ScheduleFreeAdamW(**hp)
    s = opt.init(theta)
    ys, xs, ref_ys, ref_xs = [], [], [], []
    for _ in range(oracle.STEPS):
        p.grad = torch.from_numpy(oracle.grad(p.detach().numpy().copy()))
        ref.step()
        ref_ys.append(p.detach().numpy().copy())
        ref.eval()  # the package moves p to x ...
        ref_xs.append(p.detach().numpy().copy())
        ref.train()  # ... and back to y
        theta, s = opt.step(theta, oracle.grad(theta), s)
        ys.append(theta)
        xs.append(opt.eval_point(s))
    np.testing.assert_allclose(np.array(ys), np.array(ref_ys), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(np.array(xs), np.array(ref_xs), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(s.z, ref.state[p]["z"].numpy(), rtol=1e-10, atol=1e-12)
    assert np.max(np.abs(ys[-1] - oracle.start(seed))) > 0.1  # the runs went somewhere
    assert np.max(np.abs(xs[-1] - ys[-1])) > 1e-6  # and x is not y


def test_schedule_free_adamw_by_hand():
    """Two steps written out: z steps like AdamW without momentum, x averages the z's with
    weights η², y = (1 − β₁) z + β₁ x."""
    opt = ol.ScheduleFreeAdamW(lr=0.1, beta1=0.5, beta2=0.75, eps=0.0, weight_decay=0.0)
    theta = np.array([1.0, -2.0])
    s = opt.init(theta)
    g1 = np.array([2.0, -1.0])
    y1, s = opt.step(theta, g1, s)
    # v₁ = 0.25 g², v̂₁ = g², so z₁ = θ₀ − 0.1 sign(g₁); c₁ = 1: x₁ = z₁ = y₁
    np.testing.assert_allclose(s.z, [0.9, -1.9])
    np.testing.assert_allclose(s.x, [0.9, -1.9])
    np.testing.assert_allclose(y1, [0.9, -1.9])
    g2 = np.array([1.0, 1.0])
    y2, s = opt.step(y1, g2, s)
    v2 = 0.75 * 0.25 * g1**2 + 0.25 * g2**2
    z2 = np.array([0.9, -1.9]) - 0.1 * g2 / np.sqrt(v2 / (1 - 0.75**2))
    x2 = 0.5 * np.array([0.9, -1.9]) + 0.5 * z2  # w₁ = w₂ = η²: c₂ = 1/2
    np.testing.assert_allclose(s.z, z2)
    np.testing.assert_allclose(opt.eval_point(s), x2)
    np.testing.assert_allclose(y2, 0.5 * z2 + 0.5 * x2)


def test_warmup_ramps_the_step_and_weights_the_average():
    """With warmup, η_t = η t / T; the early z's (small η) weigh less in x (w = η_max²)."""
    opt = ol.ScheduleFreeAdamW(lr=0.2, beta1=0.9, warmup_steps=4, eps=0.0)
    theta = np.array([1.0])
    s = opt.init(theta)
    zs = [theta]
    for t in range(1, 7):
        theta, s = opt.step(theta, np.array([1.0]), s)  # v̂ = g² = 1: each z step is η_t
        zs.append(s.z)
    steps = -np.diff(np.concatenate(zs))
    np.testing.assert_allclose(steps, [0.05, 0.1, 0.15, 0.2, 0.2, 0.2])
    w = np.array([0.05, 0.1, 0.15, 0.2, 0.2, 0.2]) ** 2
    np.testing.assert_allclose(s.x, np.sum(w * np.concatenate(zs[1:])) / np.sum(w))


def test_a_batch_of_learning_rates_is_one_run():
    lrs = np.array([[0.01], [0.1]])
    opt = ol.ScheduleFreeAdamW(lr=lrs, warmup_steps=3)
    theta = np.tile(oracle.start(0), (2, 1))
    s = opt.init(theta)
    for _ in range(20):
        theta, s = opt.step(theta, oracle.grad(theta), s)
    for i in range(2):
        single = ol.ScheduleFreeAdamW(lr=float(lrs[i, 0]), warmup_steps=3)
        t1 = oracle.start(0)
        s1 = single.init(t1)
        for _ in range(20):
            t1, s1 = single.step(t1, oracle.grad(t1), s1)
        np.testing.assert_allclose(theta[i], t1, rtol=1e-14)
        np.testing.assert_allclose(s.x[i], s1.x, rtol=1e-14)


@pytest.mark.parametrize("kwargs, match", [
    ({"lr": -1.0}, r"lr must be"),
    ({"beta1": 1.0}, r"beta1 must be"),
    ({"warmup_steps": -1}, r"warmup_steps must be"),
    ({"r": -0.5}, r"r must be"),
    ({"weight_lr_power": -1}, r"weight_lr_power must be"),
])
def test_bad_hyperparameters_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ol.ScheduleFreeAdamW(**kwargs)


def test_eval_point_needs_its_own_state():
    opt = ol.ScheduleFreeAdamW()
    with pytest.raises(ValueError, match="state must be the ScheduleFreeState"):
        opt.eval_point(ol.Adam().init(np.zeros(2)))
