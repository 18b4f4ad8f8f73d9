"""AMSGrad, AdamW, NAdam, Lion and Muon: golden torch trajectories, live torch, hand steps, bad input.

- AMSGrad, AdamW, NAdam, Muon are compared with torch.optim (``Adam(amsgrad=True)``, ``AdamW``,
  ``NAdam``, ``Muon``) through the golden files tests/golden/{AMSGrad,AdamW,NAdam,Muon}.npz
  (always, rtol 1e-10) and live when torch is importable (REQUIRE_TORCH=1 makes it mandatory).
- Muon: torch runs Newton–Schulz in bfloat16. The torch side of every Muon comparison replaces
  ``torch.optim._muon._zeropower_via_newtonschulz(grad, ns_coefficients, ns_steps, eps)`` by a
  float64 transcription of the same loop (tests/oracle_beyond.py), so the comparison is of the
  rest of torch's rule (EMA buffer, Nesterov lerp, lr adjustment, decay) plus the iteration's
  arithmetic, and holds to rtol 1e-10.
- Lion: torch.optim has no Lion. It is tested against hand-computed steps and against
  lion-pytorch (``lion_pytorch.Lion``, the paper's Algorithm 2 in torch: decay θ by 1 − ηλ, step
  by −η sign(β₁ m + (1 − β₁) g), then m ← β₂ m + (1 − β₂) g), a third-party implementation that
  .ci/run installs pinned, beside torch, as a test oracle (REQUIRE_TORCH=1 requires it too).
"""

import pathlib

import numpy as np
import pytest

import optim_lib as ol
from required import require
import oracle
import oracle_beyond as ob

GOLDEN = pathlib.Path(__file__).parent / "golden"


def _torch():
    return require("torch")


# --- torch: golden files (no torch needed) and live ------------------------------------------


@pytest.mark.parametrize("name", ob.OPTIMIZERS)
def test_matches_golden_torch_trajectory(name):
    data = np.load(GOLDEN / f"{name}.npz")
    for seed in ob.SEEDS:
        expected = data[f"seed{seed}"]
        assert expected.shape[0] == ob.STEPS + 1
        ours = ob.optim_lib_trajectory(name, seed)
        np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-12, err_msg=f"{name}, seed {seed}")
        assert np.max(np.abs(expected[-1] - expected[0])) > 0.1  # the run moves


@pytest.mark.parametrize("seed", ob.SEEDS)
@pytest.mark.parametrize("name", ob.OPTIMIZERS)
def test_live_torch_equivalence(name, seed):
    _torch()
    theirs = ob.torch_trajectory(name, seed)
    ours = ob.optim_lib_trajectory(name, seed)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ob.OPTIMIZERS)
def test_golden_files_are_current(name):
    _torch()
    data = np.load(GOLDEN / f"{name}.npz")
    for seed in ob.SEEDS:
        np.testing.assert_allclose(data[f"seed{seed}"], ob.torch_trajectory(name, seed), rtol=1e-12, atol=1e-14)


def test_muon_patch_targets_torchs_function():
    """The monkeypatch replaces a function torch really calls, and is undone afterwards."""
    _torch()
    import torch.optim._muon as tm

    original = tm._zeropower_via_newtonschulz
    assert "_zeropower_via_newtonschulz" in tm._single_tensor_muon.__code__.co_names
    with ob.float64_newton_schulz():
        assert tm._zeropower_via_newtonschulz is not original
    assert tm._zeropower_via_newtonschulz is original


def test_muon_close_to_unpatched_bfloat16_torch():
    """Without the patch torch's bf16 iteration agrees only to a few percent of the step."""
    torch = _torch()
    hp = {"lr": 0.01, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1, "ns_steps": 5, "eps": 1e-7}
    theta = ob.start("Muon", 0)
    p = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Muon([p], **hp)
    p.grad = torch.from_numpy(ob.muon_grad(theta))
    opt.step()
    mine = ol.Muon(**hp)
    ours, _ = mine.step(theta, ob.muon_grad(theta), mine.init(theta))
    step = np.abs(ours - theta).max()
    assert np.abs(ours - p.detach().numpy()).max() < 0.05 * step


