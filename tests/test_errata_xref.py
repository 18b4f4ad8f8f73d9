"""Erratum boxes in the chapters and rows of the errata appendix point at each other (the
session protocol, issue 12/13):

- An erratum box is an admonition whose title starts with ``Erratum`` and lists the appendix row
  IDs it covers (``Erratum 000-3, 001-1 (sources 000 and 001): ...``), has ``:name:`` equal to
  ``erratum-`` + its first ID (+ ``-`` + its chapter, when a box elsewhere has that name), and carries a ``{ref}`` to ``errata-source-NNN`` for each source
  NNN among its IDs (the appendix's section labels, which must exist).
- Each appendix row (a table row of chapters/errata.ipynb whose first cell is its ID) references
  ``erratum-...`` of every box covering it, in its ID cell or any other cell; a row that
  references ``erratum-X`` is covered by the box named ``erratum-X``. Every row has a box, and
  every ID a box lists is a row of the appendix.
- IDs are final: ``000-3`` (source, then row number). A provisional ID such as
  ``002-new-momentum-1`` fails, so it cannot land.
"""

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ERRATA = ROOT / "chapters" / "errata.ipynb"
CHAPTERS = [p for p in sorted((ROOT / "chapters").glob("*.ipynb")) if p != ERRATA]

FINAL_ID = re.compile(r"^\d{3}-\d+$")
ANY_ID = re.compile(r"(?<![\w-])\d{3}-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
OPEN = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*?)\s*$")
OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):\s*(?P<value>.*?)\s*$")
REF = re.compile(r"\{ref\}`(?P<body>[^`]*)`")
TARGET = re.compile(r"^\((?P<label>[\w-]+)\)=\s*$", re.M)


def markdown(path: Path) -> list:
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "markdown"]


def ref_labels(text: str) -> list:
    """The labels of every {ref} role: {ref}`label` or {ref}`text <label>`."""
    labels = []
    for m in REF.finditer(text):
        body = m.group("body").strip()
        inner = re.search(r"<([^<>]+)>\s*$", body)
        labels.append((inner.group(1) if inner else body).strip())
    return labels


def directives(text: str) -> list:
    """Every MyST directive (``` or ::: fenced, nested ones too) as a dict with its name,
    argument (an admonition's title), options and body (nested directives included)."""
    lines, found, stack = text.splitlines(), [], []
    for line in lines:
        if stack:
            top = stack[-1]
            stripped = line.strip()
            if stripped and set(stripped) == {top["fence"][0]} and len(stripped) >= len(top["fence"]):
                stack.pop()
                if stack:
                    stack[-1]["body"].append(line)
                continue
            if top["in_options"]:
                opt = OPTION.match(line)
                if opt:
                    top["options"][opt.group("key")] = opt.group("value")
                    continue
                top["in_options"] = False
            for d in stack:
                d["body"].append(line)
        m = OPEN.match(line)
        if m:
            d = {"name": m.group("name"), "arg": m.group("arg"), "fence": m.group("fence"), "options": {},
                 "body": [], "in_options": True}
            found.append(d)
            stack.append(d)
    for d in found:
        d["body"] = "\n".join(d["body"])
    return found


def box_ids(title: str) -> list:
    """The row IDs an erratum box's title lists: after 'Erratum', up to the '(' or ':' that
    starts the sources or the summary."""
    head = re.split(r"[(:]", title[len("Erratum"):], maxsplit=1)[0]
    return ANY_ID.findall(head)


def boxes() -> list:
    """Every erratum box of the chapters: (chapter, title, ids, name, labels it references)."""
    found = []
    for path in CHAPTERS:
        for text in markdown(path):
            for d in directives(text):
                if d["arg"].startswith("Erratum") or d["options"].get("name", "").startswith("erratum-"):
                    found.append({"chapter": path.stem, "directive": d["name"], "title": d["arg"],
                                  "ids": box_ids(d["arg"]) if d["arg"].startswith("Erratum") else [],
                                  "name": d["options"].get("name"), "refs": ref_labels(d["body"])})
    return found


def appendix_rows() -> dict:
    """ID -> the labels the row references, for every table row of the appendix."""
    rows = {}
    for text in markdown(ERRATA):
        for line in text.splitlines():
            if not line.lstrip().startswith("|"):
                continue
            cells = line.strip().strip("|").split("|")
            first = REF.sub(lambda m: m.group("body").split("<")[0], cells[0]).strip()
            match = ANY_ID.match(first)
            if match:
                assert match.group() not in rows, f"appendix row {match.group()} appears twice"
                rows[match.group()] = ref_labels(line)
    return rows


def appendix_targets() -> set:
    return {m.group("label") for text in markdown(ERRATA) for m in TARGET.finditer(text)}


# --- the parsers, on the protocol's own example ---------------------------------------------------

