"""The optimizer study: problems, search spaces, quasi-random trials and a vectorized trainer.

Protocol (after Choi et al. 2019 and AlgoPerf, Dahl et al. 2023):

* every optimizer gets the same number of quasi-random trials (a Halton sequence) over all of
  its hyperparameters, each drawn log-uniformly (η, 1 − β, 1 − μ, 1 − ρ, weight decay), plus a
  choice of schedule (constant, or linear warmup over 5 % of the steps then cosine decay to 0);
* minibatch gradients, the same batch size and step budget for every optimizer on a problem;
* the trials run from seed 0 (the same initial network and minibatch order for all of them);
  the configuration with the best validation accuracy (ties: lower validation loss) is
  retrained from seeds 1, 2, …, each of which changes both the initialization and the
  minibatch order; the test set is only evaluated, never used to choose.

Every (problem, optimizer, trial, seed) is one row of results.csv, and ``train`` recomputes any
row from its recorded configuration and seed. All trials (or seeds) of one optimizer train as
one batched computation: row b of θ has its own hyperparameters and its own minibatches.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

import numpy as np

import optim_lib as ol
from optim_lib.problems.cnn import CNN1D
from optim_lib.problems.data import load_digits_split
from optim_lib.problems.mlp import BatchedMLP, MinibatchModel

BATCH_SIZE = 32
WARMUP = 0.05  # warmup fraction of the steps for the warmup-cosine schedule
BOUND = 1e6  # a run whose parameters leave |θ| ≤ BOUND, or turn non-finite, has diverged
PRIMES = (2, 3, 5, 7, 11, 13)


# ------------------------------------------------------------------------------------ data


@dataclass(frozen=True)
class Data:
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


@lru_cache(maxsize=None)
def mnist1d() -> Data:
    """MNIST-1D from its default arguments (4000 train, 1000 test, 40 samples each), generated
    locally by the mnist1d package; 1000 training examples, chosen with a seed-0 permutation,
    become the validation set."""
    import contextlib
    import io

    import mnist1d.data

    with contextlib.redirect_stdout(io.StringIO()):  # make_dataset prints what it does
        ds = mnist1d.data.make_dataset(mnist1d.data.get_dataset_args())
    X, y = np.asarray(ds["x"], np.float64), np.asarray(ds["y"], np.int64)
    order = np.random.default_rng(0).permutation(len(y))
    val, train = order[:1000], order[1000:]
    return Data(X[train], y[train], X[val], y[val], np.asarray(ds["x_test"], np.float64), np.asarray(ds["y_test"], np.int64))


@lru_cache(maxsize=None)
def digits() -> Data:
    """scikit-learn's digits (pixels / 16): 700 train, 300 validation, 797 test."""
    s = load_digits_split(n_train=1000, seed=0)
    return Data(s.X_train[:700], s.y_train[:700], s.X_train[700:], s.y_train[700:], s.X_test, s.y_test)


def with_noisy_labels(data: Data, fraction: float = 0.3, seed: int = 1) -> Data:
    """``fraction`` of the training and validation labels replaced by another class, drawn
    uniformly (the test labels stay clean): what a practitioner with noisy data would have."""
    rng = np.random.default_rng(seed)

    def flip(y):
        y = y.copy()
        f = rng.random(len(y)) < fraction
        y[f] = (y[f] + rng.integers(1, 10, f.sum())) % 10
        return y

    return Data(data.X_train, flip(data.y_train), data.X_val, flip(data.y_val), data.X_test, data.y_test)


@lru_cache(maxsize=None)
def digits_noisy() -> Data:
    return with_noisy_labels(digits())


# ------------------------------------------------------------------------------------ problems


@dataclass(frozen=True)
class Problem:
    name: str
    data: Callable[[], Data]
    model: Callable[[], MinibatchModel]
    steps: int
    eval_every: int
    target: float  # validation accuracy for steps_to_target
    published: Optional[float] = None  # published MNIST-1D test accuracy of this model class


