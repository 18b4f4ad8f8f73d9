"""Large arrays: the sliced update and ``step_`` give the numbers of one whole-array ``update``.

``step`` applies an elementwise optimizer's ``update`` to cache-sized slices of a large array
(shared among threads), and ``step_`` writes the result over its inputs. Both must agree with
``update`` on the whole array bit for bit, for every optimizer, dtype and over several steps.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import optim_lib as ol
from optim_lib.optimizers import base

ELEMENTWISE = ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "AdaDelta", "Adam", "AMSGrad", "AdamW",
               "NAdam", "Lion"]
HYPER = {"SGD": {"lr": 0.1}, "Momentum": {"lr": 0.1}, "Nesterov": {"lr": 0.1}, "Lion": {"lr": 0.01, "weight_decay": 0.1}}


def make(name):
    return getattr(ol, name)(**HYPER.get(name, {}))


def problem(n, dtype, seed=0):
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal(n).astype(dtype)
    grads = [(rng.standard_normal(n) * 10.0 ** rng.uniform(-3, 1, n)).astype(dtype) for _ in range(4)]
    return theta, grads


def whole(opt, theta, grads):
    """The reference: ``update`` on the whole arrays, as for a small problem."""
    state = opt.init_state(theta)
    for g in grads:
        theta, state = opt.update(theta, g, state)
        theta = theta.astype(g.dtype, copy=False)
        state = type(state)(*(f.astype(g.dtype, copy=False) if isinstance(f, np.ndarray) else f for f in state))
    return theta, state


@pytest.fixture
def small_slices(monkeypatch):
    """Slices of 1 KiB from 16 KiB on, threads from 32 KiB: many slices and uneven ranges on a small array."""
    monkeypatch.setattr(base, "SLICE_BYTES", 1024)
    monkeypatch.setattr(base, "SLICED_MIN_BYTES", 16 * 1024)
    monkeypatch.setattr(base, "PARALLEL_MIN_BYTES", 32 * 1024)


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sliced_step_and_step_in_place_equal_whole_update(name, dtype, small_slices):
    opt = make(name)
    n = 20_001  # not a multiple of the slice: the last slice is short
    theta0, grads = problem(n, dtype)
    assert opt._sliceable(theta0, grads[0], opt.init(theta0))
    ref_theta, ref_state = whole(opt, theta0.copy(), grads)

    theta, state = theta0.copy(), opt.init(theta0)
    for g in grads:
        theta, state = opt.step(theta, g, state)
    np.testing.assert_array_equal(theta, ref_theta)

    buf = theta0.copy()
    theta_, state_ = buf, opt.init(theta0)
    for g in grads:
        theta_, state_ = opt.step_(theta_, g, state_)
    assert theta_ is buf  # written over the caller's array
    np.testing.assert_array_equal(theta_, ref_theta)
    for a, b, c in zip(state, state_, ref_state):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, c)
    assert theta.dtype == dtype and all(f.dtype == dtype for f in state_ if isinstance(f, np.ndarray))


def test_step_in_place_overwrites_the_state_arrays(small_slices):
    opt = ol.Adam(lr=0.01)
    theta, (g, *_) = problem(10_000, np.float64)
    state = opt.init(theta)
    m, v = state.m, state.v
    theta2, state2 = opt.step_(theta, g, state)
    assert theta2 is theta and state2.m is m and state2.v is v and state2.t == 1
    assert np.all(m != 0)


def test_step_stays_pure_on_large_arrays(small_slices):
    opt = ol.Momentum(lr=0.1)
    theta, (g, *_) = problem(10_000, np.float32)
    state = opt.init(theta)
    before = theta.copy(), state.b.copy()
    new_theta, new_state = opt.step(theta, g, state)
    np.testing.assert_array_equal(theta, before[0])
    np.testing.assert_array_equal(state.b, before[1])
    assert new_theta is not theta and new_state.b is not state.b


def test_arrays_that_cannot_be_sliced_take_the_whole_array_path(small_slices):
    theta, (g, *_) = problem(10_000, np.float64)
    grid = ol.Adam(lr=np.full(10_000, 0.01))  # an array hyperparameter
    assert not grid._sliceable(theta, g, grid.init(theta))
    strided = np.zeros(20_000)[::2]
    assert not ol.Adam()._sliceable(strided, g, ol.Adam().init(strided))
    mat = np.zeros((100, 100))
    assert not ol.Muon()._sliceable(mat, mat, ol.Muon().init(mat))  # Muon is not elementwise
    np.testing.assert_array_equal(grid.step(theta, g, grid.init(theta))[0], ol.Adam(lr=0.01).step(theta, g, ol.Adam(lr=0.01).init(theta))[0])


def test_step_in_place_with_shared_or_read_only_state_still_gives_the_right_numbers(small_slices):
    opt = ol.AMSGrad(lr=0.01)
    theta0, grads = problem(10_000, np.float64)
    ref, _ = whole(opt, theta0.copy(), grads[:2])
    zeros = np.zeros_like(theta0)
    shared = opt.init_state(theta0)._replace(m=zeros, v=zeros, v_max=zeros)  # one array three times
    theta, state = theta0.copy(), shared
    for g in grads[:2]:
        theta, state = opt.step_(theta, g, state)
    np.testing.assert_array_equal(theta, ref)
    assert np.all(zeros == 0)  # the shared array was replaced, not overwritten three times
    frozen = opt.init(theta0)
    frozen.m.flags.writeable = False
    theta, state = opt.step_(theta0.copy(), grads[0], frozen)
    assert state.m is not frozen.m


def test_step_in_place_refuses_what_it_cannot_write():
    opt = ol.SGD(lr=0.1)
    with pytest.raises(ValueError, match="params must be a writeable numpy array for step_, got list"):
        opt.step_([1.0, 2.0], np.ones(2), opt.init(np.ones(2)))
    ro = np.ones(3)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="got a read-only array"):
        opt.step_(ro, np.ones(3), opt.init(ro))
    with pytest.raises(ValueError, match=r"grad must have the shape of params \(3,\), got \(2,\)"):
        opt.step_(np.ones(3), np.ones(2), opt.init(np.ones(3)))


def test_default_slices_are_used_for_a_large_model():
    """At the real sizes: a 2^20-parameter float32 model is sliced and threaded, and still exact."""
    n = 1 << 20
    opt = ol.RMSprop(lr=1e-3)
    theta0, grads = problem(n, np.float32)
    assert theta0.nbytes >= base.PARALLEL_MIN_BYTES and opt._sliceable(theta0, grads[0], opt.init(theta0))
    ref, _ = whole(opt, theta0.copy(), grads)
    theta, state = theta0.copy(), opt.init(theta0)
    for g in grads:
        theta, state = opt.step_(theta, g, state)
    np.testing.assert_array_equal(theta, ref)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(ELEMENTWISE),
    n=st.integers(2048, 12_000),
    dtype=st.sampled_from([np.float32, np.float64]),
    lr=st.floats(1e-4, 1.0),
    seed=st.integers(0, 2**16),
)
def test_any_size_dtype_and_lr_slices_to_the_same_numbers(small_slices, name, n, dtype, lr, seed):
    opt = getattr(ol, name)(**{**HYPER.get(name, {}), "lr": lr})
    theta0, grads = problem(n, dtype, seed)
    ref, _ = whole(opt, theta0.copy(), grads[:2])
    theta, state = theta0.copy(), opt.init(theta0)
    sliced = opt._sliceable(theta, grads[0], state)
    for g in grads[:2]:
        theta, state = opt.step_(theta, g, state)
    np.testing.assert_array_equal(theta, ref)
    assert sliced == (theta0.nbytes >= base.SLICED_MIN_BYTES)
