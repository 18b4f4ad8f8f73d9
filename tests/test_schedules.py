"""Learning-rate schedules: hand values, shapes, bad input, and equality with torch.optim.lr_scheduler.

Index mapping checked here: the book's η_t (step t = 1, 2, ...) is torch's ``get_last_lr()``
after t − 1 calls of ``scheduler.step()``, i.e. the lr that the t-th ``optimizer.step()`` uses.
Set REQUIRE_TORCH=1 to make a missing torch a failure instead of a skip.
"""

import dataclasses
import math
import os
import warnings

import numpy as np
import pytest

import optim_lib as ol
from optim_lib.optimizers.schedules import (Constant, CosineAnnealing, Exponential, InverseTime, StepDecay, WarmupDecay,
                                            WarmupStableDecay)

T = 150  # steps compared against torch (>= 100)


def _torch():
    if os.environ.get("REQUIRE_TORCH") == "1":
        import torch

        return torch
    return pytest.importorskip("torch")


def torch_lrs(make_scheduler, lr, steps=T):
    """The lr each of ``steps`` optimizer steps uses under a torch scheduler (index 0 = step t = 1)."""
    torch = _torch()
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.SGD([p], lr=lr)
    sched = make_scheduler(torch.optim.lr_scheduler, opt)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(steps):
            out.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
    return np.array(out)


t = np.arange(1, T + 1)


def test_step_decay_equals_torch_steplr():
    ours = StepDecay(lr=0.5, step_size=30, gamma=0.3)(t)
    theirs = torch_lrs(lambda s, o: s.StepLR(o, step_size=30, gamma=0.3), 0.5)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_exponential_equals_torch_exponentiallr():
    ours = Exponential(lr=0.5, gamma=0.97)(t)
    theirs = torch_lrs(lambda s, o: s.ExponentialLR(o, gamma=0.97), 0.5)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)


def test_inverse_time_equals_torch_lambdalr():
    ours = InverseTime(lr=0.5, decay=0.1)(t)
    theirs = torch_lrs(lambda s, o: s.LambdaLR(o, lambda e: 1.0 / (1.0 + 0.1 * e)), 0.5)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_constant_equals_torch_without_scheduler():
    theirs = torch_lrs(lambda s, o: s.LambdaLR(o, lambda e: 1.0), 0.25)
    np.testing.assert_allclose(Constant(0.25)(t), theirs, rtol=0)


@pytest.mark.parametrize("min_lr", [0.0, 0.01])
def test_cosine_equals_torch_cosineannealinglr(min_lr):
    total = T - 1  # torch reaches eta_min at epoch T_max = our step T_max + 1 = T
    ours = CosineAnnealing(lr=0.5, total_steps=total, min_lr=min_lr)(t)
    theirs = torch_lrs(lambda s, o: s.CosineAnnealingLR(o, T_max=total, eta_min=min_lr), 0.5)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)
    assert ours[-1] == pytest.approx(min_lr)


