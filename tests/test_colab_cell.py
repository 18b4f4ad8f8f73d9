"""Every chapter opens with the Colab install cell: the repository URL of _config.yml, hidden,
and a no-op wherever optim_lib and myst_nb import (here, in Binder, under the tests).

The cell is written by tools/sync_install_cell.py (`make sync`) from _config.yml; a chapter whose
cell differs fails here. `make colab` runs the cell on Colab's versions."""

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from sync_install_cell import install_cell_source  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
REPO_URL = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].rstrip("/")


def first_code_cell(path):
    nb = nbformat.read(path, as_version=4)
    return next(c for c in nb.cells if c.cell_type == "code")


def test_the_repository_url_is_set():
    assert REPO_URL.startswith("https://github.com/")


def test_the_cell_follows_config():
    """The install cell takes its URL and branch from _config.yml, not from the tool."""
    src = install_cell_source("https://github.com/someone/fork", "dev")
    assert '"optim_lib @ git+https://github.com/someone/fork@dev"' in src
    assert REPO_URL not in src


def test_the_repository_url_is_written_only_in_config():
    """Besides _config.yml, only the chapters (written by `make sync`) hold the URL."""
    try:
        out = subprocess.run(["git", "grep", "-l", "-F", REPO_URL.split("://")[1]], cwd=ROOT,
                             capture_output=True, text=True, check=False)
    except FileNotFoundError:
        pytest.skip("git is not installed")
    if out.returncode > 1:
        pytest.skip("not a git checkout")
    files = [f for f in out.stdout.split() if f != "_config.yml" and not
             (f.startswith("chapters/") and f.endswith(".ipynb"))]
    assert not files, f"the repository URL is written outside _config.yml: {files}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_first_code_cell_is_the_colab_install_cell(path):
    cell = first_code_cell(path)
    src = cell.source
    assert "remove-cell" in cell.metadata.get("tags", []), "the install cell must be tagged remove-cell"
    assert re.search(r"^try:\s*$", src, re.M) and "import optim_lib, myst_nb" in src
    assert re.search(r"^except ImportError:\s*$", src, re.M)
    pips = re.findall(r"%pip install .*", src)
    assert len(pips) == 1, "exactly one %pip install line"
    assert f'"optim_lib @ git+{REPO_URL}@' in pips[0], f"the install must use _config.yml's {REPO_URL}"
    assert "myst-nb" in pips[0]
    assert not cell.get("outputs"), "the install cell must store no output"
    assert src == install_cell_source(), (
        f"{path.name}: the install cell is not the one _config.yml's repository gives: run `make sync`")


def test_install_cells_do_nothing_when_the_packages_import():
    """Run every distinct install cell in a kernel whose %pip only records its calls."""
    from nbclient import NotebookClient

    sources = sorted({first_code_cell(p).source for p in CHAPTERS})
    if not sources:
        pytest.skip("no chapters yet")
    spy = (
        "_pip_calls = []\n"
        "get_ipython().register_magic_function(lambda line: _pip_calls.append(line), 'line', 'pip')"
    )
    cells = [nbformat.v4.new_code_cell(spy)] + [nbformat.v4.new_code_cell(s) for s in sources]
    cells.append(nbformat.v4.new_code_cell("print(len(_pip_calls))"))
    nb = nbformat.v4.new_notebook(cells=cells)
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    for cell in nb.cells[1:-1]:
        assert cell.outputs == [], f"the install cell printed something: {cell.outputs}"
    assert nb.cells[-1].outputs[0]["text"].strip() == "0", "the install cell ran %pip"
