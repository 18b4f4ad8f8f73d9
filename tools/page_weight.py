"""A small Sphinx extension (loaded from _config.yml): less to download on a first visit.

Measured on a chapter page before this (tests/browser_check.py reports every page's weight;
the limit is 2.5 MB with figures), the theme sent, besides MathJax:

1. **the search index on every page** (searchindex.js 142 KB, with searchtools.js and
   language_data.js: 168 KB). pydata-sphinx-theme loads them everywhere for its
   "search as you type", which the book does not turn on (``search_as_you_type`` is off: the
   search field opens search.html, which loads them itself). They are dropped from every other
   page; the theme's script reads ``Search`` only when search as you type is on.
2. **Font Awesome's whole web fonts** (solid 156 KB and brands 118 KB of woff2, for about 30
   icons, one of them the only brand: GitHub). The fonts are cut to the icons the site can
   show: every icon class (``fa-NAME``) that appears in a built page or script, and every
   glyph the stylesheets (or a page) write by code point or as the character itself (the
   theme's own icons: ``--pst-icon-bell`` is the bell's private-use character), so an icon is
   dropped only if nothing names it. The cut fonts are WOFF files beside the originals
   (``*.book.woff``, a few KB each) and the theme's ``@font-face`` rules point to them; the
   stylesheet's rules for the icons cut (86 KB of its 397 KB) go too.
3. **Figures stored as full-colour PNGs** (RGBA, 0.3–0.5 MB for a dense contour plot), though
   most are a few thousand antialiased shades of a few lines. Each figure of ``_images/`` is
   re-encoded as a 256-colour palette PNG (same pixels size and dpi) when that changes almost
   nothing — at most ``MAX_CHANGED`` of its pixels move by more than ``MAX_ERROR`` levels in a
   channel — and saves at least a fifth; other figures (heat maps, smooth gradients,
   transparency) are left as they are. Results are cached by the figure's hash in
   ``_build/.palette_cache``, so a rebuild costs a hash per figure. Animation frames are
   already palette PNGs.
"""

from __future__ import annotations

import re
from pathlib import Path

SEARCH_SCRIPTS = re.compile(
    r'[ \t]*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)[^"]*"></script>\n?'
)
FONT_DIR = "_static/vendor/fontawesome/webfonts"
THEME_CSS = "_static/styles/pydata-sphinx-theme.css"
# an icon rule of Font Awesome's stylesheet: `.fa-bars:before,.fa-navicon:before{content:"\f0c9"}`;
# a few write a character instead (`.fa-plus:before{content:"\+"}`, `.fa-k:before{content:"K"}`)
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:(?::)?before,?)+)\{content:"(\\[0-9a-f]{4,5}|\\[^0-9a-f]|[^"\\])"\}')
ICON_NAME = re.compile(r"\.fa-([a-z0-9-]+):")
CODEPOINT = re.compile(r'"\\([0-9a-fA-F]{4,5})"')
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")  # where Font Awesome's glyphs are
USED_CLASS = re.compile(r"\bfa-([a-z0-9]+(?:-[a-z0-9]+)*)")
FONTS = ("fa-solid-900", "fa-regular-400", "fa-brands-400")
MAX_ERROR = 24  # levels (of 255) a pixel's channel may move in a palette figure ...
MAX_CHANGED = 0.001  # ... for at most this fraction of its pixels
MIN_SAVING = 0.2


def _codepoint(content: str) -> int:
    """The code point of a CSS content string's one character: `\\f0c9`, `\\+` or `K`."""
    if content.startswith("\\"):
        return int(content[1:], 16) if len(content) > 2 else ord(content[1])
    return ord(content)


def drop_search_scripts(outdir: Path) -> int:
    """Drop the search scripts from every page but search.html; the number of pages changed."""
    changed = 0
    for page in Path(outdir).rglob("*.html"):
        if page.name == "search.html" and page.parent == Path(outdir):
            continue
        html = page.read_text(encoding="utf-8")
        new = SEARCH_SCRIPTS.sub("", html)
        if new != html:
            page.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def used_names(outdir: Path) -> set[str]:
    """Every ``fa-NAME`` class named in a built page or script (``NAME``)."""
    names = set()
    for path in list(Path(outdir).rglob("*.html")) + list(Path(outdir).rglob("*.js")):
        if "mathjax" in path.parts or path.name == "searchindex.js":
            continue
        names.update(USED_CLASS.findall(path.read_text(encoding="utf-8", errors="replace")))
    return names


def literal_glyphs(outdir: Path) -> set[int]:
    """Private-use characters written as such in a built page or script (an icon glyph pasted in)."""
    found = set()
    for path in list(Path(outdir).rglob("*.html")) + list(Path(outdir).rglob("*.js")):
        if "mathjax" in path.parts:
            continue
        found.update(ord(c) for c in PRIVATE_USE.findall(path.read_text(encoding="utf-8", errors="replace")))
    return found


