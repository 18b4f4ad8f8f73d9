"""Figures, equations, algorithms and exercises are numbered within their chapter in the built HTML.

Usage: ``python tests/numbering_check.py [_build/html]`` (``make book-check`` runs it after the
warnings-as-errors build).

_toc.yml numbers the chapters (1 to N across the parts) and Sphinx numbers every numbered item
within its chapter (``numfig_secnum_depth: 1``). For every page this checks that

* every number an item shows (a caption's "Fig. 9.3", "Algorithm 9.1", "Exercise 9.2", an
  equation's "(9.4)") has the form chapter.item, with the chapter of the page it is on;
* no number is shown twice in the book for items of the same kind;
* every internal link whose text is such a number ("Fig. 9.3", "(9.4)", "Solution to
  Exercise 9.2") names a number of that kind that some page shows;
* chapter numbers are unique across the book (not restarted in each part).

A book-wide "Fig. 76" or "(17)" fails, as does an item on a page without a chapter number.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

from bs4 import BeautifulSoup

SKIP_DIRS = {"_static", "_sources", "_images", "_sphinx_design_static", "mathjax", "_panels_static"}
KINDS = r"Fig\.|Table|Listing|Algorithm|Exercise|Theorem|Lemma|Definition|Proposition|Corollary|Example|Remark"
ITEM = re.compile(rf"^({KINDS})\s+(\S+)")
LOCAL = re.compile(r"^(\d+)\.(\d+)$")


def pages(root: Path):
    for path in sorted(root.rglob("*.html")):
        if not SKIP_DIRS & set(path.relative_to(root).parts):
            yield path


def check(root: Path) -> tuple[list[str], dict]:
    errors: list[str] = []
    shown: dict[tuple[str, str], list[str]] = defaultdict(list)
    chapters: dict[str, list[str]] = defaultdict(list)
    refs = []
    for path in pages(root):
        name = str(path.relative_to(root))
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        main = soup.find("main") or soup
        secnum = next((h.find("span", class_="section-number") for h in main.find_all("h1")
                       if h.find("span", class_="section-number")), None)
        chapter = secnum.get_text().strip().rstrip(".") if secnum else None
        if chapter:
            chapters[chapter].append(name)
        items = []
        for span in main.find_all("span", class_="caption-number"):
            m = ITEM.match(span.get_text().strip())
            if m:
                items.append((m[1], m[2]))
        for span in main.find_all("span", class_="eqno"):
            # "(9.4)" then the permalink "#"
            items.append(("Equation", str(span.find(string=True) or "").strip().strip("()")))
        for kind, number in items:
            shown[(kind, number)].append(name)
            m = LOCAL.match(number)
            if not m:
                errors.append(f"{name}: {kind} {number} is not numbered chapter.item")
            elif m[1] != chapter:
                errors.append(f"{name}: {kind} {number} is on the page of chapter {chapter}")
        for a in main.find_all("a", class_="reference"):
            if "internal" not in a.get("class", []):
                continue
            text = " ".join(a.get_text().split())
            if "#equation-" in a.get("href", "") and re.fullmatch(r"\(\S+\)", text):
                refs.append((name, "Equation", text.strip("()")))
            elif m := ITEM.match(text):
                refs.append((name, m[1], m[2]))
    for (kind, number), where in shown.items():
        if len(where) > 1:
            errors.append(f"{kind} {number} is shown {len(where)} times: {sorted(set(where))}")
    for name, kind, number in refs:
        if not LOCAL.match(number):
            errors.append(f"{name}: a link says {kind} {number}, not chapter.item")
        elif (kind, number) not in shown:
            errors.append(f"{name}: a link says {kind} {number}, which no page shows")
    for number, where in chapters.items():
        if len(where) > 1:
            errors.append(f"chapter number {number} is used by {where}")
    counts = defaultdict(int)
    for kind, _ in shown:
        counts[kind] += 1
    return errors, {"chapters": len(chapters), "links": len(refs), **counts}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = Path(argv[0] if argv else "_build/html")
    if not (root / "index.html").is_file():
        print(f"numbering check: no built book at {root}", file=sys.stderr)
        return 1
    errors, counts = check(root)
    summary = ", ".join(f"{n} {k}" for k, n in counts.items())
    if errors:
        print("numbering check FAILED:\n  " + "\n  ".join(errors[:50]), file=sys.stderr)
        return 1
    print(f"numbering check: every number is chapter-local and unique ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
