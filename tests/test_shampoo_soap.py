"""Shampoo and SOAP against pytorch-optimizer (``pytorch_optimizer.Shampoo`` and ``SOAP``, test
oracles only: .ci/run installs pytorch-optimizer with torch), and by hand."""

import numpy as np
import pytest

import optim_lib as ol
import oracle_beyond as ob
from required import require

STEPS = 60


def _pytorch_optimizer():
    return require("torch"), require("pytorch_optimizer")


def _run_both(ours, theirs_factory, seed, steps=STEPS, share_bases=False):
    torch, _ = _pytorch_optimizer()
    theta = ob.start("Muon", seed)  # 4×6, 6×4 and 5×5 matrices; ob.muon_grad couples the entries
    p = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    ref = theirs_factory([p])
    s = ours.init(theta)
    a, b = [theta], [theta]
    for _ in range(steps):
        p.grad = torch.from_numpy(ob.muon_grad(p.detach().numpy().copy()))
        ref.step()
        b.append(p.detach().numpy().copy())
        theta, s = ours.step(theta, ob.muon_grad(theta), s)
        a.append(theta)
        if share_bases and s.t == 1:
            s = s._replace(QL=ref.state[p]["Q"][0].numpy().copy(), QR=ref.state[p]["Q"][1].numpy().copy())
    return np.array(a), np.array(b), s, ref, p


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_shampoo_matches_pytorch_optimizer(seed):
    torch, po = _pytorch_optimizer()
    hp = {"lr": [0.01, 0.02, 0.005][seed], "weight_decay": [0.0, 0.1, 0.01][seed],
          "preconditioning_compute_steps": [1, 3, 1][seed], "matrix_eps": [1e-6, 1e-4, 1e-3][seed]}
    a, b, s, ref, p = _run_both(ol.Shampoo(**hp), lambda ps: po.Shampoo(ps, momentum=0.0, **hp), seed)
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(s.L, ref.state[p]["pre_cond_0"].numpy(), rtol=1e-10)
    assert np.max(np.abs(a[-1] - a[0])) > 0.05  # the runs went somewhere


SOAP_NOTE = """At step 1 the statistics are (1 − β_s) g₁g₁ᵀ and (1 − β_s) g₁ᵀg₁. For a 4×6 or 6×4 matrix
the larger one has rank 4, so its eigenbasis is arbitrary within a 2-D null space, and numpy's
LAPACK and torch's pick different ones: SOAP's later steps genuinely depend on that choice (by
1e-4 here). The tests hand optim_lib the oracle's bases after step 1; the 5×5 runs (seed 2)
agree without that, which the last test checks. Step 2 also divides rounding noise (the
projected gradient is Σ, its off-diagonal entries are ~1e-17) by ε, so the runs agree to 1e-9, not 1e-12."""


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_soap_matches_pytorch_optimizer_between_basis_refreshes(seed):
    """With the bases computed once (eigh at step 1) and never refreshed, float64 throughout."""
    torch, po = _pytorch_optimizer()
    hp = {"lr": [3e-3, 1e-2, 5e-3][seed], "beta1": [0.95, 0.9, 0.8][seed], "beta2": [0.95, 0.99, 0.9][seed],
          "eps": 1e-8, "weight_decay": [0.01, 0.0, 0.1][seed]}
    a, b, s, ref, p = _run_both(
        ol.SOAP(precondition_frequency=1000, **hp),
        lambda ps: po.SOAP(ps, lr=hp["lr"], betas=(hp["beta1"], hp["beta2"]), eps=hp["eps"],
                           weight_decay=hp["weight_decay"], precondition_frequency=1000), seed, share_bases=True)
    np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(s.v, ref.state[p]["exp_avg_sq"].numpy(), rtol=1e-6, atol=1e-12)
    assert np.array_equal(a[1], a[0]) and np.max(np.abs(a[-1] - a[0])) > 0.05  # step 1 only gathers statistics


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_soap_matches_pytorch_optimizer_with_power_iteration_refreshes(seed, monkeypatch):
    """Bases refreshed every 5 steps by one power iteration (see SOAP_NOTE for the shared bases).
    pytorch-optimizer casts that QR's input to float32; the oracle here runs its own method's
    source with that one cast removed, so both are float64."""
    import inspect
    import textwrap

    torch, po = _pytorch_optimizer()
    src = textwrap.dedent(inspect.getsource(po.SOAP.get_orthogonal_matrix_qr))
    assert src.count("power_iter.to(torch.float32)") == 1
    namespace = dict(vars(inspect.getmodule(po.SOAP)))
    exec(src.replace("power_iter.to(torch.float32)", "power_iter"), namespace)
    monkeypatch.setattr(po.SOAP, "get_orthogonal_matrix_qr", namespace["get_orthogonal_matrix_qr"])
    a, b, s, ref, p = _run_both(
        ol.SOAP(lr=5e-3, precondition_frequency=5),
        lambda ps: po.SOAP(ps, lr=5e-3, precondition_frequency=5), seed, share_bases=True)
    np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-8)
    assert np.max(np.abs(a[-1] - a[0])) > 0.05


