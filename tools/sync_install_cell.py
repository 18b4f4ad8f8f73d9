"""Write every chapter's Colab install cell from _config.yml's repository url and branch.

Colab opens the raw notebook, so each chapter must carry the URL it installs optim_lib from;
_config.yml stays the one place that names the repository. Run ``make sync`` (this script)
after changing ``repository:`` in _config.yml; ``tests/test_colab_cell.py`` fails while any
chapter's first code cell differs from what this script writes.

``python tools/sync_install_cell.py --check`` only reports the chapters that differ.

The cell installs nothing where optim_lib and myst_nb import (locally, in Binder, under the
tests). In Colab it installs them and pins IPython, ipykernel, ipywidgets, numpy and
matplotlib to the versions already there, so pip may add packages but never replace Colab's
own (``make colab`` checks this on Colab's versions).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"

# What pip must leave as Colab has them.
KEEP = ("ipython", "ipykernel", "ipywidgets", "numpy", "matplotlib")
# What the cell adds besides optim_lib (myst_nb: the chapters' glue).
EXTRA = '"myst-nb>=1.1,<2"'

TEMPLATE = '''\
# Colab has neither optim_lib nor myst_nb: install them from the book's repository when they are missing,
# pinning Colab's own IPython, ipykernel, ipywidgets, numpy and matplotlib so that pip leaves them as they are.
# Locally, in Binder and under the tests both import, and this cell does nothing.
# Written from _config.yml's repository by `make sync` (tools/sync_install_cell.py): edit it there.
try:
    import optim_lib, myst_nb  # noqa: F401
except ImportError:
    from importlib.metadata import distributions
    _have = {{str(d.metadata["Name"]).lower(): d.version for d in reversed(list(distributions()))}}
    _keep = " ".join(f"{{p}}=={{_have[p]}}" for p in {keep!r} if p in _have)
    %pip install --quiet "optim_lib @ git+{url}@{branch}" {extra} {{_keep}}'''


def repository(config: Path = ROOT / "_config.yml") -> tuple[str, str]:
    repo = yaml.safe_load(config.read_text(encoding="utf-8"))["repository"]
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def install_cell_source(url: str | None = None, branch: str | None = None) -> str:
    if url is None or branch is None:
        u, b = repository()
        url, branch = url or u, branch or b
    return TEMPLATE.format(url=url, branch=branch, extra=EXTRA, keep=KEEP)


def first_code_cell(nb):
    return next(c for c in nb.cells if c.cell_type == "code")


def _source_block(source: str, indent: str) -> str:
    lines = source.splitlines(keepends=True)
    return ",\n".join(indent + json.dumps(line, ensure_ascii=False) for line in lines)


def write_cell(path: Path, new: str) -> bool:
    """Replace the first code cell's source in place, touching no other byte of the file."""
    raw = path.read_text(encoding="utf-8")
    nb = nbformat.reads(raw, as_version=4)
    old = first_code_cell(nb).source
    if old == new:
        return False
    first = json.dumps(old.splitlines(keepends=True)[0], ensure_ascii=False)
    at = raw.find(first)
    start = raw.rfind("\n", 0, at) + 1
    indent = raw[start:at]
    old_block = _source_block(old, indent)
    if at < 0 or raw[start:start + len(old_block)] != old_block:
        first_code_cell(nb).source = new           # unusual layout: let nbformat write it
        nbformat.write(nb, str(path))
        return True
    path.write_text(raw[:start] + _source_block(new, indent) + raw[start + len(old_block):],
                    encoding="utf-8")
    assert first_code_cell(nbformat.read(str(path), as_version=4)).source == new
    return True


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only list the chapters that differ")
    ap.add_argument("notebooks", nargs="*", type=Path)
    args = ap.parse_args(argv)
    new = install_cell_source()
    paths = args.notebooks or sorted(CHAPTERS.glob("*.ipynb"))
    stale = [p for p in paths if first_code_cell(nbformat.read(str(p), as_version=4)).source != new]
    if args.check:
        for p in stale:
            print(f"{p}: install cell differs from _config.yml's; run `make sync`")
        return 1 if stale else 0
    for p in stale:
        write_cell(p, new)
        print(f"wrote the install cell of {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
