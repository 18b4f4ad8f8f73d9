"""How much the study's numbers depend on floating-point rounding: `make study` runs this last.

    python tests/other_kernel.py studies/optimizer_comparison/rounding.py [--out rounding.csv]

Every row of results.csv is retrained from its recorded configuration and seed, batched as run.py
batches it (the trials of one optimizer on one problem together, its retraining seeds together),
under the portability environment of tests/other_kernel.py: another OpenBLAS kernel, one BLAS
thread and numpy's run-time SIMD loops switched off. Those change the last bits of matrix products
and of exp and tanh, as another machine would. Most runs end with validation and test metrics
within 10⁻⁹ (relative) of the recorded ones; a run near its stability limit can end somewhere else. rounding.csv
holds one row per row of results.csv (problem, optimizer, trial, seed and the retrained metrics),
and the "which optimizer" chapter and tests/test_study.py read it. About 4 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import study  # noqa: E402

COLUMNS = ["problem", "optimizer", "trial", "seed", "train_loss", "val_loss", "val_acc", "test_loss", "test_acc",
           "diverged"]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", default=str(HERE / "results.csv"))
    ap.add_argument("--out", default=str(HERE / "rounding.csv"))
    args = ap.parse_args(argv)
    if os.environ.get("NBVAL_OTHER_KERNEL") != "1":
        raise SystemExit("rounding.py measures the other kernel: run it as "
                         "`python tests/other_kernel.py studies/optimizer_comparison/rounding.py`")
    with open(args.results, newline="") as f:
        rows = list(csv.DictReader(f))
    groups = defaultdict(list)  # (problem, optimizer, trials or seeds) -> row indices, in file order
    for i, r in enumerate(rows):
        groups[r["problem"], r["optimizer"], r["seed"] == "0"].append(i)
    out_rows, t0 = [None] * len(rows), time.perf_counter()
    for j, key in enumerate(groups):
        batch = [rows[i] for i in groups[key]]
        out = study.train(key[0], key[1], [study.config_of(r) for r in batch], [int(r["seed"]) for r in batch],
                          int(batch[0]["steps"]))
        for b, i in enumerate(groups[key]):
            r = {k: rows[i][k] for k in ("problem", "optimizer", "trial", "seed")}
            r.update({k: float(out[k][b]) for k in ("train_loss", "val_loss", "val_acc", "test_loss", "test_acc")})
            r["diverged"] = int(out["diverged"][b])
            out_rows[i] = r
        el = time.perf_counter() - t0
        print(f"[{j + 1}/{len(groups)}] {key[0]:18s} {key[1]:9s} {'trials' if key[2] else 'seeds':6s} "
              f"{el / 60:5.1f} min", file=sys.stderr, flush=True)
    study.write(Path(args.out), COLUMNS, out_rows)


if __name__ == "__main__":
    main()
