"""The optimizer study (studies/optimizer_comparison): results.csv holds what the protocol says,
and a seeded sample of its rows that are stable under rounding comes out again when retrained from
the recorded configuration and seed, to a tolerance that survives another BLAS kernel and another
machine.

Not every row can: a run near its stability limit amplifies the last bits that another machine's
BLAS or SIMD loops change, and ends somewhere else (rounding.csv, which retrains every row under
tests/other_kernel.py's environment, shows which). The sample is drawn from the rows whose
retraining there agreed with results.csv to within ROUNDING_RTOL, so a machine whose rounding
differs still reproduces them; `make portability` runs the sample test under that kernel too."""

import csv
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

import optim_lib as ol

STUDY = Path(__file__).resolve().parents[1] / "studies" / "optimizer_comparison"
BASELINES = STUDY.parent / "mnist1d_baselines"
sys.path.insert(0, str(STUDY))
import study  # noqa: E402

pytest.importorskip("mnist1d")

REQUIRED = ["problem", "optimizer", "trial", "seed", *study.HYPER_COLUMNS,
            "val_loss", "val_acc", "test_loss", "test_acc", "steps"]
SAMPLE = 3  # rows re-run by the reproduction test
LOSS_RTOL = 1e-6
ROUNDING_RTOL = 1e-9  # a row is stable under rounding if the other kernel's losses are this close (rounding.csv)
METRICS = ("val_loss", "val_acc", "test_loss", "test_acc")


