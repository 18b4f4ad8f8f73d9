"""torch is a test oracle only: no chapter may import it (Binder, Colab and readers don't have it)."""

import json
import re
from pathlib import Path

import pytest

CHAPTERS = sorted((Path(__file__).resolve().parents[1] / "chapters").glob("*.ipynb"))
IMPORT = re.compile(r"^\s*(import torch|from torch\b)", re.M)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_chapter_imports_torch(path):
    cells = json.loads(path.read_text())["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    assert not any(IMPORT.search(src) for src in code), f"{path.name} imports torch"