def test_amsgrad_and_nadam_are_not_adam():
    """The tolerance tells the variants apart from plain Adam on the same run."""
    for name in ("AMSGrad", "NAdam"):
        hp = ob.hyperparameters(name, 0)
        adam = ol.Adam(**{k: hp[k] for k in ("lr", "beta1", "beta2", "eps")})
        theta = ob.start(name, 0)
        s = adam.init(theta)
        for _ in range(ob.STEPS):
            theta, s = adam.step(theta, oracle.grad(theta), s)
        assert not np.allclose(theta, ob.optim_lib_trajectory(name, 0)[-1], rtol=1e-10, atol=1e-12)


# --- hand-computed steps ---------------------------------------------------------------------


def test_amsgrad_keeps_the_largest_raw_v_and_divides_by_the_current_correction():
    opt = ol.AMSGrad(lr=0.1, beta1=0.0, beta2=0.5, eps=0.0)
    theta = np.array([0.0])
    s = opt.init(theta)
    theta, s = opt.step(theta, np.array([2.0]), s)  # v1 = 2, v̂ = 2/0.5 = 4, step 0.1·2/2
    np.testing.assert_allclose(theta, [-0.1])
    theta, s = opt.step(theta, np.array([0.0]), s)  # v2 = 1 < v_max = 2; m = 0: no move
    np.testing.assert_allclose(s.v_max, [2.0])
    np.testing.assert_allclose(s.v, [1.0])
    theta, s = opt.step(theta, np.array([1.0]), s)  # v3 = 1, v_max = 2, v̂ = 2/(1-0.125)
    np.testing.assert_allclose(theta, [-0.1 - 0.1 * 1.0 / np.sqrt(2.0 / 0.875)])


def test_adamw_decays_then_takes_adams_step():
    theta0 = np.array([1.0, -2.0])
    g = np.array([0.5, 3.0])
    opt = ol.AdamW(lr=0.1, weight_decay=0.5, eps=0.0)
    theta, _ = opt.step(theta0, g, opt.init(theta0))
    np.testing.assert_allclose(theta, theta0 * (1 - 0.05) - 0.1 * np.sign(g))  # t=1: m̂/√v̂ = sign g
    no_decay = ol.AdamW(lr=0.1, weight_decay=0.0)
    adam = ol.Adam(lr=0.1)
    np.testing.assert_array_equal(no_decay.step(theta0, g, no_decay.init(theta0))[0], adam.step(theta0, g, adam.init(theta0))[0])


def test_nadam_first_step():
    b1, b2, psi, lr, eps = 0.9, 0.999, 4e-3, 0.01, 1e-8
    g = np.array([0.3, -2.0])
    opt = ol.NAdam(lr=lr, beta1=b1, beta2=b2, eps=eps, momentum_decay=psi)
    theta, s = opt.step(np.zeros(2), g, opt.init(np.zeros(2)))
    mu1 = b1 * (1 - 0.5 * 0.96**psi)
    mu2 = b1 * (1 - 0.5 * 0.96 ** (2 * psi))
    D = np.abs(g) + eps  # √(v₁/(1−β₂)) = |g|
    expected = -lr * (1 - mu1) / (1 - mu1) * g / D - lr * mu2 / (1 - mu1 * mu2) * (1 - b1) * g / D
    np.testing.assert_allclose(theta, expected, rtol=1e-14)
    np.testing.assert_allclose(s.mu_product, [mu1, mu1])