PROBLEMS = {
    p.name: p
    for p in [
        Problem("mnist1d-mlp", mnist1d, lambda: BatchedMLP((40, 100, 100, 10), "relu"), 1000, 50, 0.45, 0.68),
        Problem("mnist1d-cnn", mnist1d, lambda: CNN1D(length=40, channels=(8, 16), kernel=5, strides=(2, 1)), 1000, 50, 0.60, 0.94),
        Problem("digits-mlp", digits, lambda: BatchedMLP((64, 32, 10), "tanh"), 600, 30, 0.90),
        Problem("digits-mlp-noisy", digits_noisy, lambda: BatchedMLP((64, 32, 10), "tanh"), 600, 30, 0.55),
        Problem("mnist1d-logreg", mnist1d, lambda: BatchedMLP((40, 10)), 1000, 50, 0.25, 0.32),
    ]
}


@lru_cache(maxsize=None)
def model_of(problem: str) -> MinibatchModel:
    return PROBLEMS[problem].model()


# ------------------------------------------------------------------------------------ search spaces

# Each hyperparameter: (column, kind, low, high). "log": log-uniform on [low, high]; "1-log": 1 − x
# with x log-uniform on [low, high] (for β, μ, ρ near 1); "choice": the schedule. The sampling scale
# of a value is u ∈ [0, 1], its place in [low, high] on that log scale (``position``).
#
# Why the ranges are what they are (the second run of the study, issue 14; the first run's ranges
# are in git history). The selected value of every hyperparameter must be interior: not within 5 %
# of an end of its range on the sampling scale (``INTERIOR_MARGIN``), unless that end is a natural
# bound, where the method reaches a limit whose effect the end already gives (``natural_ends``):
#
# * η (every method) and Muon's AdamW η: both ends artificial. The first run's four-decade ranges
#   held every selected η between 31 % and 88 % of the way up. Each range now spans five or six
#   decades (first run → now): SGD 1e-3–10 → 1e-3–100, AdaGrad 1e-3–10 → 1e-3–100, RMSprop
#   1e-5–0.1 → 1e-6–1 and AdaDelta 1e-2–100 → 1e-2–1e4, one decade more at the top, where the
#   first run selected 81–88 % of the way up; Adam and NAdam 1e-5–0.1 → 1e-5–10, two more at the
#   top, because a large ε turns Adam into momentum SGD with step η/ε, and AdamW 1e-4–1 → 1e-5–10,
#   Adam's range; Momentum and Nesterov 1e-4–1 → 1e-5–10, one more at each end, because
#   μ → 1 multiplies momentum's step by up to 1/(1 − μ); Lion 1e-5–0.1 → 1e-6–1 and Muon
#   1e-4–1 → 1e-4–10, one decade of margin for the wider β and λ ranges, although their first-run
#   selections were at most 69 % of the way up. AdaDelta's steps scale with η√ε (see ε below).
#   Muon's AdamW η: 1e-5–0.1 → 1e-6–1.
# * 1 − μ, 1 − β₁, 1 − β₂, 1 − ρ: from 1e-5 to 1, both ends natural. At 1 the average keeps only the
#   current gradient (β = 0: no momentum, no averaging), the edge of the parameter's domain. At 1e-5
#   the average no longer forgets within a run of at most 1000 steps (β^1000 ≥ 0.99), which is the
#   β → 1 limit in effect: Adam's, NAdam's and AdamW's bias-corrected averages become the plain means
#   of all gradients so far, momentum's buffer their sum, Lion's buffer stays near zero (for β₂) or
#   its update becomes the sign of the buffer alone (for β₁), RMSprop becomes AdaGrad with η scaled
#   by 1/√(1 − ρ), and AdaDelta an AdaDelta that never forgets, with ε scaled by 1/(1 − ρ) (ranges η
#   and ε cover). The first run's ranges stopped at 0.01–0.5 (μ, β₁), 1e-4–0.1 (β₂) and 1e-3–0.3
#   (ρ), and 9 of its selected values sat within 5 % of their lower end, β or ρ near 1.
# * weight decay λ: from 1e-6, natural: the decoupled decay then shrinks the weights by a factor of
#   at least 1 − ηλT ≥ 0.99 over a run (η ≤ 10, T ≤ 1000), "no decay" in effect (the first run's
#   ranges started at 1e-4 and 1e-3 and had three selections at their bottom). The top is artificial
#   and was raised one decade (AdamW and Muon to 10, Lion to 30: Lion's λ is usually 3–10 times
#   AdamW's, Chen et al. 2023).
# * ε (AdaGrad, RMSprop, AdaDelta, Adam, AdamW, NAdam; the first run kept the defaults): log-uniform
#   on 1e-10 to 1, after Choi et al. 2019, who found that ε matters once it is tuned with η. The
#   bottom is natural: ε = 1e-10 is negligible next to √v of any coordinate whose gradient is not
#   exactly zero, "no ε" in effect. For AdaDelta the argument is different, since its step starts
#   at √ε: with Δ = √ε δ and u = ε w its recursion loses ε wherever ε ≪ v, so a smaller ε acts as a
#   larger η, and only η√ε matters. Its bottom is natural too, provided η's range reaches the steps
#   η√ε wanted there: on logistic regression this run selected ε = 1.6e-10 (2 % from the bottom)
#   with η = 1800 (88 % of the way up). A check run of AdaDelta alone with ε from 1e-16 and η up to
#   1e6 again selected its smallest ε, on two problems, as the limit predicts. Its rows were not
#   kept; the ranges are those of the full run. The top is artificial everywhere
#   (at ε = 1 Adam is momentum SGD with step η/ε). Muon's AdamW part, which moves only the biases,
#   keeps ε = 1e-8.
LR = {"SGD": (1e-3, 100.0), "Momentum": (1e-5, 10.0), "Nesterov": (1e-5, 10.0), "AdaGrad": (1e-3, 100.0),
      "RMSprop": (1e-6, 1.0), "AdaDelta": (1e-2, 1e4), "Adam": (1e-5, 10.0), "AdamW": (1e-5, 10.0),
      "NAdam": (1e-5, 10.0), "Lion": (1e-6, 1.0), "Muon": (1e-4, 10.0)}
