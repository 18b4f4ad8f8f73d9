"""A small multilayer perceptron as a Problem: tanh hidden layers, softmax output, cross-entropy.

All parameters live in one flat vector θ, and every computation is batched over the leading
axes of θ, so a grid of learning rates × seeds trains as one array computation with
:func:`optim_lib.run`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .._checks import check_int
from .data import _Workspace, _check_data, _check_inputs, _fresh, _softmax_columns, _with_ones_row
from .functions import Problem


class MLP(Problem):
    r"""Cross-entropy (or squared loss) of a tanh network, h₀ = x, hₗ = tanh(Wₗ hₗ₋₁ + cₗ), logits = W_L h_{L−1} + c_L.

    J(θ) = −(1/n) Σᵢ log softmax(logitsᵢ)_{yᵢ}; with ``loss="mse"``, J(θ) = (1/2n) Σᵢ ‖logitsᵢ − e_{yᵢ}‖², the
    squared distance of the outputs to the one-hot labels (no softmax). ``sizes`` lists the layer widths, input first
    and classes last, e.g. (64, 32, 10). θ packs, layer by layer, W (in × out, row-major) then c.
    The gradient is backpropagation, written for a leading batch of parameter sets.

    Computed with the examples as columns and each bias as the weight of a constant input: with
    h̃ = [h; 1ᵀ] and the layer matrix [Wₗ; cₗ] (a view of θ), hₗ = tanh([Wₗ; cₗ]ᵀ h̃ₗ₋₁), of shape
    (…, width, n), from h₀ = Xᵀ. Backpropagation, from δ_L = (Pᵀ − Yᵀ)/n at the logits:
    ∂J/∂[Wₗ; cₗ] = h̃ₗ₋₁ δₗᵀ and δₗ₋₁ = (Wₗ δₗ) ⊙ (1 − hₗ₋₁²).
    """

    def __init__(self, X: object, y: object, sizes: Sequence[int] = (64, 32, 10), loss: str = "cross_entropy"):
        if loss not in ("cross_entropy", "mse"):
            raise ValueError(f"loss must be 'cross_entropy' or 'mse', got {loss!r}")
        self.loss = loss
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
        _, _, z, log_p, _ = self._train_forward(theta)
        if self.loss == "mse":
            return 0.5 * np.mean(np.sum((z - self._YT) ** 2, axis=-2), axis=-1)  # (1/2n) Σᵢ ‖zᵢ − e_{yᵢ}‖²
        return -np.mean(log_p[..., self.y, self._columns], axis=-1)  # −(1/n) Σᵢ log P_{yᵢ, i}

    def grad(self, theta):
        theta = self._theta(theta)
        hs, layers, z, _, p = self._train_forward(theta)
        out = z if self.loss == "mse" else p  # δ_L = ∂J/∂Zᵀ: (Zᵀ − Yᵀ)/n for the squared loss, (Pᵀ − Yᵀ)/n for cross-entropy
        delta = np.subtract(out, self._YT, out=self._work("delta", p.shape, p.dtype))
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


# --------------------------------------------------------------------------------------------
# Minibatch models for the optimizer study (studies/optimizer_comparison): every model of a
# batch of B parameter vectors sees its own minibatch, so B trials or seeds train as one
# array computation.
# --------------------------------------------------------------------------------------------


def _cross_entropy_rows(z: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean cross-entropy of logits z (B, n, K) against labels y (B, n) or (n,).

    Returns (loss (B,), probabilities P (B, n, K), correct (B, n) booleans: argmax z == y).
    """
    shifted = z - np.max(z, axis=-1, keepdims=True)
    log_total = np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
    log_p = shifted - log_total
    y = np.broadcast_to(y, z.shape[:-1])
    picked = np.take_along_axis(log_p, y[..., None], axis=-1)[..., 0]
    correct = np.argmax(z, axis=-1) == y
    return -np.mean(picked, axis=-1), np.exp(log_p), correct


