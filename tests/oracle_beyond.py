"""The comparison setting for AMSGrad, AdamW, NAdam and Muon.

Mirrors tests/oracle.py: the same 5-parameter objective for the vector optimizers, and for
Muon (2-D parameters only) a 4×6 / 6×4 matrix objective whose gradient depends on the
parameters; random hyperparameters from a seeded generator; 200 float64 steps. torch and
optim_lib are driven by the same numpy gradient, so only the update arithmetic is compared.

Muon: torch.optim.Muon runs Newton–Schulz in bfloat16, which no float64 reference can match.
``torch_trajectory`` therefore replaces ``torch.optim._muon._zeropower_via_newtonschulz`` by a
float64 transcription of torch's own loop (same coefficients, same transposition rule, same
norm clamp, same ``addmm`` order) for the duration of the run; everything else (buffer, Nesterov
lerp, learning-rate adjustment, decay) is torch's code. Muon's learning rates are kept small
(≤ 0.008) so that 200 steps are still descending: near the minimum a constant-size orthogonalized
step bounces, and Newton–Schulz of a nearly rank-deficient U amplifies rounding differences
chaotically (with lr ≈ 0.04 the float64 runs part after ~100 steps).

NAdam: torch stores ``mu_product`` in the default scalar dtype, float32 unless the default
dtype is float64, which costs 1e-8 relative accuracy. The torch runs here set the default dtype
to float64 (restored afterwards), so every torch quantity is float64.
"""

from __future__ import annotations

import contextlib

import numpy as np

import oracle

STEPS = oracle.STEPS
SEEDS = oracle.SEEDS
OPTIMIZERS = ("AMSGrad", "AdamW", "NAdam", "Muon")

# Muon's matrix objective: g(Θ) = D ⊙ (Θ − C) + 0.3 tanh(Θ) + 0.1 (Θ Θᵀ) Θ (couples the entries)
MUON_SHAPES = {0: (4, 6), 1: (6, 4), 2: (5, 5)}


def muon_grad(theta: np.ndarray) -> np.ndarray:
    rows, cols = theta.shape
    D = 0.5 + np.arange(rows * cols, dtype=float).reshape(rows, cols) / (rows * cols)
    C = np.cos(np.arange(rows * cols, dtype=float)).reshape(rows, cols)
    return D * (theta - C) + 0.3 * np.tanh(theta) + 0.1 * (theta @ theta.T) @ theta


def grad_for(name: str):
    return muon_grad if name == "Muon" else oracle.grad


def start(name: str, seed: int) -> np.ndarray:
    if name == "Muon":
        return np.random.default_rng(2000 + seed).normal(scale=1.0, size=MUON_SHAPES[seed])
    return oracle.start(seed)


def hyperparameters(name: str, seed: int) -> dict:
    rng = np.random.default_rng(100 + seed)
    u = lambda lo, hi: float(rng.uniform(lo, hi))  # noqa: E731
    logu = lambda lo, hi: float(10 ** rng.uniform(np.log10(lo), np.log10(hi)))  # noqa: E731
    return {
        "AMSGrad": lambda: {"lr": u(0.005, 0.1), "beta1": u(0.5, 0.95), "beta2": u(0.9, 0.9999), "eps": logu(1e-8, 1e-1)},
        "AdamW": lambda: {
            "lr": u(0.005, 0.1), "beta1": u(0.5, 0.95), "beta2": u(0.9, 0.9999), "eps": logu(1e-8, 1e-1),
            "weight_decay": u(0.01, 2.0),
        },
        "NAdam": lambda: {
            "lr": u(0.005, 0.1), "beta1": u(0.5, 0.95), "beta2": u(0.9, 0.9999), "eps": logu(1e-8, 1e-1),
            "momentum_decay": logu(1e-3, 1.0),
        },
        "Muon": lambda: {
            "lr": u(0.002, 0.008), "momentum": u(0.5, 0.97), "nesterov": bool(seed != 1),
            "weight_decay": u(0.0, 0.5), "ns_steps": int(rng.integers(3, 8)), "eps": logu(1e-9, 1e-6),
        },
    }[name]()


def _ns_float64(grad, ns_coefficients, ns_steps, eps):
    """torch's _zeropower_via_newtonschulz line for line, without the cast to bfloat16."""
    import torch

    a, b, c = ns_coefficients
    X = grad.to(torch.float64)
    if grad.size(0) > grad.size(1):
        X = X.T
    X = X / X.norm().clamp(min=eps)
    for _ in range(ns_steps):
        A = X @ X.T
        gram_update = torch.addmm(A, A, A, beta=b, alpha=c)
        X = torch.addmm(X, gram_update, X, beta=a)
    if grad.size(0) > grad.size(1):
        X = X.T
    return X


@contextlib.contextmanager
def float64_newton_schulz():
    """Temporarily replace torch.optim._muon._zeropower_via_newtonschulz by the float64 version."""
    import torch.optim._muon as tm

    original = tm._zeropower_via_newtonschulz
    tm._zeropower_via_newtonschulz = _ns_float64
    try:
        yield
    finally:
        tm._zeropower_via_newtonschulz = original


def torch_optimizer(name: str, param, hp: dict):
    import torch

    o = torch.optim
    betas = (hp.get("beta1"), hp.get("beta2"))
    return {
        "AMSGrad": lambda: o.Adam([param], lr=hp["lr"], betas=betas, eps=hp["eps"], amsgrad=True),
        "AdamW": lambda: o.AdamW([param], lr=hp["lr"], betas=betas, eps=hp["eps"], weight_decay=hp["weight_decay"]),
        "NAdam": lambda: o.NAdam([param], lr=hp["lr"], betas=betas, eps=hp["eps"], momentum_decay=hp["momentum_decay"]),
        "Muon": lambda: o.Muon(
            [param], lr=hp["lr"], momentum=hp["momentum"], nesterov=hp["nesterov"],
            weight_decay=hp["weight_decay"], ns_steps=hp["ns_steps"], eps=hp["eps"],
        ),
    }[name]()


def torch_trajectory(name: str, seed: int) -> np.ndarray:
    """θ_0 … θ_STEPS under torch.optim in float64 (Muon with the float64 Newton–Schulz patch)."""
    import torch

    hp = hyperparameters(name, seed)
    grad = grad_for(name)
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # NAdam's mu_product (and the step counters) in float64
    try:
        p = torch.tensor(start(name, seed), dtype=torch.float64, requires_grad=True)
        opt = torch_optimizer(name, p, hp)
        out = [p.detach().numpy().copy()]
        with float64_newton_schulz() if name == "Muon" else contextlib.nullcontext():
            for _ in range(STEPS):
                opt.zero_grad()
                p.grad = torch.from_numpy(grad(p.detach().numpy().copy()))
                opt.step()
                out.append(p.detach().numpy().copy())
    finally:
        torch.set_default_dtype(default)
    return np.array(out)


def optim_lib_trajectory(name: str, seed: int) -> np.ndarray:
    import optim_lib

    opt = getattr(optim_lib, name)(**hyperparameters(name, seed))
    grad = grad_for(name)
    theta = start(name, seed)
    state = opt.init(theta)
    out = [theta]
    for _ in range(STEPS):
        theta, state = opt.step(theta, grad(theta), state)
        out.append(theta)
    return np.array(out)