ONE_MINUS = ("1-log", 1e-5, 1.0)  # 1 − μ, 1 − β₁, 1 − β₂, 1 − ρ
EPS = ("log", 1e-10, 1.0)
WD = ("log", 1e-6, 10.0)
SPACES = {
    "SGD": {},
    "Momentum": {"momentum": ONE_MINUS},
    "Nesterov": {"momentum": ONE_MINUS},
    "AdaGrad": {"eps": EPS},
    "RMSprop": {"rho": ONE_MINUS, "eps": EPS},
    "AdaDelta": {"rho": ONE_MINUS, "eps": EPS},
    "Adam": {"beta1": ONE_MINUS, "beta2": ONE_MINUS, "eps": EPS},
    "AdamW": {"beta1": ONE_MINUS, "beta2": ONE_MINUS, "weight_decay": WD, "eps": EPS},
    "NAdam": {"beta1": ONE_MINUS, "beta2": ONE_MINUS, "eps": EPS},
    "Lion": {"beta1": ONE_MINUS, "beta2": ONE_MINUS, "weight_decay": ("log", 1e-6, 30.0)},
    "Muon": {"momentum": ONE_MINUS, "weight_decay": WD, "adam_lr": ("log", 1e-6, 1.0)},
}
INTERIOR_MARGIN = 0.05  # a selected value within this fraction of an artificial end (sampling scale) is on the edge


def natural_ends(name: str, key: str) -> tuple[bool, bool]:
    """Whether the u = 0 and the u = 1 end of hyperparameter ``key`` of optimizer ``name`` are natural
    bounds (see the comment above the ranges); an artificial end must not bind."""
    if key in ("momentum", "beta1", "beta2", "rho"):
        return (True, True)
    if key == "weight_decay":
        return (True, False)
    if key == "eps":
        return (True, False)
    return (False, False)  # lr, adam_lr


def position(name: str, key: str, value: float) -> float:
    """The place u ∈ [0, 1] of ``value`` in the range of ``key`` on its sampling scale."""
    kind, low, high = space(name)[key]
    x = value if kind == "log" else 1.0 - value
    return (math.log(x) - math.log(low)) / (math.log(high) - math.log(low))


OPTIMIZERS = list(SPACES)
HYPER_COLUMNS = ["lr", "momentum", "beta1", "beta2", "rho", "eps", "weight_decay", "adam_lr", "schedule"]
SCHEDULES = ("constant", "warmup-cosine")


