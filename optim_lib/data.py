"""Data problems for the "which optimizer?" chapter: the handwritten digits and logistic regression.

The digits are scikit-learn's 8×8 images (1,797 of them, shipped with the package, no download),
scaled to [0, 1] and split once, with a seeded shuffle, into a training and a held-out test set.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import check_float_array, check_hyper, check_int
from .problems import Problem


class Split(NamedTuple):
    """A train/test split: inputs X (n, 64) in [0, 1] and integer labels y (n,)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def load_digits_split(n_train: int = 1000, seed: int = 0) -> Split:
    """The digits, pixels divided by 16, shuffled by ``seed``; the first ``n_train`` rows train."""
    from sklearn.datasets import load_digits

    n_train = check_int("n_train", n_train, 1, 1796)
    seed = check_int("seed", seed, 0)
    digits = load_digits()
    X = digits.data.astype(np.float64) / 16.0
    y = digits.target.astype(np.int64)
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


def log_softmax(z: np.ndarray) -> np.ndarray:
    """log softmax over the last axis, computed stably."""
    z = z - np.max(z, axis=-1, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))


class LogisticRegression(Problem):
    r"""Multinomial logistic regression, J(θ) = −(1/n) Σᵢ log softmax(W xᵢ + c)_{yᵢ} + (λ/2)‖W‖².

    θ packs W (features × classes, row-major) then c (classes). The loss is convex; with λ > 0
    it is strongly convex. Gradient: Xᵀ(P − Y)/n + λW and the column mean of P − Y, where P are
    the softmax probabilities and Y the one-hot labels. Vectorized over leading batch axes of θ.
    """

    def __init__(self, X: object, y: object, n_classes: int = 10, l2: float = 0.0):
        self.n_classes = check_int("n_classes", n_classes, 2)
        self.X, self.y = _check_data(X, y, self.n_classes)
        self.l2 = check_hyper("l2", l2, 0.0)
        self.n, self.n_features = self.X.shape
        self.dim = self.n_features * self.n_classes + self.n_classes
        self.name = "logistic regression"
        self.start = tuple(0.0 for _ in range(self.dim))
        self.minima = np.zeros((0, self.dim))
        self._Y = np.eye(self.n_classes)[self.y]
        self._cache = None

    def _unpack(self, theta):
        k, f = self.n_classes, self.n_features
        W = theta[..., : f * k].reshape(*theta.shape[:-1], f, k)
        return W, theta[..., f * k :]

    def logits(self, theta, X=None):
        """W x + c for every row of X (the training inputs by default); shape (..., n, classes)."""
        theta = self._theta(theta)
        if X is None:
            return self._train_log_probs(theta)[1]
        W, c = self._unpack(theta)
        return check_float_array("X", X) @ W + c[..., None, :]

    def _train_log_probs(self, theta):
        # the runner asks for J(θ) and then ∇J(θ) at the same θ: keep the last result
        if self._cache is not None and self._cache[0].shape == theta.shape and np.array_equal(self._cache[0], theta):
            return self._cache[1]
        W, c = self._unpack(theta)
        z = self.X @ W + c[..., None, :]
        self._cache = (theta.copy(), (log_softmax(z), z))
        return self._cache[1]

    def value(self, theta):
        theta = self._theta(theta)
        lp = self._train_log_probs(theta)[0]
        W, _ = self._unpack(theta)
        return -np.mean(np.sum(lp * self._Y, axis=-1), axis=-1) + 0.5 * self.l2 * np.sum(W**2, axis=(-2, -1))

    def grad(self, theta):
        theta = self._theta(theta)
        R = (np.exp(self._train_log_probs(theta)[0]) - self._Y) / self.n  # ∂J/∂logits
        W, _ = self._unpack(theta)
        gW = self.X.T @ R + self.l2 * W
        gc = np.sum(R, axis=-2)
        return np.concatenate([gW.reshape(*theta.shape[:-1], -1), gc], axis=-1)

    def accuracy(self, theta, X, y):
        """Fraction of rows of X whose largest logit is the label y; shape (...)."""
        X, y = _check_data(X, y, self.n_classes)
        if X.shape[1] != self.n_features:
            raise ValueError(f"X must have {self.n_features} columns, got {X.shape[1]}")
        return np.mean(np.argmax(self.logits(theta, X), axis=-1) == y, axis=-1)
