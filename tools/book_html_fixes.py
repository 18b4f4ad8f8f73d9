"""A small Sphinx extension with two fixes for the book's HTML (loaded from _config.yml).

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

The browser check (tests/browser_check.py) fails on console errors, so both matter.
"""

MODE_FIX = 'if (!document.documentElement.dataset.mode) { document.documentElement.dataset.mode = "auto"; }'


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_JS = ("require.js/", "@jupyter-widgets/html-manager")


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


def setup(app):
    app.add_js_file(None, body=MODE_FIX, priority=1)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
