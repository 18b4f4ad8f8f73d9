"""Regenerate tests/golden/*.npz from torch.optim (run: python tests/make_golden.py).

torch is a test oracle only: the files are committed, and the tests compare optim_lib with
them whether or not torch is installed. When torch is installed the tests also rerun torch
live (tests/test_torch_equivalence.py).
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import oracle  # noqa: E402

GOLDEN = pathlib.Path(__file__).parent / "golden"


def main(names=oracle.OPTIMIZERS) -> None:
    import torch

    GOLDEN.mkdir(exist_ok=True)
    for name in names:
        paths = np.stack([oracle.torch_trajectory(name, s) for s in oracle.SEEDS])
        np.savez_compressed(GOLDEN / f"{name}.npz", paths=paths, torch_version=str(torch.__version__))
        print(f"{name}: {paths.shape} from torch {torch.__version__}")


if __name__ == "__main__":
    main(sys.argv[1:] or oracle.OPTIMIZERS)
