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
   never break across lines (optim_lib.display.glued already joins a number's parts with no-break
   spaces; ``nowrap`` keeps a line break out of the number itself).

6. Accessibility (WCAG 2.1 AA; the browser check runs axe-core on every page, light and dark):

   * an animation player's slider (matplotlib's ``to_jshtml``) has no label. optim_lib's
     ``to_html`` labels it now, and players stored before that are labelled here, in the page
     as it is built (``_label_players``), so a chapter need not be re-executed for it;
   * docutils marks each reference of a References list ``role="doc-biblioentry"`` inside a
     ``role="list"``. That role is deprecated (DPUB-ARIA 1.1) and not a list item, so the list's
     children were the entries' back-links: each entry is a ``listitem`` instead;
   * myst-nb's "Show code cell source" toggle was named "Toggle hidden content", a name that
     does not contain its visible text (WCAG 2.5.3): the visible text names it now; the theme's
     search button likewise (tools/templates/search-button-field.html);
   * links in exercise and theorem boxes, whose light blue background lowers the contrast of
     the theme's link colour to 4.3:1, are drawn a darker blue (5.1:1) in light mode; the
     Proof Index's letter rows take the dark mode's surface colour (its text was light on
     light grey).

7. The PDF edition. When ``make pdf`` has built it (config value ``book_pdf``, the path of the
   PDF from the book's folder), it is copied into the site as ``optim-book.pdf`` and every page's
   download menu links to it first ("book .pdf"). Without a built PDF the site has neither the
   file nor the link, so the link never points to nothing; ``make test`` builds the PDF before
   the site, and the browser check then requires the link on every page and the file behind it.

The browser check (tests/browser_check.py) fails on console errors and on pages over 5 MB.
"""

import re
import shutil
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
# sphinx-exercise draws an exercise, and sphinx-proof a theorem, on rgba(68, 138, 255, .1)
# (#ecf3ff on white; sphinx-proof's other boxes on tints as light), on which the theme's link
# colour #176de8 has a contrast of 4.29:1; #1462d0 has 5.11:1 (AA asks 4.5:1). Sphinx's index
# pages (the Proof Index) keep their light grey letter rows in dark mode, under the dark mode's
# light text (1.3:1): they take the theme's surface colour there.
BOX_CSS = ('html[data-theme="light"] div.exercise, html[data-theme="light"] div.proof '
           '{ --pst-color-link: #1462d0; --pst-color-link-hover: #0f4fa8; }\n'
           'html[data-theme="dark"] table.indextable tr.cap { background-color: var(--pst-color-surface); }')

# matplotlib's player: <input id="_anim_slider<id>" type="range" class="anim-slider" ...>
PLAYER_SLIDER = re.compile(r'<input id="_anim_slider[0-9a-f]+"(?![^>]*aria-label)')
SLIDER_LABEL = ' aria-label="Animation frame"'


def _add_pasted_css(app, pagename, templatename, context, doctree):
    # one small style element in the page head, ahead of the stylesheets
    context["metatags"] = context.get("metatags", "") + f"\n<style>{PASTED_CSS}\n{BOX_CSS}</style>"


def _label_players(app, doctree, docname):
    """Label the slider of every animation player in the page (players stored in a chapter's
    outputs before optim_lib.display.animation.to_html labelled them)."""
    from docutils import nodes

    for raw in doctree.findall(nodes.raw):
        if "html" not in raw.get("format", "").split():
            continue
        text = raw.astext()
        labelled = PLAYER_SLIDER.sub(lambda m: m.group(0) + SLIDER_LABEL, text)
        if labelled != text:
            raw.children = [nodes.Text(labelled)]


def _visit_citation(self, node):
    """docutils' citation, as a list item of its References list (not doc-biblioentry)."""
    type(self).visit_citation(self, node)
    self.body[-1] = self.body[-1].replace('role="doc-biblioentry"', 'role="listitem"', 1)


def _depart_citation(self, node):
    type(self).depart_citation(self, node)


def _visit_hide_cell_input(self, node):
    """myst-nb's toggle of a hidden cell source, named by its visible text ("Show code cell
    source"), not by an aria-label that does not contain that text."""
    from myst_nb.sphinx_ import visit_HideCellInput

    visit_HideCellInput(self, node)
    for k in range(len(self.body) - 1, -1, -1):
        if self.body[k] == '<summary aria-label="Toggle hidden content">\n':
            self.body[k] = "<summary>\n"
            break


def _register_overrides(app, config):
    from docutils import nodes

    # tools/templates, first on the path, overrides theme templates (the search button)
    config.templates_path.insert(0, str(Path(__file__).parent / "templates"))

    app.add_node(nodes.citation, override=True, html=(_visit_citation, _depart_citation))
    try:
        from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput
    except ImportError:
        return
    app.add_node(HideCodeCellNode, override=True, html=(_visit_hide_cell_input, depart_HideCellInput))


PDF_NAME = "optim-book.pdf"


def _built_pdf(app):
    pdf = Path(app.srcdir) / app.config.book_pdf
    return pdf if pdf.is_file() else None


def _add_pdf_link(app, pagename, templatename, context, doctree):
    """First entry of the page's download menu (sphinx-book-theme's header buttons, made at
    priority 501): the whole book as one PDF, when it has been built."""
    if app.builder.format != "html" or _built_pdf(app) is None or "header_buttons" not in context:
        return
    link = {"type": "link", "url": context["pathto"](PDF_NAME, 1), "text": "book .pdf",
            "tooltip": "Download the whole book as one PDF", "icon": "fas fa-book",
            "label": "download-book-pdf-button"}
    for button in context["header_buttons"]:
        if button.get("label") == "download-buttons":
            button["buttons"].insert(0, link)
            return
    context["header_buttons"].insert(0, dict(link, text=None))


def _copy_pdf(app, exception):
    pdf = _built_pdf(app)
    if exception is None and app.builder.format == "html" and pdf is not None:
        shutil.copyfile(pdf, Path(app.outdir) / PDF_NAME)


def setup(app):
    app.add_config_value("book_pdf", "_build/pdf/_build/latex/" + PDF_NAME, "html")
    app.connect("html-page-context", _add_pdf_link, priority=600)
    app.connect("build-finished", _copy_pdf)
    app.add_js_file(None, body=MODE_FIX, priority=1)
    app.connect("config-inited", _register_overrides, priority=900)
    app.connect("doctree-resolved", _label_players)
    app.connect("html-page-context", _add_pasted_css)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("build-finished", _drop_fontawesome_js)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
