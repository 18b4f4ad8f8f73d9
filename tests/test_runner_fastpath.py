"""The runner's fast path: record_path=False and the unchecked step give the same numbers."""

import numpy as np

import optim_lib as ol


def test_record_path_false_keeps_start_final_and_losses():
    q = ol.Quadratic.with_condition_number(10.0)
    lrs = np.array([0.5, 4.0, 1.5])[:, None]
    x0 = np.tile([1.0, 1.0], (3, 1))
    full = ol.run(ol.Momentum(lr=lrs, momentum=0.5), q, x0, 300)
    short = ol.run(ol.Momentum(lr=lrs, momentum=0.5), q, x0, 300, record_path=False)
    assert short.path.shape == (2, 3, 2) and short.steps == 300
    np.testing.assert_array_equal(short.path[0], full.path[0])
    np.testing.assert_array_equal(short.path[-1], full.path[-1])
    np.testing.assert_array_equal(short.losses, full.losses)
    np.testing.assert_array_equal(short.diverged_at, full.diverged_at)
    assert full.diverged.any()


def test_unchecked_step_equals_step_and_keeps_float32():
    theta = np.array([[1.0, -2.0]], dtype=np.float32)
    g = np.array([[0.5, 0.25]], dtype=np.float32)
    for opt in [ol.Adam(lr=np.array([[0.1]])), ol.SGD(lr=0.1), ol.Momentum(lr=0.1)]:
        s = opt.init(theta)
        a, sa = opt.step(theta, g, s)
        b, sb = opt._step_unchecked(theta, g, s)
        assert b.dtype == np.float32
        np.testing.assert_array_equal(a, b)
        for fa, fb in zip(sa, sb):
            np.testing.assert_array_equal(fa, fb)