def space(name: str) -> dict:
    """The full search space of an optimizer: η, its own hyperparameters, the schedule."""
    return {"lr": ("log", *LR[name]), **SPACES[name], "schedule": ("choice", *SCHEDULES)}


def halton(n: int, dims: int, skip: int = 1) -> np.ndarray:
    """The first n points (from index ``skip``) of the Halton sequence in [0, 1)^dims: the
    radical inverse of the index in base 2, 3, 5, …, one prime per dimension."""
    out = np.zeros((n, dims))
    for d in range(dims):
        base = PRIMES[d]
        for i in range(n):
            k, f, x = i + skip, 1.0, 0.0
            while k > 0:
                f /= base
                x += f * (k % base)
                k //= base
            out[i, d] = x
    return out


def trials(name: str, n: int) -> list[dict]:
    """n quasi-random configurations of optimizer ``name``: dictionaries of Python floats
    (and the schedule's name), exactly what results.csv records."""
    sp = space(name)
    # η first (base 2, the most even coverage), the schedule second (base 3), then the rest
    keys = ["lr", "schedule"] + [k for k in sp if k not in ("lr", "schedule")]
    u = halton(n, len(keys))
    configs = []
    for row in u:
        c = {}
        for key, x in zip(keys, row):
            kind, *args = sp[key]
            if kind == "log":
                c[key] = float(math.exp(math.log(args[0]) + x * (math.log(args[1]) - math.log(args[0]))))
            elif kind == "1-log":
                c[key] = float(1.0 - math.exp(math.log(args[0]) + x * (math.log(args[1]) - math.log(args[0]))))
            else:
                c[key] = args[int(x * len(args))]
        configs.append(c)
    return configs


# ------------------------------------------------------------------------------------ optimizers


def _col(configs, key):
    return np.array([[float(c[key])] for c in configs])


def build(name: str, configs: list[dict]):
    """The optimizer of ``name`` with one row of hyperparameters per configuration, (B, 1)."""
    lr = _col(configs, "lr")
    if name == "SGD":
        return ol.SGD(lr=lr)
    if name in ("Momentum", "Nesterov"):
        return getattr(ol, name)(lr=lr, momentum=_col(configs, "momentum"))
    eps = _col(configs, "eps") if name != "Lion" else None
    if name == "AdaGrad":
        return ol.AdaGrad(lr=lr, eps=eps)
    if name in ("RMSprop", "AdaDelta"):
        return getattr(ol, name)(lr=lr, rho=_col(configs, "rho"), eps=eps)
    if name in ("Adam", "NAdam"):
        return getattr(ol, name)(lr=lr, beta1=_col(configs, "beta1"), beta2=_col(configs, "beta2"), eps=eps)
    if name == "AdamW":
        return ol.AdamW(lr=lr, beta1=_col(configs, "beta1"), beta2=_col(configs, "beta2"), eps=eps,
                        weight_decay=_col(configs, "weight_decay"))
    if name == "Lion":
        return ol.Lion(lr=lr, beta1=_col(configs, "beta1"), beta2=_col(configs, "beta2"), weight_decay=_col(configs, "weight_decay"))
    raise ValueError(f"unknown optimizer {name!r}")


def newton_schulz_batched(G: np.ndarray, steps: int = 5, eps: float = 1e-7) -> np.ndarray:
    """optim_lib.newton_schulz on a stack of matrices G (B, r, c), each on its own."""
    a, b, c = ol.optimizers.muon.NS_COEFFICIENTS
    X = G
    tall = X.shape[1] > X.shape[2]
    if tall:
        X = np.swapaxes(X, 1, 2)
    norms = np.sqrt(np.sum(X * X, axis=(1, 2), keepdims=True))
    X = X / np.maximum(norms, eps)
    for _ in range(steps):
        A = X @ np.swapaxes(X, 1, 2)
        X = a * X + (b * A + c * A @ A) @ X
    return np.swapaxes(X, 1, 2) if tall else X


