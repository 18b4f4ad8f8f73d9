"""Sphinx extension: solution titles that open their solution (loaded from _config.yml).

sphinx-exercise writes a solution's title as a link back to its exercise::

    <p class="admonition-title">Solution to<a class="reference internal" href="#ex-adam-1"> Exercise 10.1 (…)</a></p>

The solutions are dropdowns (sphinx-togglebutton makes the whole title the toggle), so tapping
the title followed the link and jumped back to the exercise instead of opening the solution.
After the build, every solution's title is plain text (the toggle: a click or tap on it, or
Enter/Space on its toggle button, opens and closes the solution), and the link back to the
exercise stands on its own, small, at the top of the solution's body ("↑ back to Exercise 10.1").

A pasted glue value is kept on one line (tools/book_html_fixes.py: a number must not break at
its minus sign or exponent). A pasted value that is words (a list of optimizers, a sentence:
text with ordinary spaces) is marked ``pasted-words`` and wraps like the text around it, so it
no longer pushes a phone's page sideways.

The book's layout on narrow screens (equation numbers, wide tables, animation players) is CSS in
_static/book-layout.css; the working menu and contents buttons are _static/book-nav.js.
"""

import html
import re
from pathlib import Path

# the title, then (after the optional blank line sphinx-exercise writes) the body's section
SOLUTION = re.compile(
    r'(<div class="solution[^"]*"[^>]*>\s*<p class="admonition-title">)([^<]*)'
    r'<a class="reference internal" href="([^"]*)">(.*?)</a>(</p>\s*<section id="solution-content">)',
    re.S,
)
EXERCISE_NUMBER = re.compile(r"^\s*(Exercise\s+[0-9.]+)")


def _plain_text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def _rewrite(match: re.Match) -> str:
    start, before, href, title, end = match.groups()
    text = _plain_text(title).strip()
    number = EXERCISE_NUMBER.match(text)
    target = number.group(1) if number else "the exercise"
    back = (f'\n<p class="solution-backlink"><a class="reference internal" href="{href}">'
            f'↑ back to {html.escape(target)}</a></p>')
    return f"{start}{before.rstrip()} {title.strip()}{end}{back}"


def rewrite_solution_titles(text: str) -> str:
    """The page's HTML with each solution title unlinked and its back-link in the body."""
    return SOLUTION.sub(_rewrite, text)


PASTED = re.compile(r'<span class="pasted-text">([^<]*)</span>')


def _mark_pasted_words(match: re.Match) -> str:
    if " " not in html.unescape(match.group(1)).strip():
        return match.group(0)
    return f'<span class="pasted-text pasted-words">{match.group(1)}</span>'


def mark_pasted_words(text: str) -> str:
    """The page's HTML with each pasted value that contains ordinary spaces marked."""
    return PASTED.sub(_mark_pasted_words, text)


def _fix_pages(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = mark_pasted_words(text)
        if 'class="solution' in fixed:
            fixed = rewrite_solution_titles(fixed)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def setup(app):
    app.connect("build-finished", _fix_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
