"""The comparison setting shared by the golden-file generator and the tests.

A 5-parameter objective whose gradient depends on the parameters (so errors in the state
would feed back), random hyperparameters drawn from a seeded generator, 200 float64 steps.
Both torch and optim_lib are driven by the same numpy gradient, so the comparison is about
the update arithmetic alone.
"""

from __future__ import annotations

import numpy as np

STEPS = 200
DIM = 5
SEEDS = (0, 1, 2)

_D = np.array([0.5, 1.0, 1.5, 2.0, 3.0])
_C = np.array([1.0, -2.0, 0.5, 3.0, -1.0])


def grad(theta: np.ndarray) -> np.ndarray:
    """g(θ) = D (θ − c) + 0.3 tanh(θ): smooth, parameter dependent, never exactly zero."""
    return _D * (theta - _C) + 0.3 * np.tanh(theta)


def start(seed: int) -> np.ndarray:
    return np.random.default_rng(1000 + seed).normal(scale=2.0, size=DIM)


def hyperparameters(name: str, seed: int) -> dict[str, float]:
    """Random hyperparameters for optimizer ``name`` (optim_lib keyword names)."""
    rng = np.random.default_rng(seed)
    u = lambda lo, hi: float(rng.uniform(lo, hi))  # noqa: E731
    logu = lambda lo, hi: float(10 ** rng.uniform(np.log10(lo), np.log10(hi)))  # noqa: E731
    return {
        "SGD": lambda: {"lr": u(0.01, 0.2)},
        "Momentum": lambda: {"lr": u(0.005, 0.05), "momentum": u(0.5, 0.95)},
        "Nesterov": lambda: {"lr": u(0.005, 0.05), "momentum": u(0.5, 0.95)},
        "AdaGrad": lambda: {"lr": u(0.05, 0.5), "eps": logu(1e-10, 1e-1)},
        "RMSprop": lambda: {"lr": u(0.001, 0.05), "rho": u(0.8, 0.999), "eps": logu(1e-8, 1e-1)},
        "AdaDelta": lambda: {"lr": u(0.5, 2.0), "rho": u(0.8, 0.99), "eps": logu(1e-6, 1e-2)},
        "Adam": lambda: {"lr": u(0.005, 0.1), "beta1": u(0.5, 0.95), "beta2": u(0.9, 0.9999), "eps": logu(1e-8, 1e-1)},
    }[name]()


def torch_optimizer(name: str, param, hp: dict[str, float]):
    """The torch.optim optimizer that optim_lib's ``name`` must equal, with the same hyperparameters."""
    import torch

    o = torch.optim
    return {
        "SGD": lambda: o.SGD([param], lr=hp.get("lr")),
        "Momentum": lambda: o.SGD([param], lr=hp.get("lr"), momentum=hp.get("momentum")),
        "Nesterov": lambda: o.SGD([param], lr=hp.get("lr"), momentum=hp.get("momentum"), nesterov=True),
        "AdaGrad": lambda: o.Adagrad([param], lr=hp.get("lr"), eps=hp.get("eps")),
        "RMSprop": lambda: o.RMSprop([param], lr=hp.get("lr"), alpha=hp.get("rho"), eps=hp.get("eps")),
        "AdaDelta": lambda: o.Adadelta([param], lr=hp.get("lr"), rho=hp.get("rho"), eps=hp.get("eps")),
        "Adam": lambda: o.Adam(
            [param], lr=hp.get("lr"), betas=(hp.get("beta1"), hp.get("beta2")), eps=hp.get("eps")
        ),
    }[name]()


def torch_trajectory(name: str, seed: int) -> np.ndarray:
    """θ_0 … θ_STEPS under torch.optim, float64 on the CPU (its default single-tensor path)."""
    import torch

    hp = hyperparameters(name, seed)
    p = torch.tensor(start(seed), dtype=torch.float64, requires_grad=True)
    opt = torch_optimizer(name, p, hp)
    out = [p.detach().numpy().copy()]
    for _ in range(STEPS):
        opt.zero_grad()
        p.grad = torch.from_numpy(grad(p.detach().numpy().copy()))
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


def optim_lib_trajectory(name: str, seed: int) -> np.ndarray:
    """The same run with optim_lib."""
    import optim_lib

    opt = getattr(optim_lib, name)(**hyperparameters(name, seed))
    theta = start(seed)
    state = opt.init(theta)
    out = [theta]
    for _ in range(STEPS):
        theta, state = opt.step(theta, grad(theta), state)
        out.append(theta)
    return np.array(out)


OPTIMIZERS = ("SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "AdaDelta", "Adam")
