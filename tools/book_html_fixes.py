"""A small Sphinx extension with fixes for the book's HTML (loaded from _config.yml).

1. Jupyter Book 1 registers some inline scripts twice (sphinx-thebe's ``const THEBE_JS_URL``
   and togglebutton's selector); the second ``const`` is a SyntaxError in the console of every
   page. Duplicate script entries are dropped from each page.
2. pydata-sphinx-theme reads the colour mode from localStorage and logs "Got invalid theme
   mode" on a reader's first visit, when it is empty. An empty mode is set to "auto" first.

3. A notebook executed with nbconvert stores its ipywidgets state in its metadata, and myst-nb
   then embeds that state in the page and loads require.js and the widget manager from CDNs.
   The explorers are in remove-cell cells, so the static page shows no widget: the state and
   those scripts are dropped (the page then reads offline). A widget view left in a visible
   cell is still caught by the browser check.

4. pydata-sphinx-theme loads Font Awesome twice: as web fonts from its stylesheet, and as a
   1.5 MB script that swaps each icon for an SVG. The fonts alone draw every icon of the page,
   so the script is dropped: each page is 1.5 MB lighter, and animations fit the budget.

5. myst-nb draws every pasted glue value bold, so numbers stood out of light captions and
   broke at their minus sign or exponent. Pasted numbers are set in the surrounding weight and
   never break across lines (optim_lib.glued already joins a number's parts with no-break
   spaces; ``nowrap`` keeps a line break out of the number itself).

The browser check (tests/browser_check.py) fails on console errors and on pages over 5 MB.
"""

import re
from pathlib import Path

MODE_FIX = 'if (!document.documentElement.dataset.mode) { document.documentElement.dataset.mode = "auto"; }'


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_JS = ("require.js/", "@jupyter-widgets/html-manager")
# pydata-sphinx-theme's template writes these tags itself (not through script_files)
FONTAWESOME_JS = re.compile(r'[ \t]*<(?:script|link)[^>]*_static/scripts/fontawesome\.js[^>]*>(?:</script>)?\n?')


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    files = context.get("script_files")
    if not files:
        return
    seen, out = set(), []
    for js in files:
        attrs = getattr(js, "attributes", {}) or {}
        filename = getattr(js, "filename", None) or ""
        if attrs.get("type") == WIDGET_STATE or any(cdn in filename for cdn in WIDGET_JS):
            continue
        # the same script may be registered at two priorities: compare file and attributes only
        key = (getattr(js, "filename", None) or "", tuple(sorted((k, str(v)) for k, v in attrs.items())))
        if key in seen:
            continue
        seen.add(key)
        out.append(js)
    context["script_files"] = out


def _drop_fontawesome_js(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        lighter = FONTAWESOME_JS.sub("", text)
        if lighter != text:
            page.write_text(lighter, encoding="utf-8")


# "html body" outranks myst-nb's own rule, which the page loads after this one
PASTED_CSS = "html body span.pasted-text { font-weight: inherit; white-space: nowrap; }"


def _add_pasted_css(app, pagename, templatename, context, doctree):
    # one small style element in the page head, ahead of the stylesheets
    context["metatags"] = context.get("metatags", "") + f"\n<style>{PASTED_CSS}</style>"


def setup(app):
    app.add_js_file(None, body=MODE_FIX, priority=1)
    app.connect("html-page-context", _add_pasted_css)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("build-finished", _drop_fontawesome_js)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