def test_lion_hand_steps():
    opt = ol.Lion(lr=0.1, beta1=0.9, beta2=0.99, weight_decay=0.5)
    theta = np.array([1.0, -1.0, 2.0])
    s = opt.init(theta)
    theta, s = opt.step(theta, np.array([3.0, 0.0, -0.2]), s)
    # c = 0.1 g → sign = (1, 0, −1); θ = θ0 − 0.1 (sign + 0.5 θ0)
    np.testing.assert_allclose(theta, [1 - 0.1 * 1.5, -1 - 0.1 * (0 - 0.5), 2 - 0.1 * (-1 + 1.0)])
    np.testing.assert_allclose(s.m, [0.03, 0.0, -0.002])
    theta1 = theta
    theta, s = opt.step(theta, np.array([-1.0, 1.0, 0.0]), s)
    # c = 0.9 m + 0.1 g = (0.027 − 0.1, 0.1, −0.0018) → sign (−1, 1, −1)
    np.testing.assert_allclose(theta, theta1 - 0.1 * (np.array([-1.0, 1.0, -1.0]) + 0.5 * theta1))
    np.testing.assert_allclose(s.m, [0.99 * 0.03 - 0.01, 0.01, 0.99 * -0.002])


def _lion_pytorch():
    return require("lion_pytorch")


