"""The chapters on Colab's versions: run by ``make colab`` with ``.venv-colab/bin/python``.

``make colab`` makes ``.venv-colab`` with the packages Colab has preinstalled, at Colab's versions
(``tests/colab_pins.txt``), then:

``python tests/colab_check.py --install``
    runs the chapters' real install cell (tools/sync_install_cell.py writes it) in IPython with
    ``myst_nb`` made unimportable, as on Colab, records the ``%pip install`` line it issues, and
    runs that line with this checkout in place of the repository URL (the test reaches no git
    host, and checks this commit, not the published one). Then it checks that the pinned
    packages still have Colab's versions: the install cell must not change them.

``python tests/colab_check.py --reinstall-library``
    reinstalls optim_lib from this checkout (not editable, as the cell installs it) when its code
    has changed since the venv was made.

``python tests/colab_check.py``
    checks the versions again, then executes a copy of every chapter that has an explorer (a
    cell whose stored output is an ipywidgets view) from its first cell to its last, in a kernel
    of this venv, two at a time. It fails on any cell error, on a kernel outside the venv, on
    versions other than Colab's inside the kernel, and when an explorer cell of the copy shows
    no widget view. The stored notebooks are read, never written.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PINS = ROOT / "tests" / "colab_pins.txt"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
sys.path.insert(0, str(ROOT / "tools"))


def pins() -> dict[str, str]:
    out = {}
    for line in PINS.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, ver = line.split("==")
            out[name.strip().lower()] = ver.strip()
    return out


def check_versions() -> None:
    wrong = {p: version(p) for p, v in pins().items() if version(p) != v}
    if wrong:
        sys.exit(f"colab check: not Colab's versions after installing: {wrong}; expected {pins()}")
    print("colab check: Colab's versions in the venv:",
          ", ".join(f"{p} {v}" for p, v in pins().items()))


def install() -> None:
    """Run the install cell as Colab would, then install what its %pip line asks for."""
    from IPython.core.interactiveshell import InteractiveShell
    from sync_install_cell import install_cell_source, repository

    url, branch = repository()
    shell = InteractiveShell.instance()
    calls: list[str] = []
    shell.register_magic_function(calls.append, "line", "pip")
    sys.modules["myst_nb"] = None          # `import myst_nb` raises ImportError, as on Colab
    result = shell.run_cell(install_cell_source())
    del sys.modules["myst_nb"]
    if not result.success or len(calls) != 1:
        sys.exit(f"colab check: the install cell failed or did not run %pip once: {calls}")
    line = calls[0]
    remote = f"git+{url}@{branch}"
    if remote not in line:
        sys.exit(f"colab check: the install cell does not install from {remote}: {line}")
    print("colab check: the install cell runs: %pip", line)
    with tempfile.TemporaryDirectory() as tmp:
        args = shlex.split(line.replace(remote, stage_library(Path(tmp)).as_uri()))
        subprocess.run([sys.executable, "-m", "pip", *args], check=True)


def stage_library(tmp: Path) -> Path:
    """optim_lib's sources, copied out of the checkout so pip's build leaves nothing in it."""
    import shutil

    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp / name)
    shutil.copytree(ROOT / "optim_lib", tmp / "optim_lib",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return tmp


def reinstall_library() -> None:
    """This checkout's optim_lib over the installed one (not editable, as the cell installs it)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                        "--force-reinstall", str(stage_library(Path(tmp)))], check=True)


def explorer_chapters() -> list[Path]:
    import nbformat

    out = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if any(WIDGET_VIEW in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
               for o in c.get("outputs", [])):
            out.append(path)
    return out


KERNEL_CHECK = """\
import sys, importlib.metadata as _md
assert sys.prefix == {prefix!r}, f"the kernel runs outside .venv-colab: {{sys.prefix}}"
_wrong = {{p: _md.version(p) for p, v in {pins!r}.items() if _md.version(p) != v}}
assert not _wrong, f"not Colab's versions in the kernel: {{_wrong}}"
"""


def run_chapter(path: str, prelude: str | None = None) -> tuple[str, float, int]:
    """Execute a copy of the chapter after ``prelude`` (default: the kernel is this venv's and
    has Colab's versions); return its name, seconds and number of explorer cells."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    explorer_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and
                      any(WIDGET_VIEW in o.get("data", {}) for o in c.get("outputs", []))]
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
    if prelude is None:
        prelude = KERNEL_CHECK.format(prefix=sys.prefix, pins=pins())
    nb.cells.insert(0, nbformat.v4.new_code_cell(prelude))
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:         # the copy runs in a folder of its own
        # laid out like a checkout: a chapter that reads the optimizer study's results finds them at
        # ../studies (Colab itself downloads them from the repository, which this offline check can't)
        (Path(tmp) / "chapters").mkdir()
        (Path(tmp) / "studies").symlink_to(ROOT / "studies", target_is_directory=True)
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(Path(tmp) / "chapters")}}).execute()
    missing = [i for i in explorer_cells
               if not any(WIDGET_VIEW in o.get("data", {}) for o in nb.cells[i + 1].outputs)]
    if missing:
        raise AssertionError(f"{Path(path).name}: explorer cells {missing} show no widget view")
    return Path(path).name, time.perf_counter() - t0, len(explorer_cells)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--install", action="store_true", help="install the install cell's packages")
    ap.add_argument("--reinstall-library", action="store_true",
                    help="reinstall optim_lib from this checkout (its code changed)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("chapters", nargs="*", help="chapter notebooks (default: all with an explorer)")
    args = ap.parse_args(argv)
    if args.install:
        install()
        check_versions()
        return 0
    if args.reinstall_library:
        reinstall_library()
        return 0
    check_versions()
    paths = [str(Path(p).resolve()) for p in args.chapters] or [str(p) for p in explorer_chapters()]
    return run_chapters(paths, args.jobs, "colab check")


def run_chapters(paths: list[str], jobs: int, label: str, prelude: str | None = None) -> int:
    """Run copies of the chapters, ``jobs`` at a time; report each, return 1 if any failed."""
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"    # ipykernel's debugger notice
    failed = 0
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {p: pool.submit(run_chapter, p, prelude) for p in paths}
        for p, fut in futures.items():
            try:
                name, dt, n = fut.result()
                print(f"{label}: {name}: ran every cell, {n} explorer(s) drew ({dt:.0f} s)")
            except Exception as exc:                     # report every chapter, then fail
                failed += 1
                msg = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))
                print(f"{label}: {Path(p).name} FAILED:\n{msg[-3000:]}", file=sys.stderr)
    print(f"{label}: {len(paths) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
