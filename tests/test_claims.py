"""Claims are code (issue 13): what a page says about its own results is backed by plain
``assert`` statements computed from the same arrays. Every chapter has at least three, and at
least one per figure it shows (a stored image output: a glued figure or a displayed one).

The errata appendix is held to the same rule: it computes the evidence (blocks A to I) that its
rows cite, and its statements about that evidence are claims too.

Asserts are counted in the parsed code (``ast.Assert`` nodes), so an ``assert`` in a comment or
a string does not count; IPython magics and shell lines are dropped before parsing."""

import ast
import json
import re
from pathlib import Path

import pytest

CHAPTERS = sorted((Path(__file__).resolve().parents[1] / "chapters").glob("*.ipynb"))
MAGIC = re.compile(r"^\s*[%!]")
IMAGE_KEYS = ("image/png", "image/jpeg", "image/svg+xml")
MIN_ASSERTS = 3


def code_of(source: str) -> str:
    """A cell's source as Python: line magics and shell escapes become ``pass`` (so an indented
    ``%pip`` under ``except`` still parses), a cell magic (``%%...``) makes the cell not Python."""
    if source.lstrip().startswith("%%"):
        return ""
    return "\n".join(re.sub(r"^(\s*)[%!].*$", r"\1pass", line) if MAGIC.match(line) else line
                     for line in source.splitlines())


def count_asserts(source: str) -> int:
    return sum(isinstance(node, ast.Assert) for node in ast.walk(ast.parse(code_of(source))))


def count_figures(cells) -> int:
    """Stored image outputs (one per glued or displayed figure; a figure stored both as PNG and
    SVG counts once)."""
    return sum(any(k.endswith(IMAGE_KEYS) for k in out.get("data", {}))
               for c in cells if c["cell_type"] == "code" for out in c.get("outputs", []))


def test_counting():
    assert count_asserts("assert x > 0  # the loss falls\nfor i in r:\n    assert i, 'msg'\n") == 2
    assert count_asserts("# assert nothing\ns = 'assert x'\nx = 1\n") == 0
    assert count_asserts("try:\n    import a\nexcept ImportError:\n    %pip install a\nassert a\n") == 1
    assert count_asserts("%%timeit\nassert x\n") == 0
    png = {"data": {"application/papermill.record/image/png": "x", "application/papermill.record/text/plain": "f"}}
    both = {"data": {"image/png": "x", "image/svg+xml": "y"}}
    text = {"data": {"application/papermill.record/text/plain": "1"}}
    cells = [{"cell_type": "code", "outputs": [png, both, text]}, {"cell_type": "markdown", "source": "![](a.png)"}]
    assert count_figures(cells) == 2


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_asserts_its_claims(path):
    cells = json.loads(path.read_text())["cells"]
    asserts = sum(count_asserts("".join(c["source"])) for c in cells if c["cell_type"] == "code")
    figures = count_figures(cells)
    need = max(MIN_ASSERTS, figures)
    assert asserts >= need, (f"{path.name} has {asserts} asserts for {figures} figures: it needs at least {need} "
                             f"(at least {MIN_ASSERTS}, and one per figure), each backing a sentence of the page")
