"""Data problems for the "which optimizer?" chapter: the handwritten digits and logistic regression.

The digits are scikit-learn's 8×8 images (1,797 of them, shipped with the package, no download),
scaled to [0, 1] and split once, with a seeded shuffle, into a training and a held-out test set.
"""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .._checks import check_float_array, check_int, check_scalar
from .functions import Problem


class Split(NamedTuple):
    """A train/test split: inputs X (n, 64) in [0, 1] and integer labels y (n,)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def _digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's digits: the (1797, 64) pixels, 0 to 16, and the labels.

    The numbers are those of ``sklearn.datasets.load_digits``, read straight from the file
    scikit-learn ships (``datasets/data/digits.csv.gz``: 64 pixels then the label, per row).
    Importing scikit-learn takes longer than reading the file; where the file is not found,
    ``load_digits`` is called.
    """
    spec = importlib.util.find_spec("sklearn")
    if spec is not None and spec.submodule_search_locations:
        path = Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data" / "digits.csv.gz"
        if path.is_file():
            with gzip.open(path) as f:
                rows = np.loadtxt(f, delimiter=",")
            return rows[:, :-1], rows[:, -1].astype(np.int64)
    from sklearn.datasets import load_digits

    digits = load_digits()
    return digits.data, digits.target


def load_digits_split(n_train: int = 1000, seed: int = 0) -> Split:
    """The digits, pixels divided by 16, shuffled by ``seed``; the first ``n_train`` rows train."""
    n_train = check_int("n_train", n_train, 1, 1796)
    seed = check_int("seed", seed, 0)
    pixels, labels = _digits()
    X = pixels.astype(np.float64) / 16.0
    y = labels.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    X, y = X[order], y[order]
    return Split(X[:n_train], y[:n_train], X[n_train:], y[n_train:])


def _check_data(X: object, y: object, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    X = check_float_array("X", X)
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must be a non-empty (n, features) matrix, got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must be finite")
    y = np.asarray(y)
    if y.shape != (X.shape[0],) or y.dtype.kind not in "iu":
        raise ValueError(f"y must be an integer vector of length {X.shape[0]}, got shape {y.shape} and dtype {y.dtype}")
    if y.min() < 0 or y.max() >= n_classes:
        raise ValueError(f"labels must be in [0, {n_classes - 1}], got range [{y.min()}, {y.max()}]")
    return X, y


def _check_inputs(X: object, n_features: int) -> np.ndarray:
    """Inputs to evaluate a trained model on: a finite float (n, n_features) matrix."""
    X = check_float_array("X", X)
    if X.ndim != 2 or X.shape[1] != n_features:
        raise ValueError(f"X must be an (n, {n_features}) matrix of inputs, got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must be finite")
    return X


def log_softmax(z: np.ndarray) -> np.ndarray:
    """log softmax over the last axis, computed stably: z − max z − log Σ exp(z − max z)."""
    z = check_float_array("z", z)
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(f"z must have a non-empty last axis (the classes), got shape {z.shape}")
    z = z - np.max(z, axis=-1, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))


class _Workspace:
    """Work arrays kept from one call to the next, by name.

    A batch of models evaluated on n examples needs several (…, width, n) arrays at every step.
    Allocating them anew each time costs more than the arithmetic (the memory is returned to the
    system and has to be mapped again); reusing them does not. An array is made again only
    when the shape or dtype asked for changes.
    """

    def __init__(self):
        self._arrays = {}

    def __call__(self, name: str, shape: tuple, dtype) -> np.ndarray:
        arr = self._arrays.get(name)
        if arr is None or arr.shape != shape or arr.dtype != dtype:
            arr = self._arrays[name] = np.empty(shape, dtype)
        return arr


def _fresh(name: str, shape: tuple, dtype) -> np.ndarray:
    """A new array each call: the stand-in for a ``_Workspace`` when nothing may be kept."""
    return np.empty(shape, dtype)


def _with_ones_row(XT: np.ndarray) -> np.ndarray:
    """[Xᵀ; 1ᵀ]: the inputs as columns, (features + 1, n), with a last row of ones.

    Then [W; c]ᵀ [Xᵀ; 1ᵀ] = Wᵀ Xᵀ + c: the bias is the weight of a constant input, and θ, which
    packs W (row-major) and then c, is already the matrix [W; c] row by row.
    """
    return np.vstack([XT, np.ones((1, XT.shape[1]), dtype=XT.dtype)])


def _softmax_columns(z: np.ndarray, log_p: np.ndarray, p: np.ndarray) -> None:
    """Softmax over the classes of logits stored one example per column, z of shape (…, classes, n).

    Writes log P = z − max z − log Σ exp(z − max z) into ``log_p`` and P = exp(z − max z) / Σ
    into ``p`` (both shaped like z; subtracting the column maximum keeps exp from overflowing).
    With the examples along the last axis, every reduction over the classes runs along long,
    contiguous rows.
    """
    np.subtract(z, np.max(z, axis=-2, keepdims=True), out=log_p)
    np.exp(log_p, out=p)
    total = np.sum(p, axis=-2, keepdims=True)
    log_p -= np.log(total)
    p /= total


