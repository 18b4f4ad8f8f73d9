"""Every chapter opens with the Colab install cell: the repository URL of _config.yml, hidden,
and a no-op wherever optim_lib and myst_nb import (here, in Binder, under the tests)."""

import re
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
REPO_URL = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].rstrip("/")


def first_code_cell(path):
    nb = nbformat.read(path, as_version=4)
    return next(c for c in nb.cells if c.cell_type == "code")


def test_the_repository_url_is_set():
    assert REPO_URL.startswith("https://github.com/")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_first_code_cell_is_the_colab_install_cell(path):
    cell = first_code_cell(path)
    src = cell.source
    assert "remove-cell" in cell.metadata.get("tags", []), "the install cell must be tagged remove-cell"
    assert re.search(r"^try:\s*$", src, re.M) and "import optim_lib, myst_nb" in src
    assert re.search(r"^except ImportError:\s*$", src, re.M)
    pips = re.findall(r"%pip install .*", src)
    assert len(pips) == 1, "exactly one %pip install line"
    assert f'"optim_lib @ git+{REPO_URL}"' in pips[0], f"the install must use _config.yml's {REPO_URL}"
    assert "myst-nb" in pips[0]
    assert not cell.get("outputs"), "the install cell must store no output"


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
