"""optim_lib against torch.optim, live: runs where torch is importable (CI installs it).

Set REQUIRE_TORCH=1 to make a missing torch a failure instead of a skip (.ci/run does).
"""

import os
import pathlib

import numpy as np
import pytest

import oracle

if os.environ.get("REQUIRE_TORCH") == "1":
    import torch  # noqa: F401  (an ImportError here fails the run, as it should)
else:
    torch = pytest.importorskip("torch")

GOLDEN = pathlib.Path(__file__).parent / "golden"


@pytest.mark.parametrize("seed", oracle.SEEDS)
@pytest.mark.parametrize("name", oracle.OPTIMIZERS)
def test_live_torch_equivalence(name, seed):
    theirs = oracle.torch_trajectory(name, seed)
    ours = oracle.optim_lib_trajectory(name, seed)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", oracle.OPTIMIZERS)
def test_golden_files_are_current(name):
    """The committed golden files are what this torch produces (regenerate with tests/make_golden.py)."""
    stored = np.load(GOLDEN / f"{name}.npz")["paths"]
    live = np.stack([oracle.torch_trajectory(name, s) for s in oracle.SEEDS])
    np.testing.assert_allclose(stored, live, rtol=1e-12, atol=1e-14)


def test_a_wrong_convention_is_detected():
    """The tolerance can tell conventions apart: ε inside the root differs from torch's Adam."""
    import torch as t

    hp = oracle.hyperparameters("Adam", 0)
    p = t.tensor(oracle.start(0), dtype=t.float64)
    p.requires_grad_(True)
    opt = t.optim.Adam([p], lr=hp["lr"], betas=(hp["beta1"], hp["beta2"]), eps=hp["eps"])
    theta = oracle.start(0)
    m = v = np.zeros_like(theta)
    for k in range(1, 51):
        g = oracle.grad(theta)
        opt.zero_grad()
        p.grad = t.from_numpy(oracle.grad(p.detach().numpy().copy()))
        opt.step()
        m = hp["beta1"] * m + (1 - hp["beta1"]) * g
        v = hp["beta2"] * v + (1 - hp["beta2"]) * g**2
        theta = theta - hp["lr"] * (m / (1 - hp["beta1"] ** k)) / np.sqrt(v / (1 - hp["beta2"] ** k) + hp["eps"])
    assert not np.allclose(theta, p.detach().numpy(), rtol=1e-10, atol=1e-12)
