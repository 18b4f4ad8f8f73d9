"""Second derivatives from gradients (optim_lib.experiments.hessian), against Hessians written out by hand,
and the two Adam conventions of optim_lib.optimizers.adam_variants against torch.optim."""

import numpy as np
import pytest
from required import require

import optim_lib as ol


def rosenbrock_hessian(x, y, b=100.0):
    """∂²/∂x² = 2 − 4b(y − 3x²), ∂²/∂x∂y = −4bx, ∂²/∂y² = 2b, for J = (1 − x)² + b(y − x²)²."""
    return np.array([[2 - 4 * b * (y - 3 * x**2), -4 * b * x], [-4 * b * x, 2 * b]])


def test_hessian_of_a_quadratic_is_its_matrix():
    A = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, -0.5], [0.0, -0.5, 0.2]])
    q = ol.Quadratic(A)
    np.testing.assert_allclose(ol.hessian(q.grad, np.array([0.3, -2.0, 5.0])), A, atol=1e-8)


@pytest.mark.parametrize("point", [(-1.5, 2.0), (1.0, 1.0), (0.2, -0.7)])
def test_hessian_of_rosenbrock_matches_the_formula(point):
    H = ol.hessian(ol.Rosenbrock().grad, np.array(point))
    np.testing.assert_allclose(H, rosenbrock_hessian(*point), rtol=1e-6, atol=1e-4)


def test_hvp_scales_with_the_vector_and_matches_H_v():
    theta, v = np.array([0.2, -0.7]), np.array([3.0, -4.0])
    H = rosenbrock_hessian(*theta)
    np.testing.assert_allclose(ol.hvp(ol.Rosenbrock().grad, theta, v), H @ v, rtol=1e-6)
    np.testing.assert_array_equal(ol.hvp(ol.Rosenbrock().grad, theta, np.zeros(2)), np.zeros(2))


def test_sharpness_finds_the_largest_eigenvalue_and_its_vector():
    rng = np.random.default_rng(3)
    Q, _ = np.linalg.qr(rng.standard_normal((20, 20)))
    eigs = np.geomspace(0.01, 10.0, 20)  # λ_max = 10, next 6.95: power iteration converges like 0.695^k
    q = ol.Quadratic(Q @ np.diag(eigs) @ Q.T)
    lam, v = ol.top_eigenpair(q.grad, np.zeros(20), iters=80)
    assert lam == pytest.approx(10.0, rel=1e-6)
    assert abs(v @ Q[:, -1]) == pytest.approx(1.0, abs=1e-5)
    few = ol.sharpness(q.grad, np.zeros(20), iters=3)
    assert few < 10.0 - 1e-3  # a Rayleigh quotient is below λ_max until the iteration has converged
    # a warm start from the converged vector needs a single product
    assert ol.sharpness(q.grad, np.zeros(20), iters=1, v0=v) == pytest.approx(10.0, rel=1e-9)


def test_sharpness_of_rosenbrock_at_its_minimum():
    lam_max = float(np.linalg.eigvalsh(rosenbrock_hessian(1.0, 1.0))[-1])  # 1001.6: GD is stable for η < 2/λ_max
    assert ol.sharpness(ol.Rosenbrock().grad, np.array([1.0, 1.0]), iters=30) == pytest.approx(lam_max, rel=1e-6)


def _torch_adam_run(weight_decay, eps, steps=40):
    torch = require("torch")
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    theta0, grads = rng.standard_normal(5), rng.standard_normal((steps, 5)) * np.geomspace(1e-4, 10, 5)
    p = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.05, betas=(0.8, 0.99), eps=eps, weight_decay=weight_decay)
    out = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        out.append(p.detach().numpy().copy())
    return theta0, grads, np.array(out)


def _run(opt, theta0, grads):
    theta, state, out = theta0.copy(), opt.init(theta0), []
    for g in grads:
        theta, state = opt.step(theta, g, state)
        out.append(theta)
    return np.array(out)


def test_adam_l2_is_torch_adam_with_weight_decay():
    theta0, grads, ref = _torch_adam_run(weight_decay=0.3, eps=1e-8)
    np.testing.assert_allclose(_run(ol.AdamL2(lr=0.05, beta1=0.8, beta2=0.99, weight_decay=0.3), theta0, grads), ref,
                               rtol=1e-12, atol=1e-14)
    # and it is not AdamW: decoupled decay takes another path
    adamw = _run(ol.AdamW(lr=0.05, beta1=0.8, beta2=0.99, weight_decay=0.3), theta0, grads)
    assert np.max(np.abs(adamw - ref)) > 1e-3


def test_keras_adam_is_torch_adam_with_a_step_dependent_eps():
    """Keras's ε is added to √v_t: torch's Adam with ε_t = ε/√(1 − β₂ᵗ) takes the same steps. torch cannot
    change ε between steps from outside, so each step is compared from the same state."""
    torch = require("torch")
    rng = np.random.default_rng(1)
    theta0, grads = rng.standard_normal(4), rng.standard_normal((30, 4)) * np.array([1e-6, 1e-3, 1.0, 10.0])
    eps, beta2 = 1e-3, 0.99
    keras = _run(ol.KerasAdam(lr=0.05, beta1=0.9, beta2=beta2, eps=eps), theta0, grads)
    p = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.05, betas=(0.9, beta2), eps=eps)
    ref = []
    for t, g in enumerate(grads, start=1):
        opt.param_groups[0]["eps"] = eps / np.sqrt(1 - beta2**t)
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        ref.append(p.detach().numpy().copy())
    np.testing.assert_allclose(keras, np.array(ref), rtol=1e-10, atol=1e-13)
    # with torch's constant ε instead, the runs part where ε matters (the coordinate with g ~ 1e-6)
    plain = _run(ol.Adam(lr=0.05, beta1=0.9, beta2=beta2, eps=eps), theta0, grads)
    assert np.max(np.abs(plain[:, 0] - keras[:, 0])) > 1e-6


def test_keras_adam_default_eps_is_keras_default():
    assert ol.KerasAdam().eps == 1e-7 and ol.Adam().eps == 1e-8


def test_lanczos_finds_the_largest_eigenvalue_in_few_products():
    rng = np.random.default_rng(4)
    Q, _ = np.linalg.qr(rng.standard_normal((50, 50)))
    eigs = np.concatenate([np.linspace(0.0, 9.0, 49), [10.0]])  # gap 1 at the top: power iteration needs ~100 products
    q = ol.Quadratic(Q @ np.diag(eigs + 1e-3) @ Q.T)
    lam, v = ol.lanczos_top(q.grad, np.zeros(50), k=20)
    assert lam == pytest.approx(10.001, rel=1e-8)
    assert abs(v @ Q[:, -1]) == pytest.approx(1.0, abs=1e-6) and np.linalg.norm(v) == pytest.approx(1.0)
    assert ol.sharpness(q.grad, np.zeros(50), iters=20) < 10.001 - 1e-2  # power iteration is not there yet
    # a Krylov space that closes early (a matrix with 3 distinct eigenvalues) stops without dividing by zero
    small = ol.Quadratic(np.diag([1.0, 1.0, 2.0, 5.0]))
    assert ol.lanczos_top(small.grad, np.zeros(4), k=10)[0] == pytest.approx(5.0, rel=1e-8)


def test_lanczos_on_rosenbrock_matches_the_formula():
    lam_max = float(np.linalg.eigvalsh(rosenbrock_hessian(0.2, -0.7))[-1])
    assert ol.lanczos_top(ol.Rosenbrock().grad, np.array([0.2, -0.7]), k=2)[0] == pytest.approx(lam_max, rel=1e-6)