class MinibatchModel:
    """What the optimizer study needs of a classifier with a flat parameter vector θ.

    ``loss_grad(theta, X, y)`` takes θ of shape (B, dim) and one minibatch per model, X of shape
    (B, n, features) and y of shape (B, n) (or one shared batch, X (n, features), y (n,)), and
    returns the mean cross-entropy of each model on its batch, (B,), and its gradient, (B, dim).
    ``evaluate(theta, X, y)`` gives the loss and accuracy of each model on a whole data set.
    ``matrices`` lists the weight matrices inside θ as (offset, rows, cols), row-major: the
    parameters Muon orthogonalizes; the rest (biases) are ``vector_mask``.
    """

    dim: int
    n_classes: int
    n_features: int
    matrices: list

    def _set_layers(self, shapes) -> None:
        """Record the (rows, cols) of each weight matrix; θ packs, layer by layer, W (row-major) then
        its bias (cols,). Sets ``dim`` and ``matrices``."""
        self._shapes = list(shapes)
        self.matrices, off = [], 0
        for a, b in self._shapes:
            self.matrices.append((off, a, b))
            off += a * b + b
        self.dim = off

    def _init_limit(self, rows: int, cols: int) -> float:
        """Half-width of the uniform initial weights of a rows × cols layer: He's √(6/rows)."""
        return np.sqrt(6.0 / rows)

    def init_params(self, seed: int = 0) -> np.ndarray:
        """One parameter vector (dim,) from ``default_rng(seed)``: weights uniform in ±``_init_limit``, biases 0."""
        rng = np.random.default_rng(check_int("seed", seed, 0))
        parts = []
        for a, b in self._shapes:
            limit = self._init_limit(a, b)
            parts += [rng.uniform(-limit, limit, size=a * b), np.zeros(b)]
        return np.concatenate(parts)

    def _layers(self, theta):
        """The (W, bias) of each layer for a batch of θ: W (B, rows, cols), bias (B, cols)."""
        out, i = [], 0
        for a, b in self._shapes:
            out.append((theta[:, i : i + a * b].reshape(-1, a, b), theta[:, i + a * b : i + a * b + b]))
            i += a * b + b
        return out

    def _logits_cache(self, theta, X):  # pragma: no cover - abstract
        raise NotImplementedError

    def _backward(self, theta, cache, dz):  # pragma: no cover - abstract
        raise NotImplementedError

    def _check(self, theta, X, y):
        theta = np.asarray(theta, dtype=np.float64)
        if theta.ndim != 2 or theta.shape[1] != self.dim:
            raise ValueError(f"theta must have shape (B, {self.dim}), got {theta.shape}")
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y)
        if X.ndim == 2:
            X = np.broadcast_to(X, (theta.shape[0], *X.shape))
        if y.ndim == 1:
            y = np.broadcast_to(y, X.shape[:2])
        if X.ndim != 3 or X.shape[0] != theta.shape[0] or X.shape[2] != self.n_features or y.shape != X.shape[:2]:
            raise ValueError(f"X must be (B, n, {self.n_features}) and y (B, n) with B = {theta.shape[0]}, "
                             f"got {X.shape} and {y.shape}")
        if y.dtype.kind not in "iu" or (y.size and (y.min() < 0 or y.max() >= self.n_classes)):
            raise ValueError(f"y must hold integer labels in [0, {self.n_classes - 1}]")
        return theta, X, y

    def loss_grad(self, theta, X, y):
        """(loss, gradient) of each of the B models on its own minibatch."""
        theta, X, y = self._check(theta, X, y)
        z, cache = self._logits_cache(theta, X)
        loss, p, _ = _cross_entropy_rows(z, y)
        dz = p
        np.put_along_axis(dz, y[..., None], np.take_along_axis(dz, y[..., None], axis=-1) - 1.0, axis=-1)
        dz /= z.shape[1]  # ∂J/∂z = (P − Y)/n
        return loss, self._backward(theta, cache, dz)

    def loss(self, theta, X, y):
        theta, X, y = self._check(theta, X, y)
        return _cross_entropy_rows(self._logits_cache(theta, X)[0], y)[0]

    def evaluate(self, theta, X, y, chunk: int = 250):
        """Mean loss and accuracy of each model on all of (X, y), in chunks of examples; (B,), (B,)."""
        theta = np.asarray(theta, dtype=np.float64)
        X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
        total, right = np.zeros(theta.shape[0]), np.zeros(theta.shape[0])
        for a in range(0, len(y), chunk):
            Xc, yc = X[a : a + chunk], y[a : a + chunk]
            th, Xb, yb = self._check(theta, Xc, yc)
            z, _ = self._logits_cache(th, Xb)
            loss, _, correct = _cross_entropy_rows(z, yb)
            total += loss * len(yc)
            right += correct.sum(axis=-1)
        return total / len(y), right / len(y)

    @property
    def vector_mask(self) -> np.ndarray:
        """True for the entries of θ outside every weight matrix (the biases)."""
        mask = np.ones(self.dim, dtype=bool)
        for off, r, c in self.matrices:
            mask[off : off + r * c] = False
        return mask


