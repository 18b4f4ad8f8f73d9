"""A small multilayer perceptron as a Problem: tanh hidden layers, softmax output, cross-entropy.

All parameters live in one flat vector θ, and every computation is batched over the leading
axes of θ, so a grid of learning rates × seeds trains as one array computation with
:func:`optim_lib.run`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ._checks import check_int
from .data import _check_data, log_softmax
from .problems import Problem


class MLP(Problem):
    r"""Cross-entropy of a tanh network, h₀ = x, hₗ = tanh(Wₗ hₗ₋₁ + cₗ), logits = W_L h_{L−1} + c_L.

    J(θ) = −(1/n) Σᵢ log softmax(logitsᵢ)_{yᵢ}. ``sizes`` lists the layer widths, input first
    and classes last, e.g. (64, 32, 10). θ packs, layer by layer, W (in × out, row-major) then c.
    The gradient is backpropagation, written for a leading batch of parameter sets.
    """

    def __init__(self, X: object, y: object, sizes: Sequence[int] = (64, 32, 10)):
        sizes = tuple(sizes)
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least an input and an output width, got {sizes!r}")
        self.sizes = tuple(check_int(f"sizes[{i}]", s, 1) for i, s in enumerate(sizes))
        if self.sizes[-1] < 2:
            raise ValueError(f"the output width (number of classes) must be at least 2, got {self.sizes[-1]}")
        self.X, self.y = _check_data(X, y, self.sizes[-1])
        if self.X.shape[1] != self.sizes[0]:
            raise ValueError(f"X has {self.X.shape[1]} columns but sizes[0] is {self.sizes[0]}")
        self.n = self.X.shape[0]
        self._shapes = list(zip(self.sizes[:-1], self.sizes[1:]))
        self.dim = sum(a * b + b for a, b in self._shapes)
        self.name = "MLP " + "-".join(str(s) for s in self.sizes)
        self.start = tuple(0.0 for _ in range(self.dim))
        self.minima = np.zeros((0, self.dim))
        self._Y = np.eye(self.sizes[-1])[self.y]
        self._cache = None

    def init_params(self, seed: int = 0, batch: Sequence[int] = ()) -> np.ndarray:
        """Glorot-uniform weights and zero biases, shape (*batch, dim), from ``default_rng(seed)``."""
        rng = np.random.default_rng(check_int("seed", seed, 0))
        batch = tuple(check_int("batch", b, 1) for b in batch)
        parts = []
        for a, b in self._shapes:
            limit = np.sqrt(6.0 / (a + b))
            parts.append(rng.uniform(-limit, limit, size=(*batch, a * b)))
            parts.append(np.zeros((*batch, b)))
        return np.concatenate(parts, axis=-1)

    def _unpack(self, theta):
        layers, i = [], 0
        for a, b in self._shapes:
            W = theta[..., i : i + a * b].reshape(*theta.shape[:-1], a, b)
            i += a * b
            layers.append((W, theta[..., i : i + b]))
            i += b
        return layers

    def _forward(self, theta, X):
        if X is self.X and self._cache is not None and self._cache[0].shape == theta.shape and np.array_equal(self._cache[0], theta):
            return self._cache[1]  # the runner asks for J(θ) then ∇J(θ) at the same θ: reuse the forward pass
        if X is not self.X:
            return self._forward_uncached(theta, X)
        theta = theta.copy()  # the cached layers are views of this private copy
        self._cache = (theta, self._forward_uncached(theta, X))
        return self._cache[1]

    def _forward_uncached(self, theta, X):
        hs = [np.broadcast_to(X, (*theta.shape[:-1], *X.shape))]
        layers = self._unpack(theta)
        for W, c in layers[:-1]:
            hs.append(np.tanh(hs[-1] @ W + c[..., None, :]))
        W, c = layers[-1]
        return hs, layers, hs[-1] @ W + c[..., None, :]

    def logits(self, theta, X=None):
        """The network's outputs before the softmax for every row of X; shape (..., n, classes)."""
        theta = self._theta(theta)
        X = self.X if X is None else _check_data(X, np.zeros(len(np.asarray(X)), int), self.sizes[-1])[0]
        return self._forward(theta, X)[2]

    def value(self, theta):
        theta = self._theta(theta)
        lp = log_softmax(self._forward(theta, self.X)[2])
        return -np.mean(np.sum(lp * self._Y, axis=-1), axis=-1)

    def grad(self, theta):
        theta = self._theta(theta)
        hs, layers, z = self._forward(theta, self.X)
        delta = (np.exp(log_softmax(z)) - self._Y) / self.n  # ∂J/∂logits
        grads = []
        for k in range(len(layers) - 1, -1, -1):
            W, _ = layers[k]
            gW = np.swapaxes(hs[k], -1, -2) @ delta
            grads.append((gW, delta.sum(axis=-2)))
            if k > 0:
                delta = (delta @ np.swapaxes(W, -1, -2)) * (1.0 - hs[k] ** 2)  # back through tanh
        flat = []
        for gW, gc in reversed(grads):
            flat += [gW.reshape(*theta.shape[:-1], -1), gc]
        return np.concatenate(flat, axis=-1)

    def accuracy(self, theta, X, y):
        """Fraction of rows of X classified as their label y; shape (...)."""
        X, y = _check_data(X, y, self.sizes[-1])
        if X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have {self.sizes[0]} columns, got {X.shape[1]}")
        return np.mean(np.argmax(self._forward(self._theta(theta), X)[2], axis=-1) == y, axis=-1)
