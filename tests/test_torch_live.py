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


def _trajectory(opt, seed):
    theta = oracle.start(seed)
    state = opt.init(theta)
    out = [theta]
    for _ in range(oracle.STEPS):
        theta, state = opt.step(theta, oracle.grad(theta), state)
        out.append(theta)
    return np.array(out)


def test_a_wrong_convention_in_optim_lib_is_detected():
    """The tolerance of the live comparison tells conventions apart: optim_lib's own Adam.update,
    with one slip (ε inside the root, Keras's placement) compiled into an Adam subclass, fails it,
    while the unchanged Adam passes it on the same run."""
    import inspect
    import textwrap

    from optim_lib.optimizers import adam as adam_module

    source = textwrap.dedent(inspect.getsource(adam_module.Adam.update))
    slipped = source.replace("np.sqrt(v_hat) + self.eps", "np.sqrt(v_hat + self.eps)")
    assert slipped != source, "Adam.update no longer has the line this test changes"
    namespace = {}
    exec(compile(slipped, adam_module.__file__, "exec"), dict(vars(adam_module)), namespace)
    SlippedAdam = type("SlippedAdam", (adam_module.Adam,), {"update": namespace["update"]})

    hp = oracle.hyperparameters("Adam", 0)
    theirs = oracle.torch_trajectory("Adam", 0)
    np.testing.assert_allclose(_trajectory(adam_module.Adam(**hp), 0), theirs, rtol=1e-10, atol=1e-12)
    slipped_run = _trajectory(SlippedAdam(**hp), 0)
    assert not np.allclose(slipped_run, theirs, rtol=1e-10, atol=1e-12)