class BatchedMLP(MinibatchModel):
    r"""A fully connected network trained on minibatches: hₗ = act(hₗ₋₁ Wₗ + cₗ), logits = h W_L + c_L.

    ``act`` is ReLU or tanh. θ packs, layer by layer, W (in × out, row-major) then c, as
    :class:`MLP` does, so both read the same vector. Weights start He-uniform for ReLU
    (Glorot-uniform for tanh), biases at zero. Backpropagation with rows as examples:
    ∂J/∂Wₗ = hₗ₋₁ᵀ δₗ, ∂J/∂cₗ = Σ δₗ, δₗ₋₁ = δₗ Wₗᵀ ⊙ act'(hₗ₋₁).
    """

    def __init__(self, sizes: Sequence[int], activation: str = "relu"):
        sizes = tuple(check_int(f"sizes[{i}]", s, 1) for i, s in enumerate(sizes))
        if len(sizes) < 2 or sizes[-1] < 2:
            raise ValueError(f"sizes needs an input width and at least 2 classes, got {sizes!r}")
        if activation not in ("relu", "tanh"):
            raise ValueError(f"activation must be 'relu' or 'tanh', got {activation!r}")
        self.sizes, self.activation = sizes, activation
        self.n_classes, self.n_features = sizes[-1], sizes[0]
        self._set_layers(zip(sizes[:-1], sizes[1:]))
        self.name = f"MLP {'-'.join(map(str, sizes))} ({activation})"

    def _init_limit(self, rows: int, cols: int) -> float:
        """He's √(6/rows) for ReLU, Glorot's √(6/(rows + cols)) for tanh."""
        return np.sqrt(6.0 / rows) if self.activation == "relu" else np.sqrt(6.0 / (rows + cols))

    def _logits_cache(self, theta, X):
        layers = self._layers(theta)
        hs = [X]
        for l, (W, c) in enumerate(layers):
            z = np.matmul(hs[-1], W)
            z += c[:, None, :]
            if l < len(layers) - 1:
                z = np.maximum(z, 0.0) if self.activation == "relu" else np.tanh(z)
                hs.append(z)
        return z, (layers, hs)

    def _backward(self, theta, cache, dz):
        layers, hs = cache
        g = np.empty_like(theta)
        i_end = self.dim
        for l in range(len(layers) - 1, -1, -1):
            W, _ = layers[l]
            a, b = W.shape[1:]
            i0 = i_end - (a * b + b)
            g[:, i0 : i0 + a * b] = np.matmul(np.swapaxes(hs[l], 1, 2), dz).reshape(-1, a * b)
            g[:, i0 + a * b : i_end] = dz.sum(axis=1)
            if l > 0:
                dh = np.matmul(dz, np.swapaxes(W, 1, 2))
                h = hs[l]
                dz = dh * (h > 0) if self.activation == "relu" else dh * (1.0 - h * h)
            i_end = i0
        return g


