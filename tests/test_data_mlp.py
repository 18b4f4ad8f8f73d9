"""The data problems of the "which optimizer?" chapter: gradients by finite differences, shapes, bad input."""

import numpy as np
import pytest

import optim_lib as ol
from optim_lib.problems.data import LogisticRegression, load_digits_split
from optim_lib.problems.mlp import MLP


@pytest.fixture(scope="module")
def split():
    return load_digits_split(n_train=60, seed=1)


def central_difference(problem, theta, idx, h=1e-6):
    e = np.zeros_like(theta)
    e[..., idx] = h
    return (problem.value(theta + e) - problem.value(theta - e)) / (2 * h)


@pytest.mark.parametrize("l2", [0.0, 0.1])
def test_logistic_gradient_matches_finite_differences(split, l2):
    p = LogisticRegression(split.X_train, split.y_train, l2=l2)
    theta = np.random.default_rng(0).normal(scale=0.3, size=(2, p.dim))
    g = p.grad(theta)
    for idx in np.random.default_rng(1).choice(p.dim, 25, replace=False):
        np.testing.assert_allclose(g[..., idx], central_difference(p, theta, idx), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("sizes", [(64, 10), (64, 8, 10), (64, 6, 5, 10)])
def test_mlp_gradient_matches_finite_differences(split, sizes):
    p = MLP(split.X_train, split.y_train, sizes)
    theta = p.init_params(seed=3, batch=(2, 2)) + 0.05
    g = p.grad(theta)
    assert g.shape == theta.shape
    for idx in np.random.default_rng(2).choice(p.dim, 30, replace=False):
        np.testing.assert_allclose(g[..., idx], central_difference(p, theta, idx), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("sizes", [(64, 10), (64, 8, 10)])
def test_mlp_squared_loss_gradient_matches_finite_differences(split, sizes):
    p = MLP(split.X_train, split.y_train, sizes, loss="mse")
    theta = p.init_params(seed=4, batch=(2,)) + 0.05
    g = p.grad(theta)
    for idx in np.random.default_rng(5).choice(p.dim, 30, replace=False):
        np.testing.assert_allclose(g[..., idx], central_difference(p, theta, idx), rtol=1e-5, atol=1e-8)
    # J = (1/2n) Σᵢ ‖zᵢ − e_{yᵢ}‖² on the logits, not the cross-entropy
    z = p.logits(theta[0])
    onehot = np.eye(10)[split.y_train]
    assert p.value(theta[0]) == pytest.approx(0.5 * np.mean(np.sum((z - onehot) ** 2, axis=1)), rel=1e-12)
    assert p.value(theta[0]) != pytest.approx(MLP(split.X_train, split.y_train, sizes).value(theta[0]), rel=1e-3)


def test_batched_equals_one_at_a_time(split):
    p = MLP(split.X_train, split.y_train, (64, 7, 10))
    theta = p.init_params(seed=0, batch=(3,))
    for i in range(3):
        np.testing.assert_allclose(p.value(theta)[i], p.value(theta[i]), rtol=1e-13)
        np.testing.assert_allclose(p.grad(theta)[i], p.grad(theta[i]), rtol=1e-12, atol=1e-15)


def test_zero_parameters_give_log_of_class_count(split):
    p = LogisticRegression(split.X_train, split.y_train)
    assert p.value(np.zeros(p.dim)) == pytest.approx(np.log(10))
    assert p.accuracy(np.zeros(p.dim), split.X_test, split.y_test).shape == ()


def test_training_reduces_loss_and_runs_a_learning_rate_grid(split):
    p = MLP(split.X_train, split.y_train, (64, 8, 10))
    theta0 = p.init_params(seed=0, batch=(3, 2))
    lr = np.array([1e-3, 1e-2, 1e-1])[:, None, None]
    tr = ol.run(ol.Adam(lr=lr), p, theta0, 30)
    assert tr.losses.shape == (31, 3, 2)
    assert np.all(tr.losses[-1, 2] < tr.losses[0, 2])
    acc = p.accuracy(tr.final, split.X_test, split.y_test)
    assert acc.shape == (3, 2) and np.all((0 <= acc) & (acc <= 1))


def test_split_is_deterministic_and_disjoint():
    a, b = load_digits_split(100, seed=5), load_digits_split(100, seed=5)
    np.testing.assert_array_equal(a.X_test, b.X_test)
    assert len(a.y_train) == 100 and len(a.y_train) + len(a.y_test) == 1797


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda s: LogisticRegression(s.X_train, s.y_train[:-1]), r"y must be an integer vector of length 60, got shape \(59,\)"),
        (lambda s: LogisticRegression(s.X_train, s.y_train + 10), r"labels must be in \[0, 9\], got range \[10, 19\]"),
        (lambda s: LogisticRegression(s.X_train, s.y_train.astype(float)), r"y must be an integer vector .* dtype float64"),
        (lambda s: LogisticRegression(s.X_train[0], s.y_train), r"X must be a non-empty \(n, features\) matrix, got shape \(64,\)"),
        (lambda s: LogisticRegression(s.X_train, s.y_train, l2=-1.0), r"l2 must be in \[0, inf\), got -1.0"),
        (lambda s: LogisticRegression(s.X_train, s.y_train, n_classes=1), r"n_classes must be in \[2, inf\), got 1"),
        (lambda s: MLP(s.X_train, s.y_train, (64,)), r"sizes needs at least an input and an output width, got \(64,\)"),
        (lambda s: MLP(s.X_train, s.y_train, (63, 10)), r"X has 64 columns but sizes\[0\] is 63"),
        (lambda s: MLP(s.X_train, s.y_train, (64, 0, 10)), r"sizes\[1\] must be in \[1, inf\), got 0"),
        (lambda s: MLP(s.X_train, s.y_train, (64, 1)), r"the output width \(number of classes\) must be at least 2, got 1"),
        (lambda s: MLP(np.full_like(s.X_train, np.nan), s.y_train), "X must be finite"),
        (lambda s: MLP(s.X_train, s.y_train, loss="hinge"), r"loss must be 'cross_entropy' or 'mse', got 'hinge'"),
        (lambda s: MLP(s.X_train, s.y_train).init_params(seed=-1), r"seed must be in \[0, inf\), got -1"),
        (lambda s: MLP(s.X_train, s.y_train).grad(np.zeros(5)), r"theta must have shape \(\.\.\., 2410\) for MLP 64-32-10, got \(5,\)"),
        (lambda s: LogisticRegression(s.X_train, s.y_train).value(np.zeros((2, 3))),
         r"theta must have shape \(\.\.\., 650\) for logistic regression, got \(2, 3\)"),
        (lambda s: LogisticRegression(s.X_train, s.y_train).accuracy(np.zeros(650), s.X_test[:, :5], s.y_test),
         "X must have 64 columns, got 5"),
    ],
)
def test_bad_input_raises_value_error(split, make, match):
    with pytest.raises(ValueError, match=match):
        make(split)


def test_bad_split_arguments():
    with pytest.raises(ValueError, match=r"n_train must be in \[1, 1796\], got 0"):
        load_digits_split(0)
    with pytest.raises(ValueError, match=r"seed must be in \[0, inf\), got -2"):
        load_digits_split(100, seed=-2)


def test_forward_cache_sees_changed_parameters(split):
    p = MLP(split.X_train, split.y_train, (64, 5, 10))
    theta = p.init_params(seed=0)
    v0 = p.value(theta)
    theta[:10] += 0.5  # mutate in place: the cached forward pass must not be reused
    fresh = MLP(split.X_train, split.y_train, (64, 5, 10))
    assert p.value(theta) == fresh.value(theta) != v0
    np.testing.assert_array_equal(p.grad(theta), fresh.grad(theta))


def test_logistic_cache_sees_changed_parameters(split):
    p = LogisticRegression(split.X_train, split.y_train)
    theta = np.zeros(p.dim)
    p.value(theta)
    theta[0] = 3.0  # in-place change after a cached evaluation
    fresh = LogisticRegression(split.X_train, split.y_train)
    assert p.value(theta) == fresh.value(theta)
    np.testing.assert_array_equal(p.grad(theta), fresh.grad(theta))
