"""Why the study's networks fall short of the published MNIST-1D accuracies: the reference recipe in
our numpy code, and a 2 × 2 ablation of model and budget. The second half of `make study` (about 15 minutes on 2 shared cores, as the README says).

    python studies/mnist1d_baselines/run.py [--seeds 3] [--cells a,b] [--out baselines.csv]

The reference recipe is the MNIST-1D repository's own training code (greydanus/mnist1d,
notebooks/train.py and notebooks/models.py; the pip package ships only the data generator): Adam
with η = 0.01, β = (0.9, 0.999), ε = 1e-8, no weight decay, a constant η, minibatches of 100, and
8000 steps (``get_model_args``: total_steps 8000; its benchmark notebook uses 6000). Its models:

* the MLP, 40–100–100–10 with ReLU and a skip connection around the second layer
  (``optim_lib.problems.mlp.ResidualMLP``, 15 210 parameters);
* the CNN, three convolutions of 25 channels (5 taps with stride 2, then 3 taps with stride 2
  twice, zero padding 1), ReLU after each, and a linear layer on the 125 flattened features
  (``optim_lib.problems.cnn.ConvNet1D``, 5210 parameters);

both with PyTorch's default initialization. The study's models (``study.PROBLEMS``) are the MLP
without the skip connection, He-initialized, and a CNN of two convolutions of 8 and 16 channels
with average pooling (1834 parameters).

Every cell trains with the reference optimizer (Adam, η = 0.01, constant): only the model and the
budget change. The reference budget is 8000 steps of 100 examples, the study's 1000 steps of 32,
a twenty-fifth of the examples seen. Both draw their minibatches epoch by epoch from seeded
permutations (the reference cycles through the training set in a fixed order). The 2 × 2 cells
train on the study's 3000 training examples (the other 1000 are its validation set); two more
cells train the reference models with the reference budget on all 4000, as the repository does.
Seeds 1, 2, 3 change the initialization and the minibatch order. The test accuracy is also
recorded every 250 steps (every 50 for the study's budget) for the chapter's figure; nothing is
chosen on it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "optimizer_comparison"))
import study  # noqa: E402

import optim_lib as ol  # noqa: E402
from optim_lib.problems.cnn import CNN1D, ConvNet1D  # noqa: E402
from optim_lib.problems.mlp import BatchedMLP, ResidualMLP  # noqa: E402

LR = 0.01
BUDGETS = {"reference": (8000, 100, 250), "study": (1000, 32, 50)}  # steps, batch size, evaluate every
MODELS = {
    "reference-mlp": lambda: ResidualMLP((40, 100, 100, 10)),
    "study-mlp": lambda: BatchedMLP((40, 100, 100, 10), "relu"),
    "reference-cnn": lambda: ConvNet1D(40, ((25, 5, 2, 1), (25, 3, 2, 1), (25, 3, 2, 1))),
    "study-cnn": lambda: CNN1D(length=40, channels=(8, 16), kernel=5, strides=(2, 1)),
}
# (cell name, model, budget, training set size)
CELLS = [(f"{m}/{b}/{n}", m, b, n) for m in MODELS for b in BUDGETS for n in (3000,)] + \
        [(f"{m}/reference/4000", m, "reference", 4000) for m in ("reference-mlp", "reference-cnn")]
COLUMNS = ["cell", "model", "budget", "train_size", "seed", "steps", "batch_size", "lr", "params",
           "train_loss", "val_loss", "val_acc", "test_loss", "test_acc"]
CURVE_COLUMNS = ["cell", "seed", "step", "test_acc"]


def train_size_data(n: int) -> study.Data:
    """The study's split (3000 train, 1000 validation) or the reference's (all 4000 train; the
    validation arrays are then the study's, which the training has seen)."""
    d = study.mnist1d()
    if n == 3000:
        return d
    return study.Data(np.concatenate([d.X_train, d.X_val]), np.concatenate([d.y_train, d.y_val]),
                      d.X_val, d.y_val, d.X_test, d.y_test)


def train_cell(model_name: str, budget: str, n_train: int, seeds: list[int]) -> dict:
    """Train one model per seed, all as one batch, with the reference optimizer."""
    steps, bs, every = BUDGETS[budget]
    model, data = MODELS[model_name](), train_size_data(n_train)
    B = len(seeds)
    theta = np.stack([model.init_params(seed=study.init_seed(s)) for s in seeds])
    orders = np.stack([study.batch_order(s, len(data.y_train), steps, bs) for s in seeds], axis=1)
    opt = ol.Adam(lr=LR)
    state = opt.init(theta)
    curve, curve_steps = [], []
    for t in range(1, steps + 1):
        idx = orders[t - 1]
        _, g = model.loss_grad(theta, data.X_train[idx], data.y_train[idx])
        theta, state = opt._step_unchecked(theta, g, state)
        if t % every == 0:
            curve.append(model.evaluate(theta, data.X_test, data.y_test)[1])
            curve_steps.append(t)
    out = {"steps": steps, "batch_size": bs, "params": model.dim, "curve": np.array(curve), "curve_steps": curve_steps}
    for split in ("train", "val", "test"):
        out[f"{split}_loss"], out[f"{split}_acc"] = model.evaluate(theta, getattr(data, f"X_{split}"), getattr(data, f"y_{split}"))
    if n_train != 3000:
        out["val_loss"], out["val_acc"] = np.full(B, np.nan), np.full(B, np.nan)  # seen in training
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--cells", default=",".join(c[0] for c in CELLS))
    ap.add_argument("--out", default=str(HERE / "baselines.csv"))
    args = ap.parse_args(argv)
    wanted = args.cells.split(",")
    cells = [c for c in CELLS if c[0] in wanted]
    seeds = list(range(1, args.seeds + 1))
    rows, curves = [], []
    out_path = Path(args.out)
    curve_path = out_path.with_name(out_path.stem + "_curves.csv")
    t0 = time.perf_counter()
    for j, (cell, m, b, n) in enumerate(cells):
        out = train_cell(m, b, n, seeds)
        for i, s in enumerate(seeds):
            r = {"cell": cell, "model": m, "budget": b, "train_size": n, "seed": s, "steps": out["steps"],
                 "batch_size": out["batch_size"], "lr": LR, "params": out["params"]}
            for k in ("train_loss", "val_loss", "val_acc", "test_loss", "test_acc"):
                r[k] = float(out[k][i])
            rows.append(r)
            curves += [{"cell": cell, "seed": s, "step": st, "test_acc": float(out["curve"][k, i])}
                       for k, st in enumerate(out["curve_steps"])]
        study.write(out_path, COLUMNS, rows)
        study.write(curve_path, CURVE_COLUMNS, curves)
        print(f"[{j + 1}/{len(cells)}] {cell:28s} test acc {np.mean(out['test_acc']):.3f}"
              f"  {(time.perf_counter() - t0) / 60:5.1f} min", file=sys.stderr, flush=True)


if __name__ == "__main__":
    with threadpool_limits(1, user_api="blas"):
        main()
