"""Regenerate tests/golden/{AMSGrad,AdamW,NAdam,Muon}.npz from torch.optim
(run: python tests/make_golden_beyond.py [names]).

As tests/make_golden.py: torch is an oracle only; the files are committed and
tests/test_beyond.py compares optim_lib with them whether or not torch is installed. Muon's
file is made with torch's Newton–Schulz patched to float64 (see tests/oracle_beyond.py).
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import oracle_beyond  # noqa: E402

GOLDEN = pathlib.Path(__file__).parent / "golden"


def main(names=oracle_beyond.OPTIMIZERS) -> None:
    import torch

    GOLDEN.mkdir(exist_ok=True)
    for name in names:
        paths = [oracle_beyond.torch_trajectory(name, s) for s in oracle_beyond.SEEDS]
        arrays = {f"seed{s}": p for s, p in zip(oracle_beyond.SEEDS, paths)}
        np.savez_compressed(GOLDEN / f"{name}.npz", **arrays, torch_version=str(torch.__version__))
        print(f"{name}: {[p.shape for p in paths]} from torch {torch.__version__}")


if __name__ == "__main__":
    main(sys.argv[1:] or oracle_beyond.OPTIMIZERS)
