"""Binder's environment: run by ``make binder`` with ``.venv-binder/bin/python``.

``make binder`` makes ``.venv-binder`` from ``binder/requirements.txt`` alone, as Binder
(repo2docker) does: ``pip install -r binder/requirements.txt`` from the repository's root, where
its ``-e .`` line is this repository. The venv is remade whenever that file's hash changes.

This script checks that the lock file is what ``make lock`` writes (every package of
``binder/requirements.in`` pinned with ``==``, no test tool, ``-e .`` for optim_lib), that the
venv has exactly the pinned versions, and then executes a copy of a chapter with an explorer
(default: gradient_descent) from first cell to last in a kernel of the venv, failing on any error
or on an explorer cell that shows no widget view.
"""

from __future__ import annotations

import argparse
import re
import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from colab_check import run_chapters  # noqa: E402

IN, LOCK = ROOT / "binder" / "requirements.in", ROOT / "binder" / "requirements.txt"
TEST_TOOLS = {"pytest", "nbval", "hypothesis", "playwright", "pytest-xdist", "pip-tools"}


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path: Path) -> list[str]:
    return [ln.split("#")[0].strip() for ln in path.read_text().splitlines()
            if ln.split("#")[0].strip()]


def check_lock() -> dict[str, str]:
    pinned, problems = {}, []
    for line in requirement_lines(LOCK):
        if line == "-e .":
            continue
        m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        if not m:
            problems.append(f"not an exact pin: {line!r}")
            continue
        pinned[norm(m[1])] = m[2]
    if "-e ." not in requirement_lines(LOCK):
        problems.append("no `-e .` line (optim_lib from this repository)")
    for line in requirement_lines(IN):
        name = norm(re.split(r"[<>=!~\[; ]", line, maxsplit=1)[0])
        if line != "-e ." and name not in pinned:
            problems.append(f"{name} is in requirements.in but not pinned: run `make lock`")
    problems += [f"test tool {t} in the lock file" for t in TEST_TOOLS & set(pinned)]
    if problems:
        sys.exit("binder check: " + "; ".join(problems))
    return pinned


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("chapters", nargs="*", default=[str(ROOT / "chapters" / "gradient_descent.ipynb")])
    args = ap.parse_args(argv)
    pinned = check_lock()
    wrong = {n: (version(n), v) for n, v in pinned.items() if version(n) != v}
    if wrong:
        sys.exit(f"binder check: installed versions differ from the pins (installed, pinned): {wrong}")
    print(f"binder check: {len(pinned)} packages at their pinned versions, no test tools")
    import optim_lib

    assert Path(optim_lib.__file__).resolve().is_relative_to(ROOT), optim_lib.__file__
    prelude = (f"import sys\nassert sys.prefix == {sys.prefix!r}, "
               f"f'the kernel runs outside .venv-binder: {{sys.prefix}}'")
    return run_chapters([str(Path(p).resolve()) for p in args.chapters], 1, "binder check", prelude)


if __name__ == "__main__":
    sys.exit(main())