class MuonAdamW:
    """Muon (``optim_lib.Muon``: Nesterov, 5 Newton–Schulz steps) on every weight matrix of the
    model, AdamW (β = (0.9, 0.999), ε = 1e-8, the same weight decay) on the rest, for a batch
    of B parameter vectors with their own hyperparameters: η (Muon), μ, λ and adam_lr."""

    def __init__(self, model: MinibatchModel, configs: list[dict]):
        self.model = model
        self.lr, self.mu = _col(configs, "lr")[:, :, None], _col(configs, "momentum")[:, :, None]
        self.wd, self.adam_lr = _col(configs, "weight_decay"), _col(configs, "adam_lr")
        self.mask = model.vector_mask
        self.adamw = ol.AdamW(lr=self.adam_lr, weight_decay=self.wd)

    def init(self, theta):
        return (np.zeros_like(theta), self.adamw.init(theta[:, self.mask]))

    def step(self, theta, g, state, mult):
        buf, adam_state = state
        new = theta.copy()
        buf = buf.copy()
        B = theta.shape[0]
        lr = self.lr * mult[:, :, None]  # (B, 1, 1)
        for off, r, c in self.model.matrices:
            sl = slice(off, off + r * c)
            G = g[:, sl].reshape(B, r, c)
            Bm = self.mu * buf[:, sl].reshape(B, r, c) + (1 - self.mu) * G  # B_t
            buf[:, sl] = Bm.reshape(B, -1)
            U = (1 - self.mu) * G + self.mu * Bm  # Nesterov
            O = newton_schulz_batched(U)
            W = theta[:, sl].reshape(B, r, c)
            W = W * (1 - lr * self.wd[:, :, None]) - lr * math.sqrt(max(1.0, r / c)) * O
            new[:, sl] = W.reshape(B, -1)
        adamw = self.adamw.with_lr(self.adam_lr * mult)
        v, adam_state = adamw._step_unchecked(theta[:, self.mask], g[:, self.mask], adam_state)
        new[:, self.mask] = v
        return new, (buf, adam_state)


class Scheduled:
    """An optim_lib optimizer whose η (B, 1) is multiplied by the schedule's factor each step."""

    def __init__(self, opt):
        self.opt, self.lr = opt, opt.lr

    def init(self, theta):
        return self.opt.init(theta)

    def step(self, theta, g, state, mult):
        return self.opt.with_lr(self.lr * mult)._step_unchecked(theta, g, state)


def multiplier(t: int, steps: int, schedules: np.ndarray) -> np.ndarray:
    """The factor of η at step t (1, …, steps) per run, (B, 1): 1 for "constant"; for
    "warmup-cosine", t/W over the first W = ⌈0.05·steps⌉ steps, then ½(1 + cos π(t − W)/(steps − W))."""
    W = math.ceil(WARMUP * steps)
    wc = t / W if t <= W else 0.5 * (1.0 + math.cos(math.pi * (t - W) / (steps - W)))
    return np.where(schedules == "warmup-cosine", wc, 1.0)[:, None]


# ------------------------------------------------------------------------------------ training


