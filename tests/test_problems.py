"""The test problems: analytic gradients, minimizers, batching, and bad input."""

import numpy as np
import pytest

import optim_lib as ol

PROBLEMS = [
    ol.Quadratic.with_condition_number(50.0, angle=0.3),
    ol.Quadratic([[2.0, 0.5, 0.0], [0.5, 1.0, 0.0], [0.0, 0.0, 3.0]], minimizer=[1.0, 2.0, 3.0]),
    ol.Rosenbrock(),
    ol.Beale(),
    ol.Saddle(),
    ol.Himmelblau(),
    ol.SigmoidNeuron(),
    ol.LinearRegression(n=50, dim=3),
]


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.name)
def test_gradient_matches_finite_differences(problem):
    rng = np.random.default_rng(0)
    theta = rng.normal(size=(4, problem.dim))
    h = 1e-6
    numeric = np.stack(
        [(problem.value(theta + h * e) - problem.value(theta - h * e)) / (2 * h) for e in np.eye(problem.dim)],
        axis=-1,
    )
    np.testing.assert_allclose(problem.grad(theta), numeric, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.name)
def test_batched_evaluation_equals_one_by_one(problem):
    rng = np.random.default_rng(1)
    theta = rng.normal(size=(2, 3, problem.dim))
    v, g = problem.value(theta), problem.grad(theta)
    assert v.shape == (2, 3) and g.shape == theta.shape
    np.testing.assert_allclose(v[1, 2], problem.value(theta[1, 2]))
    np.testing.assert_allclose(g[0, 1], problem.grad(theta[0, 1]))


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.name)
def test_known_minima_are_stationary(problem):
    g = problem.grad(np.asarray(problem.minima, dtype=float))
    assert np.max(np.abs(g)) < 1e-5


def test_quadratic_condition_number_and_minimizer():
    q = ol.Quadratic.with_condition_number(100.0, largest=2.0)
    assert q.condition_number == pytest.approx(100.0)
    np.testing.assert_allclose(q.eigenvalues, [0.02, 2.0])
    assert q.value(np.zeros(2)) == 0.0


def test_sigmoid_neuron_has_a_sparse_feature():
    p = ol.SigmoidNeuron(n=100, sparsity=0.8, seed=0)
    zero_fraction = np.mean(p.x == 0)
    assert 0.7 < zero_fraction < 0.9
    assert p.value(p.minima[0]) == pytest.approx(0.0, abs=1e-15)


def test_minibatch_gradient_is_unbiased():
    p = ol.LinearRegression(n=40, dim=2, seed=3)
    theta = np.array([0.3, -0.2])
    rows = np.arange(40).reshape(8, 5)  # eight disjoint minibatches that cover the data
    np.testing.assert_allclose(p.minibatch_grad(theta, rows).mean(axis=0), p.grad(theta), rtol=1e-12)


@pytest.mark.parametrize(
    "make,message",
    [
        (lambda: ol.Quadratic([[1.0, 0.0], [0.0, -1.0]]), "positive definite"),
        (lambda: ol.Quadratic([[1.0, 2.0, 3.0]]), "square"),
        (lambda: ol.Quadratic.with_condition_number(0.5), r"kappa must be in \[1, inf\)"),
        (lambda: ol.SigmoidNeuron(sparsity=1.5), r"sparsity must be in \[0, 1\]"),
        (lambda: ol.SigmoidNeuron(n=0), r"n must be in \[1, inf\)"),
        (lambda: ol.LinearRegression(noise=-1.0), r"noise must be in \[0, inf\)"),
        (lambda: ol.Rosenbrock(b=0.0), r"b must be in \(0, inf\)"),
    ],
)
def test_bad_problem_arguments_raise(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_wrong_theta_shape_raises():
    with pytest.raises(ValueError, match=r"theta must have shape \(\.\.\., 2\)"):
        ol.Rosenbrock().value(np.zeros(3))
    with pytest.raises(ValueError, match="theta must be a floating-point array"):
        ol.Beale().grad(np.array([1, 2]))
