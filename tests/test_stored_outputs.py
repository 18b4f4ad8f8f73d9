"""What every chapter stores is what a reader may see: outputs present, and none that is an
error, a warning, stderr, a timing or a memory address (nbval compares text outputs, and the
book shows them). Warnings are fixed where they arise, not filtered."""

import json
import re
from pathlib import Path

import pytest

CHAPTERS = sorted((Path(__file__).resolve().parents[1] / "chapters").glob("*.ipynb"))
RUN_DEPENDENT = re.compile(r"0x[0-9a-f]{6,}|Wall time|CPU times|\d+(\.\d+)? ?(ms|µs) per loop")
WARNING = re.compile(r"\b\w*Warning\b|\bwarnings\.warn\b")


def outputs(path):
    for i, cell in enumerate(json.loads(path.read_text())["cells"]):
        for out in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            data = out.get("data", {})
            text = "".join(out.get("text", "")) + "".join(
                "".join(v) for k, v in data.items() if k.endswith("text/plain"))
            yield i, cell, out, text


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_stores_clean_outputs(path):
    code = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert any(c.get("outputs") for c in code), "no stored outputs: nbval compares against them"
    for i, cell, out, text in outputs(path):
        assert out["output_type"] != "error", f"cell {i} stores an error"
        assert not (out["output_type"] == "stream" and out["name"] == "stderr"), f"cell {i} stores stderr: {text[:200]}"
        assert not WARNING.search(text), f"cell {i} stores a warning: {text[:200]}"
        if "nbval-ignore-output" not in cell.get("metadata", {}).get("tags", []):
            assert not RUN_DEPENDENT.search(text), f"cell {i} stores run-dependent text: {text[:200]}"
