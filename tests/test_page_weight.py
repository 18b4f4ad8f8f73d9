"""tools/page_weight.py: no search index on pages that do not search, Font Awesome cut to its icons."""

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import page_weight  # noqa: E402

THEME = Path(page_weight.__file__).resolve().parents[1] / ".venv"
STATIC = next(THEME.glob("lib/python3*/site-packages/pydata_sphinx_theme/theme/pydata_sphinx_theme/static"), None)
BUILT = Path(__file__).resolve().parents[1] / "_build" / "html"

SEARCH = ('    <script src="../_static/searchtools.js"></script>\n'
          '    <script src="../_static/language_data.js"></script>\n'
          '    <script src="../searchindex.js"></script>\n')


def test_search_scripts_only_on_the_search_page(tmp_path):
    (tmp_path / "chapters").mkdir()
    page = tmp_path / "chapters" / "x.html"
    page.write_text(f"<head>\n{SEARCH}<script src=\"../_static/doctools.js\"></script>\n</head>", encoding="utf-8")
    search = tmp_path / "search.html"
    search.write_text(f"<head>\n{SEARCH.replace('../', '')}</head>", encoding="utf-8")
    assert page_weight.drop_search_scripts(tmp_path) == 1
    html = page.read_text(encoding="utf-8")
    assert "searchindex" not in html and "searchtools" not in html and "language_data" not in html
    assert "doctools.js" in html
    assert "searchindex.js" in search.read_text(encoding="utf-8")


@pytest.mark.skipif(STATIC is None, reason="pydata-sphinx-theme is not installed in .venv")
def test_fonts_keep_every_named_icon_and_nothing_else(tmp_path):
    from fontTools.ttLib import TTFont

    site = tmp_path / "html"
    shutil.copytree(STATIC / "vendor" / "fontawesome" / "webfonts", site / page_weight.FONT_DIR)
    (site / "_static" / "styles").mkdir(parents=True)
    shutil.copy(STATIC / "styles" / "pydata-sphinx-theme.css", site / page_weight.THEME_CSS)
    (site / "p.html").write_text('<i class="fa-solid fa-bars"></i><i class="fab fa-github"></i>'
                                 '<button><i class="fa fa-plus"></i></button>', encoding="utf-8")
    sizes = page_weight.subset_fonts(site)
    assert set(sizes) == set(page_weight.FONTS)
    for before, after in sizes.values():
        assert after < before / 10
    css = (site / page_weight.THEME_CSS).read_text(encoding="utf-8")
    assert "fa-solid-900.woff2" not in css and "fa-brands-400.woff2" not in css
    assert 'url(../vendor/fontawesome/webfonts/fa-solid-900.book.woff) format("woff")' in css
    assert ".fa-bars:before" in css and ".fa-github:before" in css and ".fa-file-pdf:before" not in css
    solid = TTFont(site / page_weight.FONT_DIR / "fa-solid-900.book.woff").getBestCmap()
    brands = TTFont(site / page_weight.FONT_DIR / "fa-brands-400.book.woff").getBestCmap()
    assert 0xF0C9 in solid and ord("+") in solid  # fa-bars, and fa-plus (written `content:"\+"`)
    assert 0xF09B in brands  # fa-github
    assert 0xF1C1 not in solid  # fa-file-pdf: named nowhere in this site
    assert 0xF071 in solid  # the warning admonition's triangle: the theme writes the character itself
    # the theme's own pseudo-element icons are kept (they are named by code point, not class)
    for code in page_weight.used_codepoints(site) - {0xF0C9, 0xF09B, ord("+"), 0xF067}:
        assert code in solid or code in brands or code in TTFont(
            site / page_weight.FONT_DIR / "fa-regular-400.book.woff").getBestCmap() or code not in TTFont(
            site / page_weight.FONT_DIR / "fa-solid-900.ttf").getBestCmap()


def _stale() -> bool:
    """A site built before tools/page_weight.py last changed (a developer's old build) is not checked;
    `make book-check` runs this test on the site it has just built."""
    page = BUILT / "intro.html"
    return not page.exists() or page.stat().st_mtime < Path(page_weight.__file__).stat().st_mtime


@pytest.mark.skipif(_stale(), reason="no site built since tools/page_weight.py changed (make book-check builds one)")
def test_the_built_book_is_light():
    """Fails when a built chapter page loads the search index or the whole Font Awesome fonts again."""
    css = (BUILT / page_weight.THEME_CSS).read_text(encoding="utf-8")
    assert ".woff2)" not in css, "the theme's CSS loads the whole Font Awesome fonts: is tools/page_weight.py on?"
    heavy = [p.name for p in (BUILT / "chapters").glob("*.html") if "searchindex.js" in p.read_text(encoding="utf-8")]
    assert not heavy, f"chapter pages load the search index: {heavy[:3]}"


def _figure_png(path, kind):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, ax = plt.subplots(figsize=(4.6, 2.9), dpi=125)
    if kind == "lines":
        t = np.linspace(0, 10, 400)
        for k in range(4):
            ax.plot(t, np.sin(t + k), lw=1.5)
    else:  # a smooth two-colour gradient: tens of thousands of colours
        y, x = np.mgrid[0:1:300j, 0:1:500j]
        ax.imshow(np.dstack([x, y, 1 - x * y]), interpolation="bilinear")
    fig.savefig(path, dpi=125, transparent=(kind == "transparent"))
    plt.close(fig)


def test_figures_become_palette_pngs_only_when_nothing_visible_changes(tmp_path):
    import numpy as np
    from PIL import Image

    images = tmp_path / "html" / "_images"
    images.mkdir(parents=True)
    for kind in ("lines", "gradient", "transparent"):
        _figure_png(images / f"{kind}.png", kind)
    sizes = {p.name: p.stat().st_size for p in images.glob("*.png")}
    original = np.asarray(Image.open(images / "lines.png").convert("RGB"), dtype=int)
    before, after = page_weight.compress_figures(tmp_path / "html", tmp_path / "cache")
    assert before == sum(sizes.values()) and after < before
    lines = Image.open(images / "lines.png")
    assert lines.mode == "P" and round(lines.info["dpi"][0]) == 125  # the browser check's px/pt reads it
    assert (images / "lines.png").stat().st_size <= 0.8 * sizes["lines.png"]
    error = np.abs(np.asarray(lines.convert("RGB"), dtype=int) - original).max(axis=-1)
    assert (error > page_weight.MAX_ERROR).mean() <= page_weight.MAX_CHANGED
    assert Image.open(images / "gradient.png").mode == "RGBA"  # would band: left alone
    assert (images / "transparent.png").stat().st_size == sizes["transparent.png"]  # transparency kept
    # a rebuild copies the originals again: the cache answers, with the same bytes
    cached = (images / "lines.png").read_bytes()
    _figure_png(images / "lines.png", "lines")
    assert page_weight.compress_figures(tmp_path / "html", tmp_path / "cache") == (before, after)
    assert (images / "lines.png").read_bytes() == cached
