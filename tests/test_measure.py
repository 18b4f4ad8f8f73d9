"""The shared measurements (optim_lib/experiments/measure.py), on losses and grids written out by hand:
staying below a target vs crossing it once, grid bests with ties and edges, spread over seeds."""

import numpy as np
import pytest

import optim_lib as ol

NAN = np.nan


def test_staying_below_is_not_the_first_crossing():
    losses = [5.0, 0.5, 2.0, 0.5, 0.4, 0.3]          # dips below 1 at step 1, climbs back, stays from step 3
    assert ol.first_crossing(losses, 1.0) == 1
    assert ol.steps_to_stay_below(losses, 1.0) == 3
    assert isinstance(ol.steps_to_stay_below(losses, 1.0), int) and isinstance(ol.first_crossing(losses, 1.0), int)


@pytest.mark.parametrize("losses,target,stay,first", [
    ([0.1, 0.2, 0.3], 1.0, 0, 0),                    # below from the start
    ([5.0, 4.0, 3.0], 1.0, -1, -1),                  # never below
    ([5.0, 0.5, 2.0], 1.0, -1, 1),                   # crosses, ends above: never stays
    ([5.0, 4.0, 0.5], 1.0, 2, 2),                    # below only at the last step
    ([2.0, 1.0, 1.0], 1.0, -1, -1),                  # equal is not below
    ([5.0, 0.5, NAN, 0.5], 1.0, 3, 1),               # NaN (a diverged step) is not below
    ([5.0, 0.5, 0.5, NAN], 1.0, -1, 1),              # a run that diverged at the end does not stay
    ([3.0], 1.0, -1, -1),
    ([0.5], 1.0, 0, 0),
])
def test_steps_by_hand(losses, target, stay, first):
    assert ol.steps_to_stay_below(losses, target) == stay
    assert ol.first_crossing(losses, target) == first


def test_batched_runs_are_measured_one_by_one():
    losses = np.array([[5.0, 5.0, 0.1], [0.5, 5.0, 0.1], [2.0, 0.5, 0.1], [0.5, 0.5, 0.1]])  # (steps + 1, 3 runs)
    np.testing.assert_array_equal(ol.steps_to_stay_below(losses, 1.0), [3, 2, 0])
    np.testing.assert_array_equal(ol.first_crossing(losses, 1.0), [1, 2, 0])
    assert ol.steps_to_stay_below(losses, 1.0).dtype.kind == "i"
    grid = np.stack([losses, losses + 10], axis=-1)    # (4, 3, 2)
    np.testing.assert_array_equal(ol.steps_to_stay_below(grid, 1.0), [[3, -1], [2, -1], [0, -1]])


AX = np.array([0.1, 0.2, 0.3, 0.4, 0.5])


def test_grid_best_finds_the_interior_minimum():
    values = np.array([[9.0, 8.0, 9.0, 9.0], [8.0, 1.0, 2.0, 9.0], [9.0, 3.0, 9.0, 9.0]])
    b = ol.grid_best(values, [AX[:3], AX[:4] * 10], names=["lr", "mu"])
    assert b.index == (1, 1) and b.value == 1.0 and b.params == (0.2, 2.0)
    assert b.ties == ((1, 1),) and not b.is_tie
    worst = ol.grid_best(-values, [AX[:3], AX[:4] * 10], lower_is_better=False)
    assert worst.index == (1, 1) and worst.value == -1.0


def test_values_equal_up_to_rounding_tie():
    values = np.array([3.0, 1.0, 2.0, 1.0 + 1e-12, 3.0])
    b = ol.grid_best(values, [AX])
    assert b.is_tie and b.index == (1,) and b.ties == ((1,), (3,))    # the best first
    apart = ol.grid_best(np.array([3.0, 1.0, 2.0, 1.001, 3.0]), [AX])
    assert not apart.is_tie
    assert ol.grid_best(np.array([3.0, 1.0, 2.0, 1.001, 3.0]), [AX], rtol=0.01).is_tie
    assert ol.grid_best(np.array([3.0, 1.0, 2.0, 1.5, 3.0]), [AX], atol=0.5).is_tie
    exact = ol.grid_best(np.array([3.0, 1.0, 2.0, 1.0, 3.0]), [AX], rtol=0.0)
    assert exact.is_tie                                          # exactly equal values always tie


def test_a_best_on_the_edge_is_refused():
    with pytest.raises(ol.GridEdgeError, match=r"lr = 0.1 is the first of its 5 points"):
        ol.grid_best(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), [AX], names=["lr"])
    with pytest.raises(ol.GridEdgeError, match=r"lr = 0.5 is the last of its 5 points"):
        ol.grid_best(np.array([5.0, 4.0, 3.0, 2.0, 1.0]), [AX], names=["lr"])
    # a tie of the interior best on the edge is refused too: the grid does not bracket it
    with pytest.raises(ol.GridEdgeError, match="last of its 5 points"):
        ol.grid_best(np.array([3.0, 1.0, 2.0, 2.0, 1.0]), [AX], names=["lr"])
    assert issubclass(ol.GridEdgeError, ValueError)
    b = ol.grid_best(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), [AX], allow_edge=True)
    assert b.index == (0,) and b.params == (0.1,)
    # an axis of one point has no edge to be on
    single = ol.grid_best(np.array([[4.0, 1.0, 4.0]]), [np.array([0.3]), AX[:3]])
    assert single.index == (0, 1)


def test_nan_is_never_best():
    b = ol.grid_best(np.array([NAN, 2.0, 1.0, NAN, 3.0]), [AX])
    assert b.index == (2,) and b.value == 1.0 and not b.is_tie


def test_seed_spread_by_hand():
    s = ol.seed_spread([4.0, 1.0, 100.0, 3.0, 2.0])
    assert (s.median, s.low, s.high, s.q25, s.q75, s.n) == (3.0, 1.0, 100.0, 2.0, 4.0, 5)
    assert s.mean == 22.0
    assert s.std == pytest.approx(np.sqrt(((np.array([4, 1, 100, 3, 2]) - 22.0) ** 2).sum() / 4), rel=1e-15)
    with_nan = ol.seed_spread([1.0, NAN, 3.0])            # a diverged seed is left out, and n says so
    assert (with_nan.median, with_nan.n, with_nan.std) == (2.0, 2, pytest.approx(np.sqrt(2.0)))
    one = ol.seed_spread([7.0])
    assert (one.median, one.low, one.high, one.std, one.n) == (7.0, 7.0, 7.0, 0.0, 1)
    assert ol.seed_spread(np.array([[1.0, 2.0, 6.0]])).median == 2.0
    assert ol.seed_spread(np.array([[1.0], [2.0], [6.0]]), axis=0).median == 2.0
