"""A small Sphinx extension with fixes for the PDF edition (loaded from _config.yml).

1. sphinx-proof labels an algorithm in LaTeX with the name of the page it is on, which it finds
   by walking up to a section whose name is the page's title. The title in the environment has
   had its quotes made typographic (Nesterov’s) but the section's name has not (nesterov's),
   so on a page whose title has an apostrophe the walk found nothing: the algorithm was
   labelled ``None:alg-nadam``, drawn without its number, and every reference to it printed
   "??". When the walk finds nothing, the page is the one of the nearest section
   (sphinx-jupyterbook-latex marks each section with the page it comes from).

2. Each chapter ends with its own References ({bibliography} filtered to the page), as in the
   HTML. Sphinx's LaTeX builder moves every citation of the book into one bibliography at the
   end, which left each chapter's References heading empty and listed a paper once per page
   that cites it (up to six times). Each chapter's list is kept where it is instead, as a
   heading-less list (optimbook.sty's ``optimbookreferences``); the links from the citations
   work as before (``\bibitem`` in any list).

3. Sphinx's LaTeX writes no label for a box's name (``:name:`` of an admonition), so a
   ``{ref}`` to an erratum box resolved in the HTML but pointed nowhere in the PDF ("Hyper
   reference ... undefined"): each named box gets its label, just above it.

4. An animation player (optim_lib.display.animation, glued into a figure) is HTML: LaTeX fell back to
   its text/plain form, ``<IPython.core.display.HTML object>``, printed as code. In the PDF the
   figure says instead, in words, that its animation plays in the online book; its caption,
   which describes what the frames show, stays.
"""

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform


def _patch_sphinx_proof():
    try:
        import sphinx_proof.nodes as proof_nodes
    except ImportError:  # sphinx-proof not installed: nothing to fix
        return
    if getattr(proof_nodes.find_parent, "_optim_book", False):
        return
    original = proof_nodes.find_parent

    def find_parent(env, node, parent_tag):
        found = original(env, node, parent_tag)
        if found is not None:
            return found
        # sphinx-jupyterbook-latex marks every section with the page it comes from
        while node is not None:
            if isinstance(node, (nodes.section, addnodes.start_of_file)) and node.get("docname"):
                return node["docname"]
            node = node.parent
        return None

    find_parent._optim_book = True
    proof_nodes.find_parent = find_parent


class local_bibliography(nodes.General, nodes.Element):
    """A chapter's list of references, kept in place in the PDF."""


def _visit_local_bibliography(self, node):
    from sphinx.writers.latex import MAX_CITATION_LABEL_LENGTH

    longest = max((c[0].astext() for c in node.children), key=len)[:MAX_CITATION_LABEL_LENGTH]
    self.body.append("\n\\begin{optimbookreferences}{%s}\n" % self.encode(longest))


def _depart_local_bibliography(self, node):
    self.body.append("\\end{optimbookreferences}\n")


def _skip(self, node):
    raise nodes.SkipNode


class HoldCitations(SphinxPostTransform):
    """Before Sphinx's BibliographyTransform (750): take each run of citations out of the
    tree (so that it does not move them) and leave a local_bibliography in its place."""

    default_priority = 740
    formats = ("latex",)

    def run(self, **kwargs):
        for citation in list(self.document.findall(nodes.citation)):
            parent = citation.parent
            if parent is None:
                continue
            index = parent.index(citation)
            previous = parent[index - 1] if index > 0 else None
            if isinstance(previous, local_bibliography):
                holder = previous
            else:
                holder = local_bibliography()
                holder.held = []
                parent.insert(index, holder)
            parent.remove(citation)
            holder.held.append(citation)


class PlaceCitations(SphinxPostTransform):
    """After BibliographyTransform: put the held citations back into their lists."""

    default_priority = 760
    formats = ("latex",)

    def run(self, **kwargs):
        for holder in list(self.document.findall(local_bibliography)):
            holder.extend(getattr(holder, "held", []))
            holder.held = []


HTML_REPR = "<IPython.core.display.HTML object>"
ANIMATION_NOTE = "The animation plays in the online (HTML) edition of the book; in print, its caption says what it shows."


class AnimationsInWords(SphinxPostTransform):
    """In the PDF, the text/plain stand-in of an HTML output (an animation player) becomes a
    sentence saying where the animation plays."""

    default_priority = 700
    formats = ("latex",)

    def run(self, **kwargs):
        for block in list(self.document.findall(nodes.literal_block)):
            if block.astext().strip() == HTML_REPR:
                block.replace_self(nodes.paragraph("", "", nodes.emphasis("", ANIMATION_NOTE)))


ADMONITIONS = (nodes.admonition, nodes.attention, nodes.caution, nodes.danger, nodes.error, nodes.hint,
               nodes.important, nodes.note, nodes.tip, nodes.warning)


def _visit_labelled_admonition(self, node):
    # before the box: inside, the title is \begin{sphinxadmonition}'s argument
    if node["ids"]:
        self.body.append("\n" + self.hypertarget_to(node, anchor=True))
    getattr(type(self), "visit_" + node.tagname)(self, node)


def _depart_admonition(self, node):
    getattr(type(self), "depart_" + node.tagname)(self, node)


def setup(app):
    _patch_sphinx_proof()
    for cls in ADMONITIONS:
        app.add_node(cls, override=True, latex=(_visit_labelled_admonition, _depart_admonition))
    app.add_node(local_bibliography, latex=(_visit_local_bibliography, _depart_local_bibliography),
                 html=(_skip, None), text=(_skip, None))
    app.add_post_transform(HoldCitations)
    app.add_post_transform(AnimationsInWords)
    app.add_post_transform(PlaceCitations)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
