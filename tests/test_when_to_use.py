"""Every optimizer chapter ends its practical part with a "When to use it" box (issue 15): typical
hyperparameters, the evidence at scale with citations, and when not to use it.

The optimizer chapters are those of the table of contents' optimizer parts, plus gradient descent (SGD's
own chapter); the foundations' other pages and "Understanding and choosing" compare or explain, and have none.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OPTIMIZER_PARTS = ("Momentum", "Adaptive learning rates", "Beyond the sources")


def optimizer_chapters() -> list[str]:
    toc, part, found = (ROOT / "_toc.yml").read_text(), None, ["chapters/gradient_descent"]
    for line in toc.splitlines():
        if m := re.match(r"\s*- caption: (.+)$", line):
            part = m.group(1).strip()
        elif (m := re.match(r"\s*- file: (\S+)$", line)) and part in OPTIMIZER_PARTS:
            found.append(m.group(1))
    return found


def test_the_optimizer_parts_are_found():
    chapters = optimizer_chapters()
    assert len(chapters) >= 14 and "chapters/momentum" in chapters and "chapters/schedule_free" in chapters


@pytest.mark.parametrize("chapter", optimizer_chapters())
def test_optimizer_chapter_has_a_when_to_use_box(chapter):
    cells = json.loads((ROOT / f"{chapter}.ipynb").read_text())["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    boxes = re.findall(r"^(`{3,}|:{3,})\{admonition\} When to use it\n(.*?)^\1", text, re.M | re.S)
    assert len(boxes) == 1, f"{chapter}: {len(boxes)} 'When to use it' boxes"
    body = boxes[0][1]
    assert "{cite" in body, f"{chapter}: the box cites no evidence"
    assert re.search(r"not|avoid|instead", body, re.I), f"{chapter}: the box does not say when not to use it"
    exercises = text.find("## Exercises")
    assert exercises < 0 or text.find("{admonition} When to use it") < exercises, f"{chapter}: the box comes after the exercises"