class LogisticRegression(Problem):
    r"""Multinomial logistic regression, J(θ) = −(1/n) Σᵢ log softmax(W xᵢ + c)_{yᵢ} + (λ/2)‖W‖².

    θ packs W (features × classes, row-major) then c (classes). The loss is convex; with λ > 0
    it is strongly convex. Gradient: Xᵀ(P − Y)/n + λW and the column mean of P − Y, where P are
    the softmax probabilities and Y the one-hot labels. Vectorized over leading batch axes of θ.

    Computed with the examples as columns and the bias as the weight of a constant input: θ is
    the matrix Θ = [W; c] ((features + 1) × classes), the logits of all n examples are
    Zᵀ = Θᵀ X̃ᵀ with X̃ᵀ = [Xᵀ; 1ᵀ], and ∂J/∂Θ = X̃ᵀ Rᵀ + λ[W; 0] with R = (Pᵀ − Yᵀ)/n.
    """

    def __init__(self, X: object, y: object, n_classes: int = 10, l2: float = 0.0):
        self.n_classes = check_int("n_classes", n_classes, 2)
        self.X, self.y = _check_data(X, y, self.n_classes)
        self.l2 = check_scalar("l2", l2, 0.0)
        self.n, self.n_features = self.X.shape
        self.dim = self.n_features * self.n_classes + self.n_classes
        self.name = "logistic regression"
        self.start = tuple(0.0 for _ in range(self.dim))
        self.minima = np.zeros((0, self.dim))
        self._XT1 = _with_ones_row(self.X.T)  # X̃ᵀ, (features + 1, n)
        self._YT = np.eye(self.n_classes)[:, self.y]  # Yᵀ, (classes, n): the one-hot labels as columns
        self._columns = np.arange(self.n)
        self._work = _Workspace()
        self._cache = None

    def _unpack(self, theta):
        k, f = self.n_classes, self.n_features
        W = theta[..., : f * k].reshape(*theta.shape[:-1], f, k)
        return W, theta[..., f * k :]

    def _matrix(self, theta):
        """Θ = [W; c], shape (…, features + 1, classes): a view of θ."""
        return theta.reshape(*theta.shape[:-1], self.n_features + 1, self.n_classes)

    def logits(self, theta, X=None):
        """W x + c for every row of X (the training inputs by default); shape (..., n, classes)."""
        theta = self._theta(theta)
        if X is None:
            return np.swapaxes(self._train_softmax(theta)[0], -1, -2).copy()
        W, c = self._unpack(theta)
        return _check_inputs(X, self.n_features) @ W + c[..., None, :]

    def _train_softmax(self, theta):
        """(Zᵀ, log Pᵀ, Pᵀ) on the training set, each (…, classes, n).

        The runner asks for J(θ) and then ∇J(θ) at the same θ: the last result is kept (in
        work arrays that the next θ overwrites).
        """
        if self._cache is not None and self._cache[0].shape == theta.shape and np.array_equal(self._cache[0], theta):
            return self._cache[1]
        self._cache = None  # the work arrays are about to be overwritten
        shape, dtype = (*theta.shape[:-1], self.n_classes, self.n), np.result_type(theta, self._XT1)
        z = np.matmul(np.swapaxes(self._matrix(theta), -1, -2), self._XT1, out=self._work("z", shape, dtype))
        log_p, p = self._work("log_p", shape, dtype), self._work("p", shape, dtype)
        _softmax_columns(z, log_p, p)
        self._cache = (theta.copy(), (z, log_p, p))
        return self._cache[1]

    def value(self, theta):
        theta = self._theta(theta)
        log_p = self._train_softmax(theta)[1]
        W, _ = self._unpack(theta)
        nll = -np.mean(log_p[..., self.y, self._columns], axis=-1)  # −(1/n) Σᵢ log P_{yᵢ, i}
        return nll + 0.5 * self.l2 * np.sum(W**2, axis=(-2, -1))

    def grad(self, theta):
        theta = self._theta(theta)
        p = self._train_softmax(theta)[2]
        R = np.subtract(p, self._YT, out=self._work("R", p.shape, p.dtype))  # ∂J/∂Zᵀ = (Pᵀ − Yᵀ)/n
        R /= self.n
        g = np.empty((*theta.shape[:-1], self.dim), dtype=R.dtype)
        np.matmul(self._XT1, np.swapaxes(R, -1, -2), out=self._matrix(g))  # X̃ᵀ Rᵀ: (features + 1, n) @ (…, n, classes)
        gW = self._unpack(g)[0]
        gW += self.l2 * self._unpack(theta)[0]  # + λW (the bias is not penalized)
        return g

    def accuracy(self, theta, X, y):
        """Fraction of rows of X whose largest logit is the label y; shape (...)."""
        X, y = _check_data(X, y, self.n_classes)
        if X.shape[1] != self.n_features:
            raise ValueError(f"X must have {self.n_features} columns, got {X.shape[1]}")
        return np.mean(np.argmax(self.logits(theta, X), axis=-1) == y, axis=-1)