EXAMPLE = """Text before.

```{admonition} Erratum 000-3, 001-1 (sources 000 and 001): ε inside the square root
:class: warning
:name: erratum-000-3
Duchi puts ε outside:
```{math}
x
```
Listed in the errata appendix: {ref}`errata-source-000`, {ref}`the lecture <errata-source-001>`.
```

:::{note} Not an erratum
:name: other
:::
"""


def test_the_parsers_on_the_protocols_example():
    ds = directives(EXAMPLE)
    assert [d["name"] for d in ds] == ["admonition", "math", "note"]
    box = ds[0]
    assert box["options"] == {"class": "warning", "name": "erratum-000-3"}
    assert box_ids(box["arg"]) == ["000-3", "001-1"]
    assert ref_labels(box["body"]) == ["errata-source-000", "errata-source-001"]
    assert box_ids("Erratum 002-new-momentum-1 (source 002): the sum") == ["002-new-momentum-1"]
    assert box_ids("Erratum (source 004)") == []
    assert problems_of_box({"chapter": "c", "directive": "admonition", "title": box["arg"], "ids": ["000-3", "001-1"],
                            "name": "erratum-000-3", "refs": ref_labels(box["body"])},
                           {"errata-source-000", "errata-source-001"}) == []


def problems_of_box(box: dict, targets: set) -> list:
    where = f"{box['chapter']}: box '{box['title'][:60]}'"
    if box["directive"] != "admonition":
        return [f"{where} is a {{{box['directive']}}}, not an {{admonition}}"]
    if not box["title"].startswith("Erratum"):
        return [f"{where} is named {box['name']} but its title does not start with 'Erratum'"]
    if not box["ids"]:
        return [f"{where} lists no row IDs (write 'Erratum 000-3, 001-1 (sources ...): ...')"]
    problems = [f"{where}: {i} is not a final row ID (NNN-k); provisional IDs must be renumbered before landing"
                for i in box["ids"] if not FINAL_ID.match(i)]
    # a row covered by boxes in two chapters: the second box adds its chapter to the name
    allowed = (f"erratum-{box['ids'][0]}", f"erratum-{box['ids'][0]}-{box['chapter'].replace('_', '-')}")
    if box["name"] not in allowed:
        problems.append(f"{where} has :name: {box['name']!r}, not {' or '.join(map(repr, allowed))}")
    for source in sorted({i[:3] for i in box["ids"]}):
        label = f"errata-source-{source}"
        if label not in box["refs"]:
            problems.append(f"{where} covers source {source} but has no {{ref}}`{label}`")
        if label not in targets:
            problems.append(f"{where}: the appendix has no section label ({label})=")
    return problems


# --- the checks -----------------------------------------------------------------------------------

def test_every_erratum_box_is_well_formed():
    targets = appendix_targets()
    problems = [p for box in boxes() for p in problems_of_box(box, targets)]
    names = defaultdict(list)
    for box in boxes():
        if box["name"]:
            names[box["name"]].append(box["chapter"])
    problems += [f"two boxes are named {n}: {cs}" for n, cs in names.items() if len(cs) > 1]
    assert not problems, "\n".join(problems)


def test_appendix_row_ids_are_final():
    bad = [i for i in appendix_rows() if not FINAL_ID.match(i)]
    assert not bad, f"provisional row IDs in the appendix (renumber them): {bad}"


def test_every_box_is_referenced_by_the_rows_it_covers():
    rows = appendix_rows()
    problems = []
    for box in boxes():
        for i in box["ids"]:
            if i not in rows:
                problems.append(f"{box['chapter']}: box {box['name']} lists {i}, which is not a row of the appendix")
            elif box["name"] not in rows[i]:
                problems.append(f"appendix row {i} does not reference {{ref}}`{box['name']}` (box in {box['chapter']})")
    assert not problems, "\n".join(problems)


def test_every_row_reference_is_a_box_that_covers_the_row():
    covering = {box["name"]: box for box in boxes() if box["name"]}
    problems = []
    for i, labels in appendix_rows().items():
        for label in labels:
            if not label.startswith("erratum-"):
                continue
            if label not in covering:
                problems.append(f"appendix row {i} references {label}, but no chapter has a box of that name")
            elif i not in covering[label]["ids"]:
                problems.append(f"appendix row {i} references {label} ({covering[label]['chapter']}), "
                                f"whose title lists {covering[label]['ids']}, not {i}")
    assert not problems, "\n".join(problems)


def test_every_appendix_row_has_its_box():
    covered = {i for box in boxes() for i in box["ids"]}
    missing = [i for i in appendix_rows() if i not in covered]
    assert not missing, f"appendix rows that no erratum box covers: {missing}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_erratum_box_without_ids(path):
    """Per chapter, so a writer sees its own old-style boxes ('Erratum (source 004)')."""
    old = [d["arg"] for text in markdown(path) for d in directives(text)
           if d["arg"].startswith("Erratum") and not box_ids(d["arg"])]
    assert not old, f"{path.name}: erratum boxes that list no row IDs: {old}"
