"""optim_lib reproduces torch.optim's trajectories stored in tests/golden (no torch needed)."""

import pathlib

import numpy as np
import pytest

import oracle

GOLDEN = pathlib.Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", oracle.OPTIMIZERS)
def test_matches_golden_torch_trajectory(name):
    data = np.load(GOLDEN / f"{name}.npz")
    expected = data["paths"]
    assert expected.shape == (len(oracle.SEEDS), oracle.STEPS + 1, oracle.DIM)
    for i, seed in enumerate(oracle.SEEDS):
        ours = oracle.optim_lib_trajectory(name, seed)
        np.testing.assert_allclose(ours, expected[i], rtol=1e-10, atol=1e-12, err_msg=f"{name}, seed {seed}")
        # the run must actually move, or the comparison proves nothing
        assert np.max(np.abs(expected[i][-1] - expected[i][0])) > 0.1
