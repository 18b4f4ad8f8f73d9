"""The study's minibatch models and the MNIST-1D reference models: analytic gradients against central
differences, batching, shapes."""

import numpy as np
import pytest

from optim_lib.problems.cnn import CNN1D, ConvNet1D
from optim_lib.problems.mlp import MLP, BatchedMLP, ResidualMLP, torch_default_init


def central_differences(model, theta, X, y, idx, h=1e-6):
    out = []
    for i in idx:
        e = np.zeros_like(theta)
        e[:, i] = h
        out.append((model.loss(theta + e, X, y) - model.loss(theta - e, X, y)) / (2 * h))
    return np.stack(out, axis=-1)


def _data(B, n, features, classes, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(B, n, features)), rng.integers(0, classes, size=(B, n))


MODELS = [
    lambda: CNN1D(length=40, channels=(4, 3), kernel=5, strides=(2, 1)),
    lambda: CNN1D(length=23, channels=(2, 5), kernel=3, strides=(1, 2), n_classes=4),
    lambda: BatchedMLP((40, 7, 6, 10), "relu"),
    lambda: BatchedMLP((12, 5, 3), "tanh"),
    lambda: ResidualMLP((40, 7, 7, 10)),
    lambda: ResidualMLP((12, 5, 5, 5, 3)),
    lambda: ConvNet1D(),
    lambda: ConvNet1D(23, ((3, 3, 1, 1), (4, 5, 2, 2)), n_classes=4),
    lambda: ConvNet1D(17, ((2, 4, 3, 0),), n_classes=3),
]


@pytest.mark.parametrize("make", MODELS)
def test_gradient_matches_finite_differences(make):
    model = make()
    features = model.n_features
    B = 3
    X, y = _data(B, 9, features, model.n_classes)
    theta = np.stack([model.init_params(seed=s) for s in range(B)])
    theta += np.random.default_rng(5).normal(scale=0.05, size=theta.shape)  # biases off zero, too
    loss, g = model.loss_grad(theta, X, y)
    assert loss.shape == (B,) and g.shape == theta.shape
    np.testing.assert_allclose(loss, model.loss(theta, X, y), rtol=1e-14)
    idx = np.random.default_rng(1).choice(model.dim, min(model.dim, 60), replace=False)
    np.testing.assert_allclose(g[:, idx], central_differences(model, theta, X, y, idx), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("make", MODELS)
def test_each_model_sees_only_its_own_batch(make):
    model = make()
    features = model.n_features
    X, y = _data(3, 6, features, model.n_classes, seed=2)
    theta = np.stack([model.init_params(seed=s) for s in range(3)])
    loss, g = model.loss_grad(theta, X, y)
    for b in range(3):
        l1, g1 = model.loss_grad(theta[b : b + 1], X[b : b + 1], y[b : b + 1])
        np.testing.assert_allclose(l1[0], loss[b], rtol=1e-13)
        np.testing.assert_allclose(g1[0], g[b], rtol=1e-11, atol=1e-15)


def test_evaluate_in_chunks_equals_one_pass():
    model = CNN1D(length=40, channels=(4, 3))
    X, y = _data(1, 37, 40, 10, seed=3)
    theta = np.stack([model.init_params(seed=s) for s in range(2)])
    loss, acc = model.evaluate(theta, X[0], y[0], chunk=10)
    np.testing.assert_allclose(loss, model.loss(theta, X[0], y[0]), rtol=1e-13)
    assert acc.shape == (2,) and np.all((acc >= 0) & (acc <= 1))


def test_batched_mlp_reads_the_same_vector_as_mlp():
    rng = np.random.default_rng(4)
    X, y = rng.uniform(size=(20, 8)), rng.integers(0, 3, 20)
    full = MLP(X, y, (8, 5, 3))
    mini = BatchedMLP((8, 5, 3), "tanh")
    theta = full.init_params(seed=1, batch=(2,))
    np.testing.assert_allclose(mini.loss(theta, X, y), full.value(theta), rtol=1e-13)
    np.testing.assert_allclose(mini.loss_grad(theta, X, y)[1], full.grad(theta), rtol=1e-11, atol=1e-15)


def test_matrices_and_vector_mask_cover_theta():
    for model in (CNN1D(), BatchedMLP((40, 100, 100, 10))):
        n_matrix = sum(r * c for _, r, c in model.matrices)
        assert n_matrix + model.vector_mask.sum() == model.dim


def test_bad_input():
    with pytest.raises(ValueError, match="activation"):
        BatchedMLP((4, 3), "sigmoid")
    with pytest.raises(ValueError, match="too short"):
        CNN1D(length=6)
    model = BatchedMLP((4, 3))
    with pytest.raises(ValueError, match="theta must have shape"):
        model.loss(np.zeros(model.dim), np.zeros((2, 4)), np.zeros(2, int))


def test_bad_data():
    model = CNN1D(length=40, channels=(2, 2))
    theta = model.init_params(0)[None]
    with pytest.raises(ValueError, match=r"X must be \(B, n, 40\)"):
        model.loss(theta, np.zeros((3, 39)), np.zeros(3, int))
    with pytest.raises(ValueError, match="integer labels"):
        model.loss(theta, np.zeros((3, 40)), np.array([0, 1, 10]))


def test_reference_models_have_the_reference_sizes():
    """greydanus/mnist1d notebooks/models.py: MLPBase has 15 210 parameters, ConvBase 5210 (40 → 19 → 10 → 5 positions)."""
    assert ResidualMLP((40, 100, 100, 10)).dim == 15210
    cnn = ConvNet1D()
    assert cnn.dim == 5210 and cnn.lengths == [40, 19, 10, 5] and cnn.features == 125
    for model in (ResidualMLP(), cnn):
        n_matrix = sum(r * c for _, r, c in model.matrices)
        assert n_matrix + model.vector_mask.sum() == model.dim


def test_torch_default_init_bounds():
    model = ConvNet1D()
    theta = torch_default_init(model, seed=3)
    np.testing.assert_array_equal(theta, model.init_params(seed=3))
    for (W, b), (a, _) in zip(model._layers(theta[None]), model._shapes):
        assert np.abs(W).max() <= 1 / np.sqrt(a) and np.abs(b).max() <= 1 / np.sqrt(a)
        assert np.abs(W).max() > 0.9 / np.sqrt(a)  # uniform over the whole ±1/√fan_in, not a narrower range


def test_residual_mlp_adds_the_skip():
    """With the second layer's weights and bias at zero its ReLU is 0, so the skip passes h₁ on:
    the residual network equals the plain MLP without that layer."""
    res, plain = ResidualMLP((6, 4, 4, 3)), BatchedMLP((6, 4, 3), "relu")
    theta = res.init_params(seed=1)
    (W1, c1), (W2, c2), (W3, c3) = [(W[0], c[0]) for W, c in res._layers(theta[None])]
    theta[res.matrices[1][0] : res.matrices[2][0]] = 0.0
    small = np.concatenate([W1.ravel(), c1, W3.ravel(), c3])
    X = np.random.default_rng(0).normal(size=(5, 6))
    y = np.arange(5) % 3
    np.testing.assert_allclose(res.loss(theta[None], X, y), plain.loss(small[None], X, y), rtol=1e-14)


def test_convnet_bad_input():
    with pytest.raises(ValueError, match="too short"):
        ConvNet1D(length=4, convs=((2, 5, 1, 0),))
    with pytest.raises(ValueError, match="hidden layer"):
        ResidualMLP((40, 100, 50, 10))
