"""A small multilayer perceptron as a Problem: tanh hidden layers, softmax output, cross-entropy.

All parameters live in one flat vector θ, and every computation is batched over the leading
axes of θ, so a grid of learning rates × seeds trains as one array computation with
:func:`optim_lib.run`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ._checks import check_int
from .data import _Workspace, _check_data, _check_inputs, _fresh, _softmax_columns, _with_ones_row
from .problems import Problem


class MLP(Problem):
    r"""Cross-entropy of a tanh network, h₀ = x, hₗ = tanh(Wₗ hₗ₋₁ + cₗ), logits = W_L h_{L−1} + c_L.

    J(θ) = −(1/n) Σᵢ log softmax(logitsᵢ)_{yᵢ}. ``sizes`` lists the layer widths, input first
    and classes last, e.g. (64, 32, 10). θ packs, layer by layer, W (in × out, row-major) then c.
    The gradient is backpropagation, written for a leading batch of parameter sets.

    Computed with the examples as columns and each bias as the weight of a constant input: with
    h̃ = [h; 1ᵀ] and the layer matrix [Wₗ; cₗ] (a view of θ), hₗ = tanh([Wₗ; cₗ]ᵀ h̃ₗ₋₁), of shape
    (…, width, n), from h₀ = Xᵀ. Backpropagation, from δ_L = (Pᵀ − Yᵀ)/n at the logits:
    ∂J/∂[Wₗ; cₗ] = h̃ₗ₋₁ δₗᵀ and δₗ₋₁ = (Wₗ δₗ) ⊙ (1 − hₗ₋₁²).
    """

    def __init__(self, X: object, y: object, sizes: Sequence[int] = (64, 32, 10)):
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
            raise ValueError(f"sizes must be a sequence of layer widths, like (64, 32, 10), got {sizes!r}")
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
        self._XT1 = _with_ones_row(self.X.T)  # h̃₀ = [Xᵀ; 1ᵀ], (in + 1, n)
        self._YT = np.eye(self.sizes[-1])[:, self.y]  # (classes, n): the one-hot labels as columns
        self._columns = np.arange(self.n)
        self._work = _Workspace()
        self._cache = None

    def init_params(self, seed: int = 0, batch: Sequence[int] = ()) -> np.ndarray:
        """Glorot-uniform weights and zero biases, shape (*batch, dim), from ``default_rng(seed)``."""
        rng = np.random.default_rng(check_int("seed", seed, 0))
        if isinstance(batch, (str, bytes)) or not isinstance(batch, Sequence):
            raise ValueError(f"batch must be a tuple of batch sizes, like (4,) or (), got {batch!r}")
        batch = tuple(check_int("batch", b, 1) for b in batch)
        parts = []
        for a, b in self._shapes:
            limit = np.sqrt(6.0 / (a + b))
            parts.append(rng.uniform(-limit, limit, size=(*batch, a * b)))
            parts.append(np.zeros((*batch, b)))
        return np.concatenate(parts, axis=-1)

    def _layers(self, theta):
        """The layer matrices [Wₗ; cₗ], each (…, in + 1, out): views of θ, which packs W then c."""
        layers, i = [], 0
        for a, b in self._shapes:
            layers.append(theta[..., i : i + (a + 1) * b].reshape(*theta.shape[:-1], a + 1, b))
            i += (a + 1) * b
        return layers

    def _forward(self, theta, XT1, buffer=_fresh):
        """The forward pass on the examples XT1 = [Xᵀ; 1ᵀ]: (hs, layers, Zᵀ, log Pᵀ, Pᵀ).

        hs = [h̃₀, …, h̃_{L−1}], each (…, width + 1, n) with its row of ones; the logits Zᵀ, log
        softmax and softmax are (…, classes, n). ``buffer(name, shape, dtype)`` gives the arrays
        the results go to.
        """
        batch, n = theta.shape[:-1], XT1.shape[-1]
        dtype = np.result_type(theta, XT1)
        layers = self._layers(theta)
        hs = [XT1]
        for l, Wc in enumerate(layers[:-1]):
            width = Wc.shape[-1]
            h = buffer(f"h{l + 1}", (*batch, width + 1, n), dtype)
            h[..., width, :] = 1.0
            a = np.matmul(np.swapaxes(Wc, -1, -2), hs[-1], out=h[..., :width, :])  # Wₗᵀ hₗ₋₁ + cₗ
            np.tanh(a, out=a)
            hs.append(h)
        z = np.matmul(np.swapaxes(layers[-1], -1, -2), hs[-1], out=buffer("z", (*batch, self.sizes[-1], n), dtype))
        log_p, p = buffer("log_p", z.shape, dtype), buffer("p", z.shape, dtype)
        _softmax_columns(z, log_p, p)
        return hs, layers, z, log_p, p

    def _train_forward(self, theta):
        """``_forward`` on the training set, in work arrays, kept for the next call at the same θ.

        The runner asks for J(θ) and then ∇J(θ) at the same θ, and both need this pass.
        """
        if self._cache is not None and self._cache[0].shape == theta.shape and np.array_equal(self._cache[0], theta):
            return self._cache[1]
        self._cache = None  # the work arrays are about to be overwritten
        theta = theta.copy()  # the cached layers are views of this private copy
        self._cache = (theta, self._forward(theta, self._XT1, self._work))
        return self._cache[1]

    def logits(self, theta, X=None):
        """The network's outputs before the softmax for every row of X; shape (..., n, classes)."""
        theta = self._theta(theta)
        if X is None:
            z = self._train_forward(theta)[2]
        else:
            X = _check_inputs(X, self.sizes[0])
            z = self._forward(theta, _with_ones_row(X.T))[2]
        return np.swapaxes(z, -1, -2).copy()

    def value(self, theta):
        theta = self._theta(theta)
        log_p = self._train_forward(theta)[3]
        return -np.mean(log_p[..., self.y, self._columns], axis=-1)  # −(1/n) Σᵢ log P_{yᵢ, i}

    def grad(self, theta):
        theta = self._theta(theta)
        hs, layers, _, _, p = self._train_forward(theta)
        delta = np.subtract(p, self._YT, out=self._work("delta", p.shape, p.dtype))  # δ_L = ∂J/∂Zᵀ
        delta /= self.n
        g = np.empty((*theta.shape[:-1], self.dim), dtype=delta.dtype)
        g_layers = self._layers(g)
        for l in range(len(layers) - 1, -1, -1):
            np.matmul(hs[l], np.swapaxes(delta, -1, -2), out=g_layers[l])  # ∂J/∂[Wₗ; cₗ] = h̃ₗ₋₁ δₗᵀ
            if l > 0:  # back through tanh: δₗ₋₁ = (Wₗ δₗ) ⊙ (1 − hₗ₋₁²)
                h = hs[l][..., :-1, :]
                back = np.matmul(layers[l][..., :-1, :], delta, out=self._work(f"back{l}", h.shape, delta.dtype))
                slope = np.square(h, out=self._work(f"slope{l}", h.shape, delta.dtype))
                back *= np.subtract(1.0, slope, out=slope)
                delta = back
        return g

    def accuracy(self, theta, X, y):
        """Fraction of rows of X classified as their label y; shape (...)."""
        X, y = _check_data(X, y, self.sizes[-1])
        if X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have {self.sizes[0]} columns, got {X.shape[1]}")
        return np.mean(np.argmax(self._forward(self._theta(theta), _with_ones_row(X.T))[2], axis=-2) == y, axis=-1)
