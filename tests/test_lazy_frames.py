"""tools/lazy_frames.py: a player's frames leave the page for files, fetched when it nears the screen."""

import base64
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest

import optim_lib as ol
from optim_lib.display.animation import slider_animation, to_html

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import lazy_frames  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")
BUILT = Path(__file__).resolve().parents[1] / "_build" / "html"


@pytest.fixture(scope="module")
def player():
    anim = slider_animation(ol.Quadratic.with_condition_number(10.0), lambda lr: {"SGD": ol.SGD(lr=lr)},
                            [0.1, 0.5, 1.9], label="η", steps=20, dpi=40)
    return to_html(anim, alt="SGD paths").data


def _page(player):
    return f"<html><body><p>text</p>\n<div class=\"cell_output\">{player}</div>\n</body></html>\n"


def test_frames_become_files_and_the_page_keeps_none(tmp_path, player):
    site = tmp_path / "html"
    (site / "chapters").mkdir(parents=True)
    page = site / "chapters" / "x.html"
    page.write_text(_page(player), encoding="utf-8")
    inline = re.findall(r'"data:image/png;base64,((?:[A-Za-z0-9+/=]|\\\n)*)"', player)
    assert len(inline) == 3

    assert lazy_frames.rewrite_site(site) == {"chapters/x.html": 1}
    html = page.read_text(encoding="utf-8")
    assert "data:image/" not in html and ";base64," not in html  # no frame left in the page
    files = sorted((site / "_images" / "anim").glob("*.png"))
    assert len(files) == 3
    # each file is its frame, byte for byte, referenced relative to the page
    urls = re.findall(r'frames\[(\d)\] = "([^"]+)";', html)
    assert [k for k, _ in urls] == ["0", "1", "2"]
    for (_, url), data in zip(urls, inline):
        assert url.startswith("../_images/anim/") and url.endswith(".png")
        assert (page.parent / url).read_bytes() == base64.b64decode(data.replace("\\\n", ""))
    # the first frame is the image's own source; the rest wait for the player to near the screen
    assert re.search(r'<img id="_anim_img[0-9a-f]+" src="' + re.escape(urls[0][1]) + '" decoding="async" alt="SGD paths"',
                     html)
    assert "new Animation([urls[0]]" in html and "IntersectionObserver" in html
    assert "new Animation(frames" not in html
    assert ".animation img { max-width: 100%" in html  # the player still scales to the column


def test_a_rewritten_page_is_left_alone(tmp_path, player):
    site = tmp_path / "html"
    site.mkdir()
    page = site / "p.html"
    page.write_text(_page(player), encoding="utf-8")
    lazy_frames.rewrite_site(site)
    once = page.read_text(encoding="utf-8")
    assert lazy_frames.rewrite_site(site) == {}
    assert page.read_text(encoding="utf-8") == once


def test_two_players_on_one_page(tmp_path, player):
    anim = slider_animation(ol.Rosenbrock(), lambda lr: {"Adam": ol.Adam(lr=lr)}, [0.01, 0.1], label="η", steps=10,
                            dpi=40)
    other = to_html(anim, alt="Adam paths").data
    site = tmp_path / "html"
    site.mkdir()
    page = site / "p.html"
    page.write_text(_page(player) + _page(other), encoding="utf-8")
    assert lazy_frames.rewrite_site(site) == {"p.html": 2}
    html = page.read_text(encoding="utf-8")
    assert "base64," not in html and html.count("IntersectionObserver(") == 2
    assert len(list((site / "_images" / "anim").glob("*.png"))) == 5
    assert html.count('decoding="async"') == 2


def _stale() -> bool:
    """A site built before tools/lazy_frames.py last changed (a developer's old build) is not checked;
    `make book-check` runs this test on the site it has just built."""
    page = BUILT / "intro.html"
    return not page.exists() or page.stat().st_mtime < Path(lazy_frames.__file__).stat().st_mtime


@pytest.mark.skipif(_stale(), reason="no site built since tools/lazy_frames.py changed (make book-check builds one)")
def test_the_built_book_inlines_no_frame():
    """Fails when a page of the built book carries its animation frames inline again."""
    inlined = [p.relative_to(BUILT).as_posix() for p in BUILT.rglob("*.html")
               if "_anim_img" in (t := p.read_text(encoding="utf-8")) and re.search(r'frames\[\d+\] = "data:', t)]
    assert not inlined, f"animation frames inlined in {inlined}: is tools/lazy_frames.py in _config.yml?"
