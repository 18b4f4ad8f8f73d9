"""RMSprop with momentum as the RMSprop chapter writes it equals torch.optim.RMSprop(momentum=μ).

    v_t = ρ v_{t-1} + (1 − ρ) g_t²,  b_t = μ b_{t-1} + g_t / (√v_t + ε)  (b_0 = 0),  θ_t = θ_{t-1} − η b_t
"""

import os

import numpy as np
import pytest

import oracle

if os.environ.get("REQUIRE_TORCH") == "1":
    import torch
else:
    torch = pytest.importorskip("torch")


@pytest.mark.parametrize("seed", oracle.SEEDS)
def test_chapter_equation_matches_torch_rmsprop_with_momentum(seed):
    rng = np.random.default_rng(seed)
    lr, rho, mu, eps = float(rng.uniform(0.001, 0.02)), float(rng.uniform(0.8, 0.99)), float(rng.uniform(0.5, 0.95)), 1e-8
    theta = oracle.start(seed)
    v = np.zeros_like(theta)
    b = np.zeros_like(theta)
    p = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.RMSprop([p], lr=lr, alpha=rho, eps=eps, momentum=mu)
    for _ in range(200):
        g = oracle.grad(theta)
        v = rho * v + (1 - rho) * g**2
        b = mu * b + g / (np.sqrt(v) + eps)
        theta = theta - lr * b
        p.grad = torch.from_numpy(oracle.grad(p.detach().numpy().copy()))
        opt.step()
    np.testing.assert_allclose(theta, p.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert np.max(np.abs(theta - oracle.start(seed))) > 0.1
