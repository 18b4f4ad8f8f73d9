"""Run the optimizer study and write results.csv (and curves.csv): `make study`.

    python studies/optimizer_comparison/run.py [--trials 16] [--seeds 5] [--problems a,b] [--optimizers a,b]

For every problem and optimizer: the trials (seed 0) as one batched run, the selection on
validation accuracy, then the selected configuration retrained from seeds 1..S as one batched
run. A progress line goes to stderr. The files are rewritten after every optimizer, so an
interrupted run leaves what it has finished.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import study  # noqa: E402


def rows_of(problem, name, configs, trial_ids, seeds, out):
    rows = []
    for b, (c, tr, s) in enumerate(zip(configs, trial_ids, seeds)):
        r = {"problem": problem, "optimizer": name, "trial": tr, "seed": s, **c}
        for k in ("train_loss", "val_loss", "val_acc", "test_loss", "test_acc"):
            r[k] = float(out[k][b])
        for k in ("steps", "steps_to_target", "diverged"):
            r[k] = int(out[k][b])
        rows.append(r)
    return rows


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=16)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--problems", default=",".join(study.PROBLEMS))
    ap.add_argument("--optimizers", default=",".join(study.OPTIMIZERS))
    ap.add_argument("--steps", type=int, default=None, help="override every problem's step budget (for a quick look)")
    ap.add_argument("--out", default=str(HERE / "results.csv"))
    args = ap.parse_args(argv)
    problems, names = args.problems.split(","), args.optimizers.split(",")
    out_path = Path(args.out)
    curve_path = out_path.with_name(out_path.stem.replace("results", "curves") + ".csv")
    if curve_path == out_path:
        curve_path = out_path.with_name("curves.csv")
    results, curves = [], []
    jobs = [(p, n) for p in problems for n in names]
    t0 = time.perf_counter()
    for j, (problem, name) in enumerate(jobs):
        configs = study.trials(name, args.trials)
        out = study.train(problem, name, configs, [0] * len(configs), args.steps)
        trial_rows = rows_of(problem, name, configs, range(len(configs)), [0] * len(configs), out)
        best = study.select(trial_rows)
        seeds = list(range(1, args.seeds + 1))
        out_s = study.train(problem, name, [configs[best]] * len(seeds), seeds, args.steps)
        seed_rows = rows_of(problem, name, [configs[best]] * len(seeds), [best] * len(seeds), seeds, out_s)
        results += trial_rows + seed_rows
        for o, rws in ((out, trial_rows), (out_s, seed_rows)):
            for b, r in enumerate(rws):
                for k, step in enumerate(o["curve_steps"]):
                    curves.append({"problem": problem, "optimizer": name, "trial": r["trial"], "seed": r["seed"],
                                   "step": int(step), "val_acc": float(o["curve"][k, b])})
        study.write(out_path, study.COLUMNS, results)
        study.write(curve_path, ["problem", "optimizer", "trial", "seed", "step", "val_acc"], curves)
        el = time.perf_counter() - t0
        acc = np.array([r["test_acc"] for r in seed_rows])
        print(f"[{j + 1}/{len(jobs)}] {problem:18s} {name:9s} trial {best:2d}  test acc {np.nanmean(acc):.3f}"
              f"  {el / 60:5.1f} min, about {el / (j + 1) * (len(jobs) - j - 1) / 60:4.1f} min left",
              file=sys.stderr, flush=True)


if __name__ == "__main__":
    with threadpool_limits(1, user_api="blas"):  # small matrices: one BLAS thread is faster, and shares the machine
        main()