def test_soap_on_a_square_matrix_needs_no_shared_basis():
    _pytorch_optimizer()
    a, b, *_ = _run_both(ol.SOAP(lr=3e-3, precondition_frequency=1000),
                         lambda ps: _pytorch_optimizer()[1].SOAP(ps, lr=3e-3, precondition_frequency=1000), 2)
    np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-8)
    a4, b4, *_ = _run_both(ol.SOAP(lr=3e-3, precondition_frequency=1000),
                           lambda ps: _pytorch_optimizer()[1].SOAP(ps, lr=3e-3, precondition_frequency=1000), 0)
    assert np.max(np.abs(a4 - b4)) > 1e-6  # the 4×6 runs part: the null-space basis matters


def test_shampoo_by_hand_on_a_rank_one_gradient():
    """G = u vᵀ with unit u, v: L = ε I + u uᵀ, so L^(−1/4) u = (1 + ε)^(−1/4) u, and likewise for v:
    the step is −η (1 + ε)^(−1/2) u vᵀ, a step of length η in the direction of −G."""
    u = np.array([0.6, 0.8])
    v = np.array([1.0, 0.0, 0.0])
    G = np.outer(u, v)
    opt = ol.Shampoo(lr=0.1, matrix_eps=1e-6)
    theta, s = opt.step(np.zeros((2, 3)), G, opt.init(np.zeros((2, 3))))
    np.testing.assert_allclose(theta, -0.1 * (1 + 1e-6) ** -0.5 * G, rtol=1e-12)


def test_soap_with_identity_bases_is_adam_after_its_first_step():
    """A diagonal gradient keeps L and R diagonal, so Q_L, Q_R are permutations and SOAP is Adam
    shifted by the step that only gathers statistics. (SOAP's ε sits where Adam's ε/√(1 − β₂ᵏ)
    would, so both use a negligible ε here.)"""
    opt = ol.SOAP(lr=0.01, beta1=0.9, beta2=0.99, eps=1e-14, weight_decay=0.0, precondition_frequency=1000)
    adam = ol.Adam(lr=0.01, beta1=0.9, beta2=0.99, eps=1e-14)
    grad = lambda th: np.diag([3.0, 1.0, 0.5]) * (th - 1.0)  # noqa: E731  (off-diagonal entries stay 0)
    theta = np.diag([2.0, -1.0, 0.5])
    s = opt.init(theta)
    theta, s = opt.step(theta, grad(theta), s)
    ta, sa = theta.copy(), adam.init(theta)
    for _ in range(20):
        theta, s = opt.step(theta, grad(theta), s)
        ta, sa = adam.step(ta, grad(ta), sa)
    np.testing.assert_allclose(theta, ta, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("make, match", [
    (lambda: ol.Shampoo(lr=-1.0), r"lr must be"),
    (lambda: ol.Shampoo(preconditioning_compute_steps=0), r"preconditioning_compute_steps must be"),
    (lambda: ol.Shampoo(matrix_eps=0.0), r"matrix_eps must be"),
    (lambda: ol.Shampoo(lr=np.array([0.1, 0.2])), r"lr must be a scalar for Shampoo"),
    (lambda: ol.SOAP(beta1=1.0), r"beta1 must be"),
    (lambda: ol.SOAP(shampoo_beta=1.5), r"shampoo_beta must be"),
    (lambda: ol.SOAP(precondition_frequency=0), r"precondition_frequency must be"),
    (lambda: ol.SOAP().init(np.zeros(3)), r"params must be a 2-D matrix for SOAP"),
    (lambda: ol.Shampoo().init(np.zeros((2, 2, 2))), r"params must be a 2-D matrix for Shampoo"),
    (lambda: ol.Shampoo().step(np.zeros((2, 3)), np.zeros((2, 3)), ol.Shampoo().init(np.zeros((3, 2)))),
     r"state holds statistics for a 3×2 matrix, but params have shape \(2, 3\)"),
])
def test_bad_input_is_refused(make, match):
    with pytest.raises(ValueError, match=match):
        make()