def batch_order(seed: int, n: int, steps: int, batch_size: int = BATCH_SIZE) -> np.ndarray:
    """The minibatch indices of a run, (steps, batch_size): epochs of seeded permutations."""
    rng = np.random.default_rng([seed, 1])
    per_epoch = n // batch_size
    epochs = -(-steps // per_epoch)
    order = np.concatenate([rng.permutation(n)[: per_epoch * batch_size] for _ in range(epochs)])
    return order[: steps * batch_size].reshape(steps, batch_size)


def init_seed(seed: int) -> int:
    """The seed of the initial parameters of a run with ``seed`` (independent of its batch order)."""
    return int(np.random.default_rng([seed, 0]).integers(2**31))


def train(problem: str, name: str, configs: list[dict], seeds: list[int], steps: Optional[int] = None) -> dict:
    """Train one run per (configuration, seed) pair, all as one batch; evaluate each at the end.

    Returns arrays (B,): train_loss (on the whole training set), val_loss, val_acc, test_loss,
    test_acc, diverged (the step at which the run left, 0 if it never did; its metrics are NaN),
    steps_to_target (the first evaluation step from which the validation accuracy stays at or
    above the problem's target to the end of the run, −1 if it does not end there), and curve (evals, B): the validation accuracy every eval_every steps.
    """
    p = PROBLEMS[problem]
    steps = p.steps if steps is None else steps
    data, model = p.data(), model_of(problem)
    B = len(configs)
    assert len(seeds) == B
    theta = np.stack([model.init_params(seed=init_seed(s)) for s in seeds])
    orders = np.stack([batch_order(s, len(data.y_train), steps) for s in seeds], axis=1)  # (steps, B, bs)
    opt = MuonAdamW(model, configs) if name == "Muon" else Scheduled(build(name, configs))
    schedules = np.array([c["schedule"] for c in configs])
    state = opt.init(theta)
    diverged = np.zeros(B, dtype=np.int64)
    curve, curve_steps = [], []
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            idx = orders[t - 1]
            _, g = model.loss_grad(theta, data.X_train[idx], data.y_train[idx])
            new, state = opt.step(theta, g, state, multiplier(t, steps, schedules))
            bad = ~np.all(np.isfinite(new) & (np.abs(new) <= BOUND), axis=1)
            if bad.any():
                diverged[bad & (diverged == 0)] = t
                new[diverged > 0] = theta[diverged > 0]  # a run that left stays where it was
            theta = new
            if t % p.eval_every == 0 or t == steps:
                curve.append(model.evaluate(theta, data.X_val, data.y_val)[1])
                curve_steps.append(t)
        out = {}
        for split in ("train", "val", "test"):
            loss, acc = model.evaluate(theta, getattr(data, f"X_{split}"), getattr(data, f"y_{split}"))
            out[f"{split}_loss"], out[f"{split}_acc"] = loss, acc
    gone = diverged > 0
    for k in out:
        out[k] = np.where(gone, np.nan, out[k])
    curve = np.where(gone[None, :], np.nan, np.array(curve))
    out["steps_to_target"] = steps_to_stay_above(curve, np.array(curve_steps), p.target)
    out["diverged"] = diverged
    out["curve"], out["curve_steps"] = curve, np.array(curve_steps)
    out["steps"] = np.full(B, steps)
    return out


def steps_to_stay_above(curve: np.ndarray, steps: np.ndarray, target: float) -> np.ndarray:
    """Per run (a column of ``curve``, evaluations × B), the first evaluated step from which the
    accuracy stays ≥ target at every later evaluation, −1 if the last one is below it (NaN, a
    diverged run, counts as below): the accuracy counterpart of optim_lib.steps_to_stay_below."""
    ok = np.nan_to_num(curve, nan=-np.inf) >= target
    stays = np.flip(np.logical_and.accumulate(np.flip(ok, axis=0), axis=0), axis=0)
    return np.where(stays[-1], steps[np.argmax(stays, axis=0)], -1)


def select(rows: list[dict]) -> int:
    """Index of the best trial by validation accuracy (ties: lower validation loss); a
    diverged trial is never chosen."""
    def key(i):
        r = rows[i]
        acc = r["val_acc"] if np.isfinite(r["val_acc"]) else -np.inf
        loss = r["val_loss"] if np.isfinite(r["val_loss"]) else np.inf
        return (-acc, loss, i)

    return min(range(len(rows)), key=key)


COLUMNS = ["problem", "optimizer", "trial", "seed", *HYPER_COLUMNS,
           "train_loss", "val_loss", "val_acc", "test_loss", "test_acc", "steps", "steps_to_target", "diverged"]


def config_of(row: dict) -> dict:
    """The configuration recorded in a results.csv row (strings from csv.DictReader)."""
    c = {}
    for k in HYPER_COLUMNS:
        v = row[k]
        if v != "":
            c[k] = v if k == "schedule" else float(v)
    return c


# ------------------------------------------------------------------------------------ result files


def fmt(v) -> str:
    """Floats with 17 significant digits, so a row reads back as the same float."""
    if isinstance(v, (float, np.floating)):
        return "nan" if not np.isfinite(v) else repr(float(v))
    return str(v)


def write(path: Path, columns: list[str], rows: list[dict]) -> None:
    """A tidy CSV, written to a temporary file first so that an interrupted run leaves the old one."""
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: fmt(r.get(k, "")) for k in columns})
    tmp.replace(path)