@pytest.fixture(scope="module")
def rows():
    with open(STUDY / "results.csv", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def rounding():
    with open(STUDY / "rounding.csv", newline="") as f:
        return list(csv.DictReader(f))


def stable(r: dict, q: dict) -> bool:
    """Whether row q of rounding.csv (the other kernel) agrees with row r of results.csv: the same
    accuracies and losses within ROUNDING_RTOL, or both diverged."""
    if r["val_loss"] == "nan" or q["val_loss"] == "nan":
        return r["val_loss"] == q["val_loss"]
    return all(float(q[k]) == pytest.approx(float(r[k]), rel=ROUNDING_RTOL) for k in METRICS)


def test_rounding_covers_every_row(rows, rounding):
    """rounding.csv retrains every row of results.csv, in the same order."""
    key = lambda r: (r["problem"], r["optimizer"], r["trial"], r["seed"])
    assert [key(q) for q in rounding] == [key(r) for r in rows]
    n_stable = sum(stable(r, q) for r, q in zip(rows, rounding))
    assert 0.5 * len(rows) < n_stable < len(rows)  # most rows are stable, and some are not


def test_results_have_the_required_columns(rows):
    assert rows, "results.csv is empty"
    missing = [c for c in REQUIRED if c not in rows[0]]
    assert not missing, f"results.csv lacks the columns {missing}"


def test_study_covers_the_protocol(rows):
    problems = {r["problem"] for r in rows}
    assert {"mnist1d-mlp", "mnist1d-cnn"} <= problems
    by = defaultdict(list)
    for r in rows:
        by[r["problem"], r["optimizer"]].append(r)
    for p in problems:
        names = {o for q, o in by if q == p}
        assert len(names) >= 8, (p, names)
        n_trials = {sum(r["seed"] == "0" for r in by[p, o]) for o in names}
        assert len(n_trials) == 1, f"{p}: the optimizers did not get the same number of trials: {n_trials}"
    for (p, o), rs in by.items():
        trials = [r for r in rs if r["seed"] == "0"]
        seeds = [r for r in rs if r["seed"] != "0"]
        assert len({r["seed"] for r in seeds}) >= 5, (p, o)
        assert len({r["trial"] for r in seeds}) == 1, (p, o)  # one selected configuration per (problem, optimizer)
        # the retrained configuration is the validation-best trial (the test columns play no part)
        parsed = [{k: float(r[k]) for k in ("val_acc", "val_loss")} for r in trials]
        assert int(seeds[0]["trial"]) == int(trials[study.select(parsed)]["trial"]), (p, o)
        # and its hyperparameters are the Halton trial the script draws
        assert study.config_of(seeds[0]) == study.trials(o, len(trials))[int(seeds[0]["trial"])], (p, o)


def test_muon_adamw_is_optim_libs_muon_and_adamw():
    from optim_lib.problems.mlp import BatchedMLP

    model = BatchedMLP((6, 5, 3))
    cfg = {"lr": 0.02, "momentum": 0.9, "weight_decay": 0.1, "adam_lr": 0.003, "schedule": "constant"}
    opt = study.MuonAdamW(model, [cfg, cfg])
    theta = np.stack([model.init_params(s) for s in range(2)])
    state = opt.init(theta)
    ref = theta[0].copy()
    muons = {off: (ol.Muon(lr=0.02, momentum=0.9, weight_decay=0.1), r, c) for off, r, c in model.matrices}
    mstate = {off: m.init(ref[off : off + r * c].reshape(r, c)) for off, (m, r, c) in muons.items()}
    adamw = ol.AdamW(lr=0.003, weight_decay=0.1)
    astate = adamw.init(ref[model.vector_mask])
    rng = np.random.default_rng(0)
    for _ in range(4):
        g = rng.normal(size=theta.shape)
        theta, state = opt.step(theta, g, state, np.ones((2, 1)))
        new = ref.copy()
        for off, (m, r, c) in muons.items():
            W, mstate[off] = m.step(ref[off : off + r * c].reshape(r, c), g[0, off : off + r * c].reshape(r, c), mstate[off])
            new[off : off + r * c] = W.ravel()
        new[model.vector_mask], astate = adamw.step(ref[model.vector_mask], g[0][model.vector_mask], astate)
        ref = new
    np.testing.assert_allclose(theta[0], ref, rtol=1e-12, atol=1e-14)


def test_steps_to_target_is_where_the_run_stays_above_it():
    curve = np.array([[0.1, 0.5, 0.6, 0.6], [0.6, 0.4, 0.7, 0.6], [0.5, 0.7, 0.8, np.nan], [0.7, 0.8, 0.4, np.nan]])
    got = study.steps_to_stay_above(curve, np.array([10, 20, 30, 40]), 0.5)
    assert got.tolist() == [20, 30, -1, -1]  # dips below after reaching it; ends below; diverged


def test_steps_to_target_matches_the_curves(rows):
    """results.csv's steps_to_target is the stays-above measure of the curves.csv written with it."""
    curves = defaultdict(list)
    with open(STUDY / "curves.csv", newline="") as f:
        for c in csv.DictReader(f):
            curves[c["problem"], c["optimizer"], c["trial"], c["seed"]].append((int(c["step"]), float(c["val_acc"])))
    for r in rows:
        pts = sorted(curves[r["problem"], r["optimizer"], r["trial"], r["seed"]])
        acc = np.array([[a] for _, a in pts])
        want = study.steps_to_stay_above(acc, np.array([s for s, _ in pts]), study.PROBLEMS[r["problem"]].target)[0]
        assert int(r["steps_to_target"]) == want, (r["problem"], r["optimizer"], r["trial"], r["seed"])


def test_selected_values_are_interior_at_every_artificial_end(rows):
    """No selected hyperparameter lies within INTERIOR_MARGIN of an end of its range that is not a
    natural bound (study.py's comment above the ranges says which ends are)."""
    edge = []
    for r in rows:
        if r["seed"] != "1":
            continue
        for key, (kind, *_rest) in study.space(r["optimizer"]).items():
            if kind == "choice":
                continue
            u = study.position(r["optimizer"], key, float(r[key]))
            assert -1e-12 <= u <= 1 + 1e-12
            low_natural, high_natural = study.natural_ends(r["optimizer"], key)
            if (u < study.INTERIOR_MARGIN and not low_natural) or (u > 1 - study.INTERIOR_MARGIN and not high_natural):
                edge.append((r["problem"], r["optimizer"], key, round(u, 3)))
    assert not edge, f"selected on an artificial edge: {edge}"


def test_schedule_multiplier():
    s = np.array(["constant", "warmup-cosine"])
    assert study.multiplier(1, 100, s)[:, 0].tolist() == [1.0, 0.2]
    assert study.multiplier(5, 100, s)[1, 0] == 1.0
    assert study.multiplier(100, 100, s)[1, 0] == pytest.approx(0.0, abs=1e-15)


def test_halton_is_the_radical_inverse():
    np.testing.assert_allclose(study.halton(4, 2), [[1 / 2, 1 / 3], [1 / 4, 2 / 3], [3 / 4, 1 / 9], [1 / 8, 4 / 9]])


def test_a_sample_of_rows_reproduces(rows, rounding):
    """Retrain SAMPLE seeded random rows alone (batch of one) from their recorded configuration
    and seed, drawn from the rows that are stable under rounding (see the module docstring): the
    losses must agree to LOSS_RTOL and the accuracies to within one example."""
    candidates = [i for i, (r, q) in enumerate(zip(rows, rounding)) if stable(r, q)]
    pick = np.random.default_rng(20261202).choice(candidates, SAMPLE, replace=False)
    for i in pick:
        r = rows[int(i)]
        p = study.PROBLEMS[r["problem"]]
        data = p.data()
        out = study.train(r["problem"], r["optimizer"], [study.config_of(r)], [int(r["seed"])], int(r["steps"]))
        where = f"row {i}: {r['problem']} {r['optimizer']} trial {r['trial']} seed {r['seed']}"
        for split, n in (("val", len(data.y_val)), ("test", len(data.y_test))):
            got_loss, got_acc = float(out[f"{split}_loss"][0]), float(out[f"{split}_acc"][0])
            want_loss, want_acc = float(r[f"{split}_loss"]), float(r[f"{split}_acc"])
            if np.isnan(want_loss):  # a diverged run diverges again
                assert np.isnan(got_loss), where
                continue
            assert got_loss == pytest.approx(want_loss, rel=LOSS_RTOL), where
            assert abs(got_acc - want_acc) <= 1.0 / n + 1e-12, where


# ------------------------------------------------------------------ studies/mnist1d_baselines


@pytest.fixture(scope="module")
def baselines():
    sys.path.insert(0, str(BASELINES))
    import run as baseline_run  # studies/mnist1d_baselines/run.py

    with open(BASELINES / "baselines.csv", newline="") as f:
        return baseline_run, list(csv.DictReader(f))


def test_baselines_cover_the_ablation(baselines):
    """Every cell of the 2 × 2 ablation (model × budget) and the reference recipe on all 4000
    training examples, with at least 3 seeds each."""
    baseline_run, rows = baselines
    seeds = defaultdict(set)
    for r in rows:
        seeds[r["cell"]].add(r["seed"])
    assert set(seeds) == {c[0] for c in baseline_run.CELLS}
    assert all(len(s) >= 3 for s in seeds.values()), seeds


def test_a_baseline_row_reproduces(baselines):
    """The cheapest cell (the reference MLP with the study's budget) retrained for one seed."""
    baseline_run, rows = baselines
    r = next(r for r in rows if r["cell"] == "reference-mlp/study/3000")
    out = baseline_run.train_cell(r["model"], r["budget"], int(r["train_size"]), [int(r["seed"])])
    assert float(out["test_loss"][0]) == pytest.approx(float(r["test_loss"]), rel=LOSS_RTOL)
    assert abs(float(out["test_acc"][0]) - float(r["test_acc"])) <= 1.0 / 1000 + 1e-12
