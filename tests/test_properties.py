"""Properties every optimizer must have: purity, shapes, dtypes, broadcasting, invariances, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import optim_lib as ol

ALL = {
    "SGD": lambda: ol.SGD(lr=0.05),
    "Momentum": lambda: ol.Momentum(lr=0.05),
    "Nesterov": lambda: ol.Nesterov(lr=0.05),
    "AdaGrad": lambda: ol.AdaGrad(),
    "RMSprop": lambda: ol.RMSprop(),
    "AdaDelta": lambda: ol.AdaDelta(),
    "Adam": lambda: ol.Adam(),
}
NAMES = list(ALL)


def run_steps(opt, theta, n, grad=lambda th: 2 * th + np.sin(th)):
    state = opt.init(theta)
    for _ in range(n):
        theta, state = opt.step(theta, grad(theta), state)
    return theta, state


@pytest.mark.parametrize("name", NAMES)
def test_step_is_pure(name):
    opt = ALL[name]()
    theta = np.array([[1.0, -2.0], [0.5, 3.0]])
    theta_copy = theta.copy()
    state = opt.init(theta)
    theta, state = opt.step(theta, 2 * theta, state)  # a non-trivial state
    saved = [f.copy() if isinstance(f, np.ndarray) else f for f in state]
    before = theta.copy()
    g = np.sin(theta)
    g_copy = g.copy()
    opt.step(theta, g, state)
    np.testing.assert_array_equal(theta, before)
    np.testing.assert_array_equal(g, g_copy)
    for a, b in zip(state, saved):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(theta_copy, theta)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3, 4)])
def test_shape_and_dtype_kept(name, dtype, shape):
    opt = ALL[name]()
    theta = np.full(shape, 0.7, dtype=dtype)
    out, state = run_steps(opt, theta, 3)
    assert out.shape == shape and out.dtype == dtype
    for f in state:
        if isinstance(f, np.ndarray):
            assert f.shape == shape and f.dtype == dtype


@pytest.mark.parametrize("name", NAMES)
def test_float32_with_float64_array_hyperparameter_stays_float32(name):
    opt = ALL[name]()
    hp = opt.get_hyperparameters()
    hp["lr"] = np.array([hp["lr"], hp["lr"] / 2])
    opt = type(opt)(**hp)
    out, _ = run_steps(opt, np.ones(2, dtype=np.float32), 2)
    assert out.dtype == np.float32


def test_momentum_zero_is_sgd():
    theta = np.array([1.0, -2.0, 0.3])
    a, _ = run_steps(ol.Momentum(lr=0.1, momentum=0.0), theta, 50)
    b, _ = run_steps(ol.SGD(lr=0.1), theta, 50)
    np.testing.assert_array_equal(a, b)


@given(scale=st.floats(1e-3, 1e3), seed=st.integers(0, 2**16))
@settings(max_examples=40, deadline=None)
def test_adam_is_invariant_to_gradient_scale(scale, seed):
    """With ε = 0, multiplying every gradient by c > 0 leaves Adam's steps unchanged."""
    rng = np.random.default_rng(seed)
    grads = rng.normal(size=(20, 4))
    opt = ol.Adam(lr=0.01, eps=0.0)
    theta_a = theta_b = np.zeros(4)
    sa = sb = opt.init(theta_a)
    for g in grads:
        theta_a, sa = opt.step(theta_a, g, sa)
        theta_b, sb = opt.step(theta_b, scale * g, sb)
    np.testing.assert_allclose(theta_a, theta_b, rtol=1e-9, atol=1e-13)


@given(seed=st.integers(0, 2**16), lr=st.floats(1e-4, 1.0))
@settings(max_examples=40, deadline=None)
def test_adagrad_effective_lr_never_increases(seed, lr):
    rng = np.random.default_rng(seed)
    opt = ol.AdaGrad(lr=lr)
    theta = rng.normal(size=3)
    state = opt.init(theta)
    prev = opt.effective_lr(state)
    for _ in range(30):
        g = rng.normal(size=3) * rng.integers(0, 2, size=3)  # some coordinates get zero gradient
        theta, state = opt.step(theta, g, state)
        now = opt.effective_lr(state)
        assert np.all(now <= prev)
        prev = now


@pytest.mark.parametrize("name", ["SGD", "Momentum", "Nesterov", "RMSprop", "Adam"])
def test_a_grid_of_hyperparameters_is_one_call(name):
    """A (lr × second hyperparameter) grid on a (4, 3, d) array equals 12 separate runs."""
    opt = ALL[name]()
    hp = opt.get_hyperparameters()
    lrs = np.array([0.01, 0.02, 0.05, 0.1])
    other = [k for k in hp if k not in ("lr", "eps")]
    values = {"momentum": [0.0, 0.5, 0.9], "rho": [0.5, 0.9, 0.99], "beta1": [0.0, 0.5, 0.9]}
    grid_hp = dict(hp, lr=lrs[:, None, None])
    if other:
        grid_hp[other[0]] = np.array(values[other[0]])[None, :, None] if name != "Nesterov" else np.array([0.3, 0.6, 0.9])[None, :, None]
    grid = type(opt)(**grid_hp)
    theta0 = np.broadcast_to(np.array([1.0, -1.5]), (4, 3, 2)).copy()
    out, _ = run_steps(grid, theta0, 25)
    for i in range(4):
        for j in range(3):
            single = dict(hp, lr=float(lrs[i]))
            if other:
                single[other[0]] = float(np.ravel(grid_hp[other[0]])[j])
            expected, _ = run_steps(type(opt)(**single), np.array([1.0, -1.5]), 25)
            np.testing.assert_allclose(out[i, j], expected, rtol=1e-13)