@pytest.mark.parametrize("min_lr", [0.0, 0.02])
def test_warmup_cosine_equals_torch_sequentiallr(min_lr):
    W, total = 20, T - 1
    ours = WarmupDecay(lr=0.5, warmup_steps=W, total_steps=total, decay="cosine", min_lr=min_lr)(t)
    theirs = torch_lrs(
        lambda s, o: s.SequentialLR(
            o,
            [s.LinearLR(o, start_factor=1 / W, end_factor=1.0, total_iters=W - 1),
             s.CosineAnnealingLR(o, T_max=total - W, eta_min=min_lr)],
            milestones=[W],
        ),
        0.5,
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("min_lr", [0.0, 0.02])
def test_warmup_linear_equals_torch_lambdalr(min_lr):
    W, total, lr = 10, 120, 0.5

    def factor(e):  # written from the usual warmup/linear-decay recipe, in torch's epoch e = t - 1
        if e < W:
            return (e + 1) / W
        s = min((e - W) / (total - W), 1.0)
        return (min_lr + (lr - min_lr) * (1 - s)) / lr

    ours = WarmupDecay(lr=lr, warmup_steps=W, total_steps=total, decay="linear", min_lr=min_lr)(t)
    theirs = torch_lrs(lambda s, o: s.LambdaLR(o, factor), lr)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("W, D, min_lr", [(10, 30, 0.0), (10, 30, 0.05), (1, 1, 0.0), (20, 130, 0.0)])
def test_wsd_linear_equals_torch_sequentiallr(W, D, min_lr):
    """Warmup (LinearLR), stable (ConstantLR, factor 1), decay (LinearLR to η_min/η) over T = 150 steps."""
    total, lr = T, 0.5
    ours = WarmupStableDecay(lr=lr, warmup_steps=W, decay_steps=D, total_steps=total, decay="linear", min_lr=min_lr)(t)
    warm = (lambda s, o: s.LinearLR(o, start_factor=1 / W, end_factor=1.0, total_iters=W - 1)) if W > 1 else \
        (lambda s, o: s.ConstantLR(o, factor=1.0, total_iters=1))
    theirs = torch_lrs(
        lambda s, o: s.SequentialLR(
            o,
            [warm(s, o), s.ConstantLR(o, factor=1.0, total_iters=1),
             s.LinearLR(o, start_factor=1.0, end_factor=min_lr / lr, total_iters=D)],
            milestones=[W, total - D],
        ),
        lr,
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


# ---- torch-free tests ---------------------------------------------------------------------------


def test_hand_values():
    assert StepDecay(1.0, step_size=2, gamma=0.5)(np.arange(1, 7)).tolist() == [1, 1, 0.5, 0.5, 0.25, 0.25]
    assert Exponential(2.0, gamma=0.5)(3) == 0.5
    assert InverseTime(1.0, decay=1.0)(4) == 0.25
    c = CosineAnnealing(1.0, total_steps=4)
    assert c(1) == 1.0 and c(3) == pytest.approx(0.5) and c(5) == pytest.approx(0.0) and c(50) == pytest.approx(0.0)
    w = WarmupDecay(1.0, warmup_steps=4, total_steps=8, decay="linear")
    assert np.allclose(w(np.arange(1, 10)), [0.25, 0.5, 0.75, 1.0, 1.0, 0.75, 0.5, 0.25, 0.0])
    assert Constant(0.3)(7) == 0.3


def test_wsd_hand_values():
    # 1-sqrt: steps 5..8 are the decay, s = 0, 1/4, 1/2, 3/4, so η_t = 1 − √s; η_9 = η_min
    w = WarmupStableDecay(1.0, warmup_steps=0, decay_steps=4, total_steps=8, decay="1-sqrt")
    np.testing.assert_allclose(w(np.arange(1, 10)), [1, 1, 1, 1, 1, 0.5, 1 - math.sqrt(0.5), 1 - math.sqrt(0.75), 0],
                               rtol=1e-15, atol=1e-15)
    w = WarmupStableDecay(2.0, warmup_steps=2, decay_steps=4, total_steps=10, decay="1-sqrt", min_lr=1.0)
    np.testing.assert_allclose(w(np.arange(1, 12)), [1, 2, 2, 2, 2, 2, 2, 1.5, 1 + 1 - math.sqrt(0.5),
                                                     1 + 1 - math.sqrt(0.75), 1], rtol=1e-15)
    lin = WarmupStableDecay(1.0, warmup_steps=4, decay_steps=4, total_steps=12, decay="linear")
    assert np.allclose(lin(np.arange(1, 14)), [0.25, 0.5, 0.75, 1, 1, 1, 1, 1, 1, 0.75, 0.5, 0.25, 0])


def test_wsd_without_stable_phase_is_warmup_linear_decay():
    t_ = np.arange(1, 131)
    np.testing.assert_allclose(WarmupStableDecay(0.3, 10, 110, 120, "linear", min_lr=0.01)(t_),
                               WarmupDecay(0.3, 10, 120, "linear", min_lr=0.01)(t_), rtol=1e-14)


def test_wsd_budgets_share_the_stable_run():
    """Two budgets with the same η and W agree until the shorter one's decay (d(0) = 1 at step T − D + 1)."""
    short, long_ = WarmupStableDecay(0.1, 20, 100, 500), WarmupStableDecay(0.1, 20, 400, 2000)
    t_ = np.arange(1, 402)
    np.testing.assert_array_equal(short(t_), long_(t_))
    assert short(402) < 0.1 == long_(402)


def test_wsd_1sqrt_decays_faster_at_first_and_stays_below_linear():
    t_ = np.arange(101, 201)
    sq, li = WarmupStableDecay(1.0, 0, 100, 200, "1-sqrt")(t_), WarmupStableDecay(1.0, 0, 100, 200, "linear")(t_)
    assert sq[0] == li[0] == 1.0 and np.all(sq[1:] < li[1:]) and np.all(np.diff(sq) < 0)


def test_scalar_in_float_out_array_in_array_out():
    for s in [Constant(0.1), StepDecay(0.1, 3), Exponential(0.1, 0.9), InverseTime(0.1),
              CosineAnnealing(0.1, 10), WarmupDecay(0.1, 2, 10), WarmupStableDecay(0.1, 2, 3, 10)]:
        assert isinstance(s(1), float)
        assert s(np.arange(1, 11)).shape == (10,)
        assert s(np.arange(1, 7).reshape(2, 3)).shape == (2, 3)
        np.testing.assert_allclose(s(np.arange(1, 11)), [s(k) for k in range(1, 11)], rtol=1e-15)


@pytest.mark.parametrize("sched", [StepDecay(1.0, 5, 0.5), Exponential(1.0, 0.95), InverseTime(1.0, 0.3),
                                   CosineAnnealing(1.0, 50, 0.1), WarmupDecay(1.0, 0, 50, "linear"),
                                   WarmupStableDecay(1.0, 0, 10, 50, "1-sqrt", 0.1)])
def test_decays_are_nonincreasing_and_positive(sched):
    eta = sched(np.arange(1, 200))
    assert np.all(np.diff(eta) <= 1e-15) and np.all(eta >= 0)


def test_warmup_rises_then_falls_and_peaks_at_lr():
    eta = WarmupDecay(0.2, 10, 100)(np.arange(1, 102))
    assert np.all(np.diff(eta[:10]) > 0) and np.all(np.diff(eta[10:]) <= 1e-15)
    assert eta.max() == pytest.approx(0.2) and eta[9] == pytest.approx(0.2) and eta[-1] == pytest.approx(0.0)


def test_inverse_time_meets_robbins_monro_and_exponential_does_not():
    t = np.arange(1, 10**6 + 1)
    inv = InverseTime(1.0, 1.0)(t)
    assert inv.sum() > 13 and (inv**2).sum() < math.pi**2 / 6  # harmonic sum grows like log t
    assert Exponential(1.0, 0.9)(t).sum() == pytest.approx(10.0)  # η/(1 − γ): finite total step


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: Constant(-0.1), r"lr must be in \[0, inf\)"),
        (lambda: StepDecay(0.1, step_size=2.5), r"step_size must be an integer"),
        (lambda: StepDecay(0.1, step_size=0), r"step_size must be in \[1, inf\)"),
        (lambda: StepDecay(0.1, 10, gamma=1.5), r"gamma must be in \(0, 1\]"),
        (lambda: Exponential(0.1, gamma=0.0), r"gamma must be in \(0, 1\]"),
        (lambda: Exponential(float("nan"), 0.9), r"lr must be finite"),
        (lambda: InverseTime(0.1, decay=-1.0), r"decay must be in \[0, inf\)"),
        (lambda: CosineAnnealing(0.1, total_steps=0), r"total_steps must be in \[1, inf\)"),
        (lambda: CosineAnnealing(0.1, 10, min_lr=0.2), r"min_lr must be in \[0, lr\]"),
        (lambda: WarmupDecay(0.1, warmup_steps=10, total_steps=10), r"total_steps must be in \[11, inf\)"),
        (lambda: WarmupDecay(0.1, warmup_steps=-1, total_steps=10), r"warmup_steps must be in \[0, inf\)"),
        (lambda: WarmupDecay(0.1, 2, 10, decay="step"), r"decay must be 'cosine' or 'linear'"),
        (lambda: WarmupStableDecay(0.1, warmup_steps=-1, decay_steps=5, total_steps=10), r"warmup_steps must be in \[0, inf\)"),
        (lambda: WarmupStableDecay(0.1, warmup_steps=2, decay_steps=0, total_steps=10), r"decay_steps must be in \[1, inf\)"),
        (lambda: WarmupStableDecay(0.1, warmup_steps=2, decay_steps=2.5, total_steps=10), r"decay_steps must be an integer"),
        (lambda: WarmupStableDecay(0.1, warmup_steps=5, decay_steps=6, total_steps=10), r"total_steps must be in \[11, inf\)"),
        (lambda: WarmupStableDecay(0.1, 2, 5, 10, decay="cosine"), r"decay must be 'linear' or '1-sqrt'"),
        (lambda: WarmupStableDecay(-0.1, 2, 5, 10), r"lr must be in \[0, inf\)"),
        (lambda: WarmupStableDecay(0.1, 2, 5, 10, min_lr=0.2), r"min_lr must be in \[0, lr\]"),
    ],
)
def test_bad_hyperparameters_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("bad", [0, -3, 1.5, "1", True, np.array([1, 0]), float("nan")])
def test_bad_step_raises(bad):
    with pytest.raises(ValueError, match="t must be an integer step >= 1"):
        Exponential(0.1, 0.9)(bad)


def test_schedules_are_frozen():
    s = Exponential(0.1, 0.9)
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'lr'"):
        s.lr = 1.0
    assert s.lr == 0.1


def test_runner_uses_eta_t_at_step_t():
    """With SGD on J = θ²/2 (g = θ), θ_t = θ_{t−1}(1 − η_t): the path shows which η each step used."""
    q = ol.Quadratic([[1.0]])
    sched = StepDecay(0.5, step_size=2, gamma=0.5)
    tr = ol.run(ol.SGD(lr=1.0), q, [1.0], 5, lr_schedule=sched)
    expected = np.cumprod([1.0] + [1 - sched(k) for k in range(1, 6)])
    np.testing.assert_allclose(tr.path[:, 0], expected)


def test_array_lr_gives_a_grid_in_one_run():
    q = ol.Quadratic([[1.0]])
    lrs = np.array([[0.1], [0.5]])
    tr = ol.run(ol.SGD(lr=1.0), q, np.ones((2, 1)), 3, lr_schedule=InverseTime(lrs, 1.0))
    np.testing.assert_allclose(tr.path[1, :, 0], [0.9, 0.5])