@pytest.mark.parametrize("seed", oracle.SEEDS)
def test_lion_matches_lion_pytorch(seed):
    torch, lion_pytorch = _torch(), _lion_pytorch()
    rng = np.random.default_rng(300 + seed)
    hp = {"lr": float(rng.uniform(1e-3, 0.05)), "beta1": float(rng.uniform(0.5, 0.99)),
          "beta2": float(rng.uniform(0.9, 0.999)), "weight_decay": float(rng.uniform(0.0, 1.0))}
    theta = oracle.start(seed)
    p = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    ref = lion_pytorch.Lion([p], lr=hp["lr"], betas=(hp["beta1"], hp["beta2"]), weight_decay=hp["weight_decay"])
    opt = ol.Lion(**hp)
    s = opt.init(theta)
    ours, theirs = [theta], [theta]
    for _ in range(ob.STEPS):
        p.grad = torch.from_numpy(oracle.grad(p.detach().numpy().copy()))
        ref.step()
        theirs.append(p.detach().numpy().copy())
        theta, s = opt.step(theta, oracle.grad(theta), s)
        ours.append(theta)
    np.testing.assert_allclose(np.array(ours), np.array(theirs), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(s.m, ref.state[p]["exp_avg"].numpy(), rtol=1e-12, atol=1e-14)
    assert np.max(np.abs(ours[-1] - ours[0])) > 0.1  # the runs went somewhere


def test_newton_schulz_keeps_singular_vectors_and_pushes_values_towards_one():
    rng = np.random.default_rng(0)
    for shape in [(4, 6), (6, 4), (8, 8), (3, 10)]:
        G = rng.normal(size=shape)
        O = ol.newton_schulz(G, 5, 1e-7)
        assert O.shape == shape
        U, _, Vt = np.linalg.svd(G, full_matrices=False)
        S = U.T @ O @ Vt.T  # diagonal if O = U S' Vᵀ
        assert np.abs(S - np.diag(np.diag(S))).max() < 1e-10
        assert np.all((np.diag(S) > 0.6) & (np.diag(S) < 1.25))
    np.testing.assert_array_equal(ol.newton_schulz(np.zeros((2, 3)), 5, 1e-7), np.zeros((2, 3)))


def test_muon_step_size_and_shape_scaling():
    """With zero momentum and no decay, θ moves by lr·√max(1, rows/cols)·NS(g)."""
    g = np.random.default_rng(1).normal(size=(6, 3))
    opt = ol.Muon(lr=0.1, momentum=0.0, weight_decay=0.0)
    theta, _ = opt.step(np.zeros((6, 3)), g, opt.init(np.zeros((6, 3))))
    np.testing.assert_allclose(theta, -0.1 * np.sqrt(2.0) * ol.newton_schulz(g, 5, 1e-7), rtol=1e-14)


# --- contract: bad input, shapes, purity, dtype, batching --------------------------------------

BAD = {
    ol.AMSGrad: {"lr": -1.0, "beta1": 1.0, "beta2": -0.1, "eps": -1e-8},
    ol.AdamW: {"lr": -1.0, "beta1": 1.0, "beta2": 1.5, "eps": float("nan"), "weight_decay": -0.1},
    ol.NAdam: {"lr": -1.0, "beta1": 1.0, "beta2": 1.0, "eps": -1.0, "momentum_decay": -1e-3},
    ol.Lion: {"lr": -1.0, "beta1": 1.5, "beta2": -0.5, "weight_decay": -1.0},
    ol.Muon: {"lr": -1.0, "momentum": 1.0, "nesterov": "yes", "weight_decay": -0.1, "ns_steps": 0, "eps": 0.0},
}


@pytest.mark.parametrize("cls", list(BAD), ids=lambda c: c.__name__)
def test_bad_hyperparameters_name_the_argument(cls):
    for arg, value in BAD[cls].items():
        with pytest.raises(ValueError, match=arg):
            cls(**{arg: value})
        with pytest.raises(ValueError, match=arg):
            cls(**{arg: None})


def test_muon_refuses_non_matrices_and_array_hyperparameters():
    opt = ol.Muon()
    for shape in [(3,), (2, 3, 4), ()]:
        with pytest.raises(ValueError, match="2-D"):
            opt.init(np.zeros(shape))
        with pytest.raises(ValueError, match="2-D"):
            opt.step(np.zeros(shape), np.zeros(shape), ol.optimizers.muon.MuonState(np.zeros(shape)))
    with pytest.raises(ValueError, match="lr"):
        ol.Muon(lr=np.array([0.1, 0.2]))
    with pytest.raises(ValueError, match="ns_steps"):
        ol.Muon(ns_steps=2.5)
    with pytest.raises(ValueError, match="ns_steps"):
        ol.Muon(ns_steps=100)


def _make(cls):
    return cls(lr=0.01) if cls is not ol.Muon else cls(lr=0.01, momentum=0.9)


@pytest.mark.parametrize("cls", list(BAD), ids=lambda c: c.__name__)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pure_and_keeps_dtype(cls, dtype):
    rng = np.random.default_rng(0)
    theta = rng.normal(size=(3, 4)).astype(dtype)
    g = rng.normal(size=(3, 4)).astype(dtype)
    opt = _make(cls)
    state = opt.init(theta)
    t0, g0, s0 = theta.copy(), g.copy(), [np.copy(f) for f in state]
    new, new_state = opt.step(theta, g, state)
    np.testing.assert_array_equal(theta, t0)
    np.testing.assert_array_equal(g, g0)
    for a, b in zip(state, s0):
        np.testing.assert_array_equal(a, b)
    assert new.dtype == dtype and new.shape == theta.shape
    for f in new_state:
        if isinstance(f, np.ndarray):
            assert f.dtype == dtype
    assert np.all(np.isfinite(new)) and not np.array_equal(new, theta)


@pytest.mark.parametrize("cls", [ol.AMSGrad, ol.AdamW, ol.NAdam, ol.Lion], ids=lambda c: c.__name__)
def test_array_hyperparameters_equal_separate_runs(cls):
    lrs = np.array([0.01, 0.05, 0.2])[:, None]
    theta = np.tile(oracle.start(0), (3, 1))
    batched = cls(lr=lrs)
    s = batched.init(theta)
    for _ in range(30):
        theta, s = batched.step(theta, oracle.grad(theta), s)
    for i, lr in enumerate(lrs[:, 0]):
        single = cls(lr=float(lr))
        x = oracle.start(0)
        ss = single.init(x)
        for _ in range(30):
            x, ss = single.step(x, oracle.grad(x), ss)
        np.testing.assert_allclose(theta[i], x, rtol=1e-14, atol=1e-15)


def test_exports():
    for name in ("AMSGrad", "AdamW", "NAdam", "Lion", "Muon", "newton_schulz"):
        assert name in ol.__all__ and hasattr(ol, name)