# --------------------------------------------------------------------------------------------
# The reference models of the MNIST-1D repository (greydanus/mnist1d, notebooks/models.py), for
# studies/mnist1d_baselines: the same layers and parameter counts, PyTorch's default initialization.
# --------------------------------------------------------------------------------------------


def torch_default_init(model: MinibatchModel, seed: int = 0) -> np.ndarray:
    """One parameter vector (dim,) initialized as PyTorch's nn.Linear and nn.Conv1d are by default:
    the weights and the biases of a layer with fan-in a uniform in ±1/√a, from ``default_rng(seed)``."""
    rng = np.random.default_rng(check_int("seed", seed, 0))
    parts = []
    for a, b in model._shapes:
        bound = 1.0 / np.sqrt(a)
        parts += [rng.uniform(-bound, bound, size=a * b), rng.uniform(-bound, bound, size=b)]
    return np.concatenate(parts)


class ResidualMLP(MinibatchModel):
    r"""The MNIST-1D repository's MLP: h₁ = ReLU(x W₁ + c₁), hₗ = hₗ₋₁ + ReLU(hₗ₋₁ Wₗ + cₗ) for the
    later hidden layers (a skip connection around each), logits = h W_L + c_L.

    ``sizes`` = (inputs, width, …, width, classes), e.g. (40, 100, 100, 10), the reference's
    15 210 parameters. θ packs W then c layer by layer, as :class:`BatchedMLP`. Backpropagation
    through a skip: with δₗ = ∂J/∂hₗ ⊙ 1[zₗ > 0], ∂J/∂hₗ₋₁ = ∂J/∂hₗ + δₗ Wₗᵀ.
    """

    def __init__(self, sizes: Sequence[int] = (40, 100, 100, 10)):
        sizes = tuple(check_int(f"sizes[{i}]", s, 1) for i, s in enumerate(sizes))
        if len(sizes) < 3 or sizes[-1] < 2 or len(set(sizes[1:-1])) != 1:
            raise ValueError(f"sizes must be (inputs, width, ..., width, classes) with at least one hidden layer, got {sizes!r}")
        self.sizes = sizes
        self.n_classes, self.n_features = sizes[-1], sizes[0]
        self._set_layers(zip(sizes[:-1], sizes[1:]))
        self.name = f"residual MLP {'-'.join(map(str, sizes))}"

    def init_params(self, seed: int = 0) -> np.ndarray:
        """PyTorch's default initialization (:func:`torch_default_init`), as the reference."""
        return torch_default_init(self, seed)

    def _logits_cache(self, theta, X):
        layers = self._layers(theta)
        hs, acts = [X], []
        for l, (W, c) in enumerate(layers):
            z = np.matmul(hs[-1], W)
            z += c[:, None, :]
            if l < len(layers) - 1:
                a = np.maximum(z, 0.0)
                acts.append(a)
                hs.append(a if l == 0 else hs[-1] + a)
        return z, (layers, hs, acts)

    def _backward(self, theta, cache, dz):
        layers, hs, acts = cache
        g = np.empty_like(theta)
        i_end, dh = self.dim, None
        for l in range(len(layers) - 1, -1, -1):
            W, _ = layers[l]
            a, b = W.shape[1:]
            i0 = i_end - (a * b + b)
            d = dz if l == len(layers) - 1 else dh * (acts[l] > 0)  # ∂J/∂zₗ
            g[:, i0 : i0 + a * b] = np.matmul(np.swapaxes(hs[l], 1, 2), d).reshape(-1, a * b)
            g[:, i0 + a * b : i_end] = d.sum(axis=1)
            if l > 0:
                back = np.matmul(d, np.swapaxes(W, 1, 2))
                dh = back if l == len(layers) - 1 else back + dh  # the skip passes ∂J/∂hₗ through
            i_end = i0
        return g
