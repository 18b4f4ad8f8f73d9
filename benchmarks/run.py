"""Benchmarks of optim_lib against its targets (``make bench``).

Prints one table (figure, measured, target, PASS/FAIL) and writes ``benchmarks/results.md``;
exits 1 when any row is FAIL (a failed nbval run is a FAIL whatever its time).

* step time of each optimizer vs torch.optim (CPU, its default single-tensor path, all cores)
  on 2 parameters (``step``, target ≤ 0.3× torch) and on 10⁷ float32 parameters (``step_``,
  in place like torch, target ≤ 1.0×; the pure ``step`` is reported beside it);
* one ``ol.run`` over a 100×100 (η, μ) grid × 1000 steps on a 2-D quadratic (≤ 0.5 s);
* an explorer redraw, recompute + redraw of three optimizers × 500 steps (≤ 50 ms), and the
  Agg render of the figure (reported);
* peak memory of one 10⁷-parameter Adam step (tracemalloc), relative to what it must hold;
* the whole-book nbval time, one pytest run as ``make nbval``, and each chapter's (≤ 120 s
  in all, no chapter > 30 s).

torch is optional: without it the ratios are reported as unavailable. Options: ``--quick``
skips nbval; ``--no-write`` leaves results.md alone. Timings are the best of several repeats;
on a busy machine they are noisy, so the machine load is printed with them.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import optim_lib as ol  # noqa: E402
from oracle import OPTIMIZERS, hyperparameters, torch_optimizer  # noqa: E402

try:
    import torch

    torch.set_num_threads(max(1, (os.cpu_count() or 1)))
except ImportError:  # torch is optional: the ratios are then unavailable
    torch = None

ROWS: list[tuple[str, str, str, str]] = []  # figure, measured, target, verdict


def row(figure: str, measured: str, target: str, ok) -> None:
    verdict = "PASS" if ok is True else "FAIL" if ok is False else "n/a"
    ROWS.append((figure, measured, target, verdict))
    print(f"{figure:55s} {measured:>22s}  {target:>12s}  {verdict}", flush=True)


def best(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


# ---------------------------------------------------------------- step time vs torch
def ours_step_time(name: str, n: int, dtype, steps: int, repeats: int, in_place: bool = False) -> float:
    """Seconds per ``step`` (pure: new arrays) or per ``step_`` (in place, as torch.optim)."""
    opt = getattr(ol, name)(**hyperparameters(name, 0))
    rng = np.random.default_rng(0)
    theta = rng.standard_normal(n).astype(dtype)
    g = (0.1 * rng.standard_normal(n)).astype(dtype)
    state = opt.init(theta)
    step = opt.step_ if in_place else opt.step
    theta, state = step(theta, g, state)  # warm up: the state arrays exist, as torch's after step 1

    def go():
        nonlocal theta, state
        for _ in range(steps):
            theta, state = step(theta, g, state)

    return best(go, repeats) / steps


def torch_step_time(name: str, n: int, dtype, steps: int, repeats: int) -> float:
    rng = np.random.default_rng(0)
    p = torch.tensor(rng.standard_normal(n).astype(dtype), requires_grad=True)
    p.grad = torch.tensor((0.1 * rng.standard_normal(n)).astype(dtype))
    opt = torch_optimizer(name, p, hyperparameters(name, 0))
    opt.step()  # warm up: torch creates its state on the first step

    def go():
        for _ in range(steps):
            opt.step()

    return best(go, repeats) / steps


def bench_steps(n: int, dtype, steps: int, repeats: int, target: float, label: str, in_place: bool = False,
                checked: bool = True) -> None:
    """One row per optimizer: our time / torch's. ``in_place`` times ``step_`` (torch updates in
    place too); ``checked=False`` reports the ratio without holding it to the target."""
    what = "step_ (in place)" if in_place else "step"
    for name in OPTIMIZERS:
        ours = ours_step_time(name, n, dtype, steps, repeats, in_place)
        target_text = f"≤ {target:g}× torch" if checked else "reported"
        if torch is None:
            row(f"{name} {what}, {label}", f"{ours * 1e6:.1f} µs (torch n/a)", target_text, None)
            continue
        theirs = torch_step_time(name, n, dtype, steps, repeats)
        ratio = ours / theirs
        unit, k = ("µs", 1e6) if theirs < 1e-3 else ("ms", 1e3)
        row(f"{name} {what}, {label}", f"{ratio:.2f}× ({ours * k:.1f}/{theirs * k:.1f} {unit})",
            target_text, (ratio <= target) if checked else None)


# ---------------------------------------------------------------- the grid
def bench_grid() -> None:
    q = ol.Quadratic.with_condition_number(10.0)
    lr = np.linspace(0.01, 1.0, 100)[:, None, None]
    mu = np.linspace(0.0, 0.99, 100)[None, :, None]
    x0 = np.broadcast_to(np.array(q.start), (100, 100, 2)).copy()
    opt = ol.Momentum(lr=lr, momentum=mu)
    for record in (True, False):
        t = best(lambda: ol.run(opt, q, x0, 1000, record_path=record), 3)
        row(f"100×100 grid × 1000 steps, one run (record_path={record})", f"{t:.3f} s", "≤ 0.5 s", t <= 0.5)


# ---------------------------------------------------------------- the explorer
def bench_explorer() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from optim_lib.display.explorer import Slider, explorer

    ex = explorer(ol.Rosenbrock(), {
        "Adam": (ol.Adam, {"lr": Slider(1e-3, 0.5, 0.05, log=True)}),
        "RMSprop": (ol.RMSprop, {"lr": Slider(1e-4, 0.1, 0.01, log=True)}),
        "Momentum": (ol.Momentum, {"lr": Slider(1e-4, 0.01, 0.001, log=True), "momentum": Slider(0.0, 0.99, 0.9)}),
    }, steps=500)
    values = {"Adam.lr": 0.05, "RMSprop.lr": 0.01, "Momentum.lr": 0.001, "Momentum.momentum": 0.9,
              "steps": 500, "x0": -1.5, "y0": 2.0}
    k = iter(range(10**6))

    def redraw():
        ex.redraw(**{**values, "Adam.lr": 0.05 + 1e-4 * next(k)})

    t = best(redraw, 7)
    row("explorer redraw: 3 optimizers × 500 steps (recompute + redraw)", f"{t * 1e3:.1f} ms", "≤ 50 ms", t <= 0.05)
    canvas = FigureCanvasAgg(ex.figure)
    t_agg = best(canvas.draw, 5)
    row("  + Agg render of the whole figure (reported)", f"{t_agg * 1e3:.1f} ms", "-", None)


# ---------------------------------------------------------------- memory
def bench_memory() -> None:
    """Peak new memory of one Adam step on 10⁷ float32 (tracemalloc sees numpy's allocations),
    relative to the state it must hold: θ, g, m and v. No target was set: a pure ``step``
    must allocate its outputs (new θ, m, v: 0.75× of that), ``step_`` nothing but its
    slice-sized temporaries."""
    n = 10**7
    opt = ol.Adam(lr=1e-3)
    rng = np.random.default_rng(0)
    theta = rng.standard_normal(n).astype(np.float32)
    g = rng.standard_normal(n).astype(np.float32)
    state = opt.init(theta)
    theta, state = opt.step(theta, g, state)  # t = 1 done: state m, v are full arrays
    held = theta.nbytes + g.nbytes + state.m.nbytes + state.v.nbytes  # θ, g, m, v
    for label, step in (("step", opt.step), ("step_ (in place)", opt.step_)):
        gc.collect()
        tracemalloc.start()
        base, _ = tracemalloc.get_traced_memory()
        new = step(theta, g, state)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        theta, state = new
        extra = peak - base
        row(f"Adam {label} on 10⁷ float32: peak new memory / (θ, g, m, v)",
            f"{extra / held:.3f}× ({extra / 2**20:.1f} MiB)", "reported", None)


# ---------------------------------------------------------------- nbval
def bench_nbval() -> None:
    """The whole book under nbval in one pytest run, as ``make nbval`` runs it (one notebook per
    core); each chapter's time (its kernel start and every cell) from pytest's JUnit report."""
    import tempfile
    import xml.etree.ElementTree as ET
    from collections import defaultdict

    chapters = sorted((ROOT / "chapters").glob("*.ipynb"))
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "nbval.xml"
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-q",
                            "-p", "no:cacheprovider", "-n", "auto", "--dist", "loadfile", f"--junitxml={report}",
                            *(str(nb.relative_to(ROOT)) for nb in chapters)],
                           cwd=ROOT, capture_output=True, text=True)
        total = time.perf_counter() - t0
        per = defaultdict(float)
        failed = set()
        for case in ET.parse(report).iter("testcase"):
            stem = case.get("classname", "").removeprefix("chapters.").removesuffix(".ipynb")
            per[stem] += float(case.get("time", 0.0))
            if case.find("failure") is not None or case.find("error") is not None:
                failed.add(stem)
    row(f"nbval, whole book ({len(chapters)} chapters, one pytest run on {_cpus()} cores)"
        f"{'' if r.returncode == 0 else ' (FAILED)'}", f"{total:.1f} s", "≤ 120 s", total <= 120 and r.returncode == 0)
    row("  the chapters' times added up (one core's worth)", f"{sum(per.values()):.1f} s", "reported", None)
    for stem, dt in sorted(per.items(), key=lambda kv: -kv[1]):
        row(f"  nbval {stem}{' (FAILED)' if stem in failed else ''}", f"{dt:.1f} s", "≤ 30 s", dt <= 30 and stem not in failed)


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def main() -> int:
    ap = argparse.ArgumentParser(description="optim_lib benchmarks")
    ap.add_argument("--quick", action="store_true", help="skip the nbval timings")
    ap.add_argument("--no-write", action="store_true", help="do not write benchmarks/results.md")
    args = ap.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    head = (f"Python {platform.python_version()}, numpy {np.__version__}, "
            f"torch {torch.__version__ if torch else 'absent'}, {os.cpu_count()} CPUs, load {load:.1f}")
    print(head)
    print(f"{'figure':55s} {'measured':>22s}  {'target':>12s}  verdict")
    bench_steps(2, np.float64, 2000, 5, 0.3, "2 params")
    bench_steps(10**7, np.float32, 5, 5, 1.0, "10⁷ float32", in_place=True)
    bench_steps(10**7, np.float32, 5, 3, 1.0, "10⁷ float32", checked=False)
    bench_grid()
    bench_explorer()
    bench_memory()
    if not args.quick:
        bench_nbval()
    fails = [r for r in ROWS if r[3] == "FAIL"]
    if not args.no_write:
        busy = load > (os.cpu_count() or 1)
        note = (["", f"The machine was busy (load {load:.1f} on {os.cpu_count()} CPUs): every timing is inflated "
                 "by other processes; rerun `make bench` on an idle machine for the real figures."] if busy else [])
        lines = ["# Benchmarks", "", f"`make bench` ({head}).", *note, "",
                 "| figure | measured | target | verdict |", "|---|---|---|---|"]
        lines += [f"| {f.strip()} | {m} | {t} | {v} |" for f, m, t, v in ROWS]
        lines += ["", f"{len(fails)} of {sum(r[3] != 'n/a' for r in ROWS)} checked figures miss their target.", ""]
        (ROOT / "benchmarks" / "results.md").write_text("\n".join(lines))
    print(f"\n{len(fails)} figure(s) miss their target")
    return 1 if fails else 0  # a FAIL row fails `make bench`


if __name__ == "__main__":
    sys.exit(main())
