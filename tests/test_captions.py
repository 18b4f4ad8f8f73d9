"""Figure captions carry no citation: in the PDF edition LaTeX expands a citation's hyperlink inside
\\caption until TeX's input stack overflows (it stopped the build once). Cite in the text beside the figure."""

import json
import re
from pathlib import Path

import pytest

CHAPTERS = sorted((Path(__file__).resolve().parents[1] / "chapters").glob("*.ipynb"))
FIGURE = re.compile(r"^(`{3,}|:{3,})\{(?:glue:figure|figure)\}.*?(?:^\1[ \t]*$|\Z)", re.M | re.S)  # a fence left open closes at the cell's end


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_citation_in_a_figure_caption(path):
    cells = json.loads(path.read_text())["cells"]
    figures = [m.group(0) for c in cells if c["cell_type"] == "markdown" for m in FIGURE.finditer("".join(c["source"]))]
    bad = [f.splitlines()[0] for f in figures if "{cite" in f]
    assert not bad, f"citations in the captions of {bad}"
