"""benchmarks/run.py: a FAIL row fails `make bench` (exit 1), and a failed nbval run is a FAIL
even when it was fast. The measurements are replaced by stubs; only the verdicts are tested."""

import importlib.util
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def bench(monkeypatch):
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for name in ("bench_steps", "bench_grid", "bench_explorer", "bench_memory", "bench_nbval"):
        monkeypatch.setattr(mod, name, lambda *a, **k: None)
    monkeypatch.setattr("sys.argv", ["run.py", "--no-write"])
    return mod


def test_exit_status_follows_the_verdicts(bench, monkeypatch):
    monkeypatch.setattr(bench, "bench_grid", lambda: bench.row("grid", "0.4 s", "≤ 0.5 s", True))
    assert bench.main() == 0
    bench.ROWS.clear()
    monkeypatch.setattr(bench, "bench_grid", lambda: bench.row("grid", "0.6 s", "≤ 0.5 s", False))
    assert bench.main() == 1
    bench.ROWS.clear()
    monkeypatch.setattr(bench, "bench_grid", lambda: bench.row("memory", "0.8×", "reported", None))
    assert bench.main() == 0


JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">
<testcase classname="chapters.momentum.ipynb" name="Cell 0" time="1.0"/>
<testcase classname="chapters.momentum.ipynb" name="Cell 1" time="1.0"><failure message="Cell outputs differ"/></testcase>
<testcase classname="chapters.adam.ipynb" name="Cell 0" time="2.0"/>
</testsuite></testsuites>"""


def test_a_failed_nbval_run_is_a_fail_however_fast(monkeypatch):
    def fake_run(cmd, **kwargs):
        report = next(a for a in cmd if a.startswith("--junitxml=")).split("=", 1)[1]
        Path(report).write_text(JUNIT)
        return subprocess.CompletedProcess(cmd, 1, "", "")

    spec = importlib.util.spec_from_file_location("bench_run_real", ROOT / "benchmarks" / "run.py")
    real = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(real)
    monkeypatch.setattr(real.subprocess, "run", fake_run)
    real.bench_nbval()
    verdicts = {figure.strip(): verdict for figure, _, _, verdict in real.ROWS}
    whole = next(f for f in verdicts if f.startswith("nbval, whole book"))
    assert "(FAILED)" in whole and verdicts[whole] == "FAIL"  # 2 s in all, but it failed
    assert verdicts["nbval momentum (FAILED)"] == "FAIL"
    assert verdicts["nbval adam"] == "PASS"
