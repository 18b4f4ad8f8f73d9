"""Check the PDF edition that ``make pdf`` built (Jupyter Book's LaTeX, xelatex).

Usage: ``python tests/pdf_check.py [_build/pdf/_build/latex/optim-book.pdf]``

It fails when

* the PDF has fewer than ``MIN_PAGES`` pages (a chapter lost on the way is hundreds of lines
  of LaTeX, several pages: the book has about 200);
* its text (poppler's ``pdftotext``) shows ``??``, LaTeX's mark of an unresolved reference;
* the LaTeX log reports undefined references or citations, a character missing from its font
  ("Missing character": the glued numbers' −, narrow no-break space, ×, ⁰¹²… included), or
  that tools/latex/optimbook.sty could not adapt Sphinx's LaTeX;
* an algorithm (sphinx-proof) lost its number or its page ("Algorithm  (" or ``\\label{None:``
  in the LaTeX), or a chapter's References list is missing (one list per {bibliography}).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

MIN_PAGES = 150
DEFAULT = Path("_build/pdf/_build/latex/optim-book.pdf")
LOG_PROBLEMS = re.compile(r"Missing character: .*|Package optimbook Warning: .*|LaTeX Warning: (?:Reference|Citation|Hyper reference) .*"
                          r"|LaTeX Warning: There were undefined references\.")


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def problems(pdf: Path) -> tuple[list[str], int]:
    found = []
    n = pages(pdf)
    if n < MIN_PAGES:
        found.append(f"{n} pages, fewer than {MIN_PAGES}")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for page_no, page in enumerate(text.split("\f"), 1):
        for line in page.splitlines():
            if "??" in line:
                found.append(f"page {page_no}: unresolved reference: {line.strip()[:120]}")
    log = pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    for line in sorted(set(m.group(0) for m in LOG_PROBLEMS.finditer(log))):
        found.append(f"LaTeX log: {line[:160]}")
    tex = pdf.with_suffix(".tex").read_text(encoding="utf-8")
    for line in tex.splitlines():
        if "\\label{None:" in line or re.search(r"\{(Algorithm|Exercise|Solution to Exercise)  \(", line):
            found.append(f"LaTeX: a numbered box lost its page or number: {line.strip()[:120]}")
    bibliographies = sum(1 for src in _sources() if "{bibliography}" in src.read_text(encoding="utf-8"))
    lists = tex.count("\\begin{optimbookreferences}")
    if lists < bibliographies:
        found.append(f"{lists} References lists in the PDF for {bibliographies} pages with a {{bibliography}}")
    return found, n


def _sources():
    root = Path(__file__).resolve().parent.parent
    return [*root.glob("*.md"), *sorted((root / "chapters").glob("*.ipynb"))]


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    pdf = Path(args[0]) if args else DEFAULT
    if not pdf.is_file():
        print(f"PDF check: no PDF at {pdf} (run make pdf)")
        return 1
    found, n = problems(pdf)
    for p in found:
        print(f"  - {p}")
    verdict = "FAILED" if found else "passed"
    print(f"PDF check {verdict}: {pdf} has {n} pages (at least {MIN_PAGES}), {len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