BAD_HYPERPARAMETERS = [
    (ol.SGD, {"lr": -0.1}, r"lr must be in \[0, inf\), got -0.1"),
    (ol.SGD, {"lr": math.nan}, r"lr must be finite"),
    (ol.SGD, {"lr": "fast"}, r"lr must be a real number"),
    (ol.SGD, {"lr": None}, r"lr must be a real number"),
    (ol.SGD, {"lr": True}, r"lr must be a real number"),
    (ol.Momentum, {"lr": 0.1, "momentum": 1.0}, r"momentum must be in \[0, 1\), got 1.0"),
    (ol.Momentum, {"lr": 0.1, "momentum": -0.5}, r"momentum must be in \[0, 1\)"),
    (ol.Nesterov, {"lr": 0.1, "momentum": 0.0}, r"momentum must be in \(0, 1\), got 0.0"),
    (ol.AdaGrad, {"eps": -1e-10}, r"eps must be in \[0, inf\)"),
    (ol.AdaGrad, {"lr": math.inf}, r"lr must be finite"),
    (ol.RMSprop, {"rho": 1.0}, r"rho must be in \[0, 1\), got 1.0"),
    (ol.AdaDelta, {"rho": 1.5}, r"rho must be in \[0, 1\)"),
    (ol.Adam, {"beta1": 1.0}, r"beta1 must be in \[0, 1\), got 1.0"),
    (ol.Adam, {"beta2": -0.1}, r"beta2 must be in \[0, 1\)"),
    (ol.Adam, {"beta2": np.array([0.9, 1.2])}, r"beta2 must be in \[0, 1\), got an array"),
    (ol.Adam, {"eps": np.array([1e-8, np.nan])}, r"eps must be finite"),
]


@pytest.mark.parametrize("cls,kwargs,message", BAD_HYPERPARAMETERS)
def test_bad_hyperparameters_raise(cls, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cls(**kwargs)


@pytest.mark.parametrize("name", NAMES)
def test_bad_arrays_raise(name):
    opt = ALL[name]()
    theta = np.zeros(3)
    state = opt.init(theta)
    with pytest.raises(ValueError, match=r"grad must have the shape of params \(3,\), got \(2,\)"):
        opt.step(theta, np.zeros(2), state)
    with pytest.raises(ValueError, match="params must be a floating-point array"):
        opt.step(np.zeros(3, dtype=int), np.zeros(3), state)
    with pytest.raises(ValueError, match="params must be a floating-point array"):
        opt.init(np.array([1, 2, 3]))
    with pytest.raises(ValueError, match="grad must be a floating-point array"):
        opt.step(theta, np.array([1, 2, 3]), state)


def test_hyperparameter_that_does_not_broadcast_raises():
    opt = ol.Adam(lr=np.array([0.1, 0.2, 0.3]))
    with pytest.raises(ValueError, match=r"lr has shape \(3,\), which does not broadcast"):
        opt.init(np.zeros((4, 2)))


def test_defaults_are_torchs():
    assert ol.AdaGrad().get_hyperparameters() == {"lr": 0.01, "eps": 1e-10}
    assert ol.RMSprop().get_hyperparameters() == {"lr": 0.01, "rho": 0.99, "eps": 1e-8}
    assert ol.AdaDelta().get_hyperparameters() == {"lr": 1.0, "rho": 0.9, "eps": 1e-6}
    assert ol.Adam().get_hyperparameters() == {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert ol.Momentum(0.1).momentum == 0.9 and ol.Nesterov(0.1).momentum == 0.9
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'lr'"):
        ol.SGD()  # the learning rate of plain SGD has no default, as in the book's contract


RANGES = {
    "lr": (1e-4, 1.0),
    "momentum": (0.01, 0.99),
    "eps": (1e-10, 1e-2),
    "rho": (0.0, 0.999),
    "beta1": (0.0, 0.999),
    "beta2": (0.0, 0.9999),
}


@given(
    name=st.sampled_from(NAMES),
    shape=st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple),
    dtype=st.sampled_from([np.float32, np.float64]),
    fractions=st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4),
    seed=st.integers(0, 2**16),
)
@settings(max_examples=150, deadline=None)
def test_random_hyperparameters_shapes_and_dtypes(name, shape, dtype, fractions, seed):
    """Any valid setting: finite output of the right shape and dtype, inputs untouched, and a
    step that does not increase J = ½‖θ‖² for a small enough learning rate's first step."""
    cls = type(ALL[name]())
    hp = {}
    for k, f in zip(cls.hyperparameters, fractions):
        lo, hi = RANGES[k]
        hp[k] = lo + f * (hi - lo)
    opt = cls(**hp)
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=shape).astype(dtype)
    g = theta.copy()  # gradient of ½‖θ‖²
    keep_theta, keep_g = theta.copy(), g.copy()
    state = opt.init(theta)
    new, state = opt.step(theta, g, state)
    assert new.shape == theta.shape and new.dtype == dtype
    assert np.all(np.isfinite(new))
    np.testing.assert_array_equal(theta, keep_theta)
    np.testing.assert_array_equal(g, keep_g)
    # the first step moves each coordinate against its gradient (or leaves it), never with it
    assert np.all((new - theta) * g <= 1e-6 * np.abs(g))
