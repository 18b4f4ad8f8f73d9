"""The book's test problems: a value J(θ) and its analytic gradient ∇J(θ).

Every function is vectorized over leading batch axes: ``theta`` has shape ``(..., d)``, the
value has shape ``(...)`` and the gradient the shape of ``theta``. So a grid of starting
points or a grid of hyperparameters runs as one array computation.
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np

from .._checks import (
    check_float_array,
    check_int,
    check_int_array,
    check_real_array,
    check_scalar,
)


class Problem:
    """A differentiable objective J(θ) with θ ∈ ℝᵈ.

    Attributes: ``dim`` (d), ``name``, ``minima`` (known minimizers, shape (k, d)),
    ``xlim``/``ylim`` (a window that shows the interesting part, for 2-D plots) and
    ``start`` (the book's default starting point).
    """

    name: str = "problem"
    dim: int = 2
    xlim: tuple[float, float] = (-2.0, 2.0)
    ylim: tuple[float, float] = (-2.0, 2.0)
    start: tuple[float, ...] = (1.0, 1.0)
    minima: np.ndarray = np.zeros((0, 2))

    def value(self, theta: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def grad(self, theta: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, theta: np.ndarray) -> np.ndarray:
        return self.value(theta)

    def _theta(self, theta: object) -> np.ndarray:
        arr = check_float_array("theta", theta)
        if arr.ndim == 0 or arr.shape[-1] != self.dim:
            raise ValueError(f"theta must have shape (..., {self.dim}) for {self.name}, got {arr.shape}")
        return arr

    @property
    def min_value(self) -> float:
        """The smallest value of J over the known minimizers."""
        return float(np.min(self.value(np.asarray(self.minima, dtype=float))))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Quadratic(Problem):
    r"""J(θ) = ½ (θ − θ*)ᵀ H (θ − θ*), with H symmetric positive definite.

    ∇J(θ) = H (θ − θ*). The eigenvalues of H are the curvatures along its eigenvectors;
    κ = λ_max / λ_min, the condition number, is the shape of the ravine.
    """

    def __init__(self, hessian: Sequence[Sequence[float]], minimizer: Optional[Sequence[float]] = None):
        H = check_real_array("hessian", hessian)
        if H.ndim != 2 or H.shape[0] != H.shape[1] or H.shape[0] == 0:
            raise ValueError(f"hessian must be a square (d, d) matrix, got shape {H.shape}")
        if not np.allclose(H, H.T):
            raise ValueError("hessian must be a symmetric matrix")
        eig = np.linalg.eigvalsh(H)
        if eig[0] <= 0:
            raise ValueError(f"hessian must be positive definite, got smallest eigenvalue {eig[0]:g}")
        self.dim = H.shape[0]
        x_star = np.zeros(self.dim) if minimizer is None else check_real_array("minimizer", minimizer)
        if x_star.shape != (self.dim,):
            raise ValueError(f"minimizer must be a finite vector of length {self.dim}, got {minimizer!r}")
        self.H = H
        self.minimizer = x_star
        self.minima = x_star[None, :]
        self.eigenvalues = eig
        self.name = f"quadratic (κ = {self.condition_number:g})"
        offset = np.ones(self.dim)
        offset[0] = -1.5
        self.start = tuple(float(c) for c in x_star + offset)
        self.xlim = (float(x_star[0] - 2), float(x_star[0] + 2))
        self.ylim = (float(x_star[1] - 2), float(x_star[1] + 2)) if self.dim > 1 else (-2.0, 2.0)

    @classmethod
    def with_condition_number(
        cls, kappa: float, dim: int = 2, largest: float = 1.0, angle: float = 0.0
    ) -> "Quadratic":
        """A quadratic with eigenvalues spread geometrically from largest/κ to largest.

        In 2-D the first coordinate is the flat direction and the second the steep one;
        ``angle`` (radians) rotates the ravine.
        """
        kappa = check_scalar("kappa", kappa, 1.0)
        dim = check_int("dim", dim, 1)
        largest = check_scalar("largest", largest, 0.0, low_open=True)
        angle = check_scalar("angle", angle, -math.inf)
        lam = np.geomspace(largest / kappa, largest, dim)
        Q = np.eye(dim)
        if dim >= 2:
            c, s = math.cos(angle), math.sin(angle)
            Q[:2, :2] = [[c, -s], [s, c]]
        return cls(Q @ np.diag(lam) @ Q.T)

    @property
    def condition_number(self) -> float:
        return float(self.eigenvalues[-1] / self.eigenvalues[0])

    def value(self, theta):
        d = self._theta(theta) - self.minimizer
        return 0.5 * np.sum(d * (d @ self.H), axis=-1)

    def grad(self, theta):
        d = self._theta(theta) - self.minimizer
        return d @ self.H


class Rosenbrock(Problem):
    r"""J(x, y) = (a − x)² + b (y − x²)²: a curved, flat-bottomed valley; minimum at (a, a²)."""

    name = "Rosenbrock"
    xlim = (-2.0, 2.0)
    ylim = (-1.0, 3.0)
    start = (-1.5, 2.0)

    def __init__(self, a: float = 1.0, b: float = 100.0):
        self.a = check_scalar("a", a, -math.inf)
        self.b = check_scalar("b", b, 0.0, low_open=True)
        self.minima = np.array([[self.a, self.a**2]])

    def value(self, theta):
        x, y = np.moveaxis(self._theta(theta), -1, 0)
        return (self.a - x) ** 2 + self.b * (y - x**2) ** 2

    def grad(self, theta):
        x, y = np.moveaxis(self._theta(theta), -1, 0)
        dx = -2 * (self.a - x) - 4 * self.b * x * (y - x**2)
        dy = 2 * self.b * (y - x**2)
        return np.stack([dx, dy], axis=-1)


class Beale(Problem):
    r"""J(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²; minimum at (3, 0.5)."""

    name = "Beale"
    xlim = (-4.5, 4.5)
    ylim = (-4.5, 4.5)
    start = (1.0, 1.5)
    minima = np.array([[3.0, 0.5]])
    _c = (1.5, 2.25, 2.625)

    def value(self, theta):
        x, y = np.moveaxis(self._theta(theta), -1, 0)
        return sum((c - x + x * y ** (k + 1)) ** 2 for k, c in enumerate(self._c))

    def grad(self, theta):
        x, y = np.moveaxis(self._theta(theta), -1, 0)
        dx = np.zeros_like(x)
        dy = np.zeros_like(y)
        for k, c in enumerate(self._c):
            r = c - x + x * y ** (k + 1)
            dx = dx + 2 * r * (y ** (k + 1) - 1)
            dy = dy + 2 * r * (k + 1) * x * y**k
        return np.stack([dx, dy], axis=-1)


class Saddle(Problem):
    r"""J(x, y) = x²/2 + y⁴/4 − y²/2: a saddle point at the origin between minima at (0, ±1).

    At the origin the Hessian is diag(1, −1): a minimum along x, a maximum along y.
    """

    name = "saddle"
    xlim = (-1.5, 1.5)
    ylim = (-1.5, 1.5)
    start = (1.0, 1e-3)
    minima = np.array([[0.0, 1.0], [0.0, -1.0]])

    def value(self, theta):
        x, y = np.moveaxis(self._theta(theta), -1, 0)
        return 0.5 * x**2 + 0.25 * y**4 - 0.5 * y**2

    def grad(self, theta):
        x, y = np.moveaxis(self._theta(theta), -1, 0)
        return np.stack([x, y**3 - y], axis=-1)


class Himmelblau(Problem):
    r"""J(x, y) = (x² + y − 11)² + (x + y² − 7)²: four minima of equal value 0, a maximum and four saddles."""

    name = "Himmelblau"
    xlim = (-5.0, 5.0)
    ylim = (-5.0, 5.0)
    start = (0.0, -0.5)
    minima = np.array(
        [
            [3.0, 2.0],
            [-2.805118086952745, 3.131312518250573],
            [-3.779310253377747, -3.283185991286170],
            [3.584428340330492, -1.848126526964404],
        ]
    )

    def value(self, theta):
        x, y = np.moveaxis(self._theta(theta), -1, 0)
        return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2

    def grad(self, theta):
        x, y = np.moveaxis(self._theta(theta), -1, 0)
        a = x**2 + y - 11
        b = x + y**2 - 7
        return np.stack([4 * x * a + 2 * b, 2 * a + 4 * y * b], axis=-1)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^{−z}), computed without overflow for large |z| (σ(±∞) = 1, 0)."""
    return _sigmoid(check_real_array("z", z, finite=False, dtype=None))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


class SigmoidNeuron(Problem):
    r"""One sigmoid neuron f(x) = σ(w x + b) fitted to n points by squared error (source 001's toy).

        J(w, b) = (1/2n) Σᵢ (σ(w xᵢ + b) − yᵢ)²

    About ``sparsity`` of the inputs xᵢ are set to zero, so the gradient along w is zero for
    most points while the gradient along b never is. The targets are produced by a neuron with
    weights (w_true, b_true), which is therefore the minimizer (J = 0).
    """

    name = "sigmoid neuron"
    xlim = (-7.0, 7.0)
    ylim = (-7.0, 7.0)
    start = (-6.0, -6.0)

    def __init__(
        self,
        n: int = 100,
        sparsity: float = 0.8,
        w_true: float = 2.0,
        b_true: float = -1.0,
        seed: int = 0,
    ):
        self.n = check_int("n", n, 1)
        self.sparsity = check_scalar("sparsity", sparsity, 0.0, 1.0)
        w_true = check_scalar("w_true", w_true, -math.inf)
        b_true = check_scalar("b_true", b_true, -math.inf)
        rng = np.random.default_rng(check_int("seed", seed, 0))
        x = rng.uniform(-2.0, 2.0, size=self.n)
        x[rng.random(self.n) < self.sparsity] = 0.0
        self.x = x
        self.y = _sigmoid(w_true * x + b_true)
        self.minima = np.array([[w_true, b_true]])

    def value(self, theta):
        w, b = np.moveaxis(self._theta(theta), -1, 0)
        f = _sigmoid(w[..., None] * self.x + b[..., None])
        return 0.5 * np.mean((f - self.y) ** 2, axis=-1)

    def grad(self, theta):
        w, b = np.moveaxis(self._theta(theta), -1, 0)
        f = _sigmoid(w[..., None] * self.x + b[..., None])
        r = (f - self.y) * f * (1 - f)  # ∂J/∂z for each point, times n
        return np.stack([np.mean(r * self.x, axis=-1), np.mean(r, axis=-1)], axis=-1)


class LinearRegression(Problem):
    r"""Least squares on synthetic data: J(θ) = (1/2n) ‖Xθ − y‖², with minibatch gradients.

    X has n rows of d standard normal features, y = Xθ_true + noise. The exact minimizer is
    the least-squares solution. ``minibatch_grad`` gives the gradient on a subset of rows,
    an unbiased estimate of ∇J when the rows are drawn uniformly.
    """

    name = "linear regression"

    def __init__(self, n: int = 500, dim: int = 2, noise: float = 0.5, scales: Optional[Sequence[float]] = None, seed: int = 0):
        self.n = check_int("n", n, 1)
        self.dim = check_int("dim", dim, 1)
        noise = check_scalar("noise", noise, 0.0)
        rng = np.random.default_rng(check_int("seed", seed, 0))
        X = rng.standard_normal((self.n, self.dim))
        if scales is not None:
            s = check_real_array("scales", scales)
            if s.shape != (self.dim,) or np.any(s <= 0):
                raise ValueError(f"scales must be {self.dim} positive finite numbers, got {scales!r}")
            X = X * s
        theta_true = rng.uniform(-1.0, 1.0, size=self.dim)
        self.X = X
        self.y = X @ theta_true + noise * rng.standard_normal(self.n)
        self.theta_true = theta_true
        self.minimizer = np.linalg.lstsq(X, self.y, rcond=None)[0]
        self.minima = self.minimizer[None, :]
        self.start = tuple(float(c) for c in self.minimizer + 2.0)
        self.xlim = (float(self.minimizer[0] - 3), float(self.minimizer[0] + 3))
        self.ylim = (float(self.minimizer[1] - 3), float(self.minimizer[1] + 3)) if self.dim > 1 else (-3.0, 3.0)

    def value(self, theta):
        r = self._theta(theta) @ self.X.T - self.y
        return 0.5 * np.mean(r**2, axis=-1)

    def grad(self, theta):
        return self.minibatch_grad(theta, np.arange(self.n))

    def minibatch_grad(self, theta, rows: np.ndarray) -> np.ndarray:
        """∇ of (1/2|B|) Σ_{i∈B} (xᵢᵀθ − yᵢ)² for the rows B; ``rows`` may be batched, shape (..., |B|).

        ``rows`` holds integer indices in [0, n − 1], at least one per batch; its leading axes
        broadcast against those of ``theta``.
        """
        theta = self._theta(theta)
        rows = check_int_array("rows", rows, 0, self.n - 1)
        if rows.ndim == 0 or rows.shape[-1] == 0:
            raise ValueError(f"rows must have shape (..., |B|) with |B| >= 1, got {rows.shape}")
        try:
            np.broadcast_shapes(theta.shape[:-1], rows.shape[:-1])
        except ValueError:
            raise ValueError(
                f"rows has batch axes {rows.shape[:-1]}, which do not broadcast against theta's {theta.shape[:-1]}"
            ) from None
        Xb = self.X[rows]  # (..., |B|, d)
        r = np.einsum("...bd,...d->...b", Xb, theta) - self.y[rows]
        return np.einsum("...b,...bd->...d", r, Xb) / rows.shape[-1]


#: The 2-D test functions of the book, by short name (used by explorers and figures).
TEST_FUNCTIONS = {
    "ravine": lambda: Quadratic.with_condition_number(25.0),
    "rosenbrock": Rosenbrock,
    "beale": Beale,
    "saddle": Saddle,
    "himmelblau": Himmelblau,
    "sigmoid neuron": SigmoidNeuron,
}