def used_codepoints(outdir: Path) -> set[int]:
    """The Font Awesome code points the site can show (see the module's docstring)."""
    outdir = Path(outdir)
    css = (outdir / THEME_CSS).read_text(encoding="utf-8")
    names = used_names(outdir)
    keep = literal_glyphs(outdir)
    for m in ICON_RULE.finditer(css):
        if names & set(ICON_NAME.findall(m.group(1))):
            keep.add(_codepoint(m.group(2)))
    # every other code point a stylesheet writes (the theme's own icons, in pseudo-elements)
    for path in (outdir / "_static").rglob("*.css"):
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.name == Path(THEME_CSS).name:
            text = ICON_RULE.sub("", text)
        keep.update(int(c, 16) for c in CODEPOINT.findall(text) if int(c, 16) >= 0xE000)
        # the theme writes most of its own icons as the characters themselves: `--pst-icon-bell:""`
        keep.update(ord(c) for c in PRIVATE_USE.findall(text))
    return keep


def subset_fonts(outdir: Path) -> dict[str, tuple[int, int]]:
    """Cut the three Font Awesome fonts to the used code points and point the theme's CSS at
    the cut WOFF files; {font: (bytes before, bytes after)}. Idempotent."""
    from fontTools import subset

    outdir = Path(outdir)
    css_path = outdir / THEME_CSS
    if not css_path.exists():
        return {}
    keep = used_codepoints(outdir)
    css = css_path.read_text(encoding="utf-8")
    sizes = {}
    for font in FONTS:
        source = outdir / FONT_DIR / f"{font}.ttf"
        if not source.exists():
            continue
        target = source.with_name(f"{font}.book.woff")
        options = subset.Options()
        options.flavor = "woff"
        options.layout_features = ["*"]
        options.notdef_outline = True
        options.ignore_missing_unicodes = True
        ttf = subset.load_font(str(source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(keep))
        subsetter.subset(ttf)
        subset.save_font(ttf, str(target), options)
        # the rule's src: the woff2 and ttf originals -> the cut woff
        css = re.sub(
            r'src:url\(\.\./vendor/fontawesome/webfonts/' + font + r'\.woff2\) format\("woff2"\),'
            r'url\(\.\./vendor/fontawesome/webfonts/' + font + r'\.ttf\) format\("truetype"\)',
            f'src:url(../vendor/fontawesome/webfonts/{font}.book.woff) format("woff")',
            css,
        )
        sizes[font] = ((source.with_suffix(".woff2")).stat().st_size, target.stat().st_size)
    # the icon rules of the icons cut from the fonts (86 KB of the theme's 397 KB stylesheet)
    names = used_names(outdir)
    css = ICON_RULE.sub(lambda m: m.group(0) if names & set(ICON_NAME.findall(m.group(1))) else "", css)
    css_path.write_text(css, encoding="utf-8")
    return sizes


def palette_png(path: Path) -> bytes | None:
    """``path``'s PNG as a 256-colour palette PNG, or None if that would change it visibly
    (see ``MAX_ERROR``, ``MAX_CHANGED``), save too little, or lose transparency."""
    import io

    import numpy as np
    from PIL import Image

    with Image.open(path) as im:
        if im.format != "PNG" or im.mode not in ("RGB", "RGBA"):
            return None
        dpi = im.info.get("dpi")
        pixels = np.asarray(im)
    if pixels.shape[-1] == 4:
        if pixels[..., 3].min() < 255:
            return None
        pixels = pixels[..., :3]
    rgb = Image.fromarray(np.ascontiguousarray(pixels), "RGB")
    pal = rgb.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    error = np.abs(np.asarray(pal.convert("RGB"), dtype=np.int16) - pixels.astype(np.int16)).max(axis=-1)
    if (error > MAX_ERROR).mean() > MAX_CHANGED:
        return None
    out = io.BytesIO()
    pal.save(out, format="PNG", optimize=True, **({"dpi": dpi} if dpi else {}))
    data = out.getvalue()
    return data if len(data) <= (1 - MIN_SAVING) * path.stat().st_size else None


def compress_figures(outdir: Path, cache: Path) -> tuple[int, int]:
    """Palette-encode the figures of ``outdir/_images`` that allow it (cached by content hash
    in ``cache``); returns (bytes before, bytes after) over every PNG figure."""
    import hashlib

    before = after = 0
    cache.mkdir(parents=True, exist_ok=True)
    for path in sorted((Path(outdir) / "_images").glob("*.png")):
        data = path.read_bytes()
        before += len(data)
        key = hashlib.sha256(data).hexdigest()
        hit, keep = cache / f"{key}.png", cache / f"{key}.keep"
        if hit.exists():
            new = hit.read_bytes()
        elif keep.exists():
            new = None
        else:
            new = palette_png(path)
            if new is None:
                keep.touch()
            else:
                hit.write_bytes(new)
        if new is not None and new != data:
            path.write_bytes(new)
        after += len(new) if new is not None else len(data)
    return before, after


def _build_finished(app, exception):
    if exception is None and app.builder.format == "html" and not app.config.html_theme_options.get(
        "search_as_you_type", False
    ):
        drop_search_scripts(Path(app.outdir))
    if exception is None and app.builder.format == "html":
        subset_fonts(Path(app.outdir))
        compress_figures(Path(app.outdir), Path(app.outdir).parent / ".palette_cache")


def setup(app):
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
