"""A small Sphinx extension (loaded from _config.yml): animation frames as files, loaded late.

An animation player (``optim_lib.display.animation.to_html``, matplotlib's ``to_jshtml`` player) stores
every frame in the notebook as a base64 ``data:`` URL, so the notebook plays in Jupyter, Colab
or Binder with nothing beside it. Inlined in the static page, those frames were 0.7–1.1 MB of
every chapter page that has a player, downloaded on a first visit whether or not the reader
gets to it.

When the HTML builder has written the pages, each player's frames are moved into files under
``_images/anim/`` (named by their content's hash, so a rebuild rewrites nothing that did not
change) and the player is rewritten so that

* its first frame is the image's ``src``: one small file, shown at once;
* the other frames are fetched when the player comes within ``ROOT_MARGIN`` of the screen
  (IntersectionObserver), so a reader who never scrolls to it never downloads them;
* until then, moving its scrubber or pressing its buttons still works: the frame asked for is
  fetched on demand.

The files come from the site itself: the player works offline and from a downloaded copy.
A page rewritten before (an incremental build) has no ``data:`` frames left and is skipped.
tests/test_lazy_frames.py checks the rewrite and the built book.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path

ANIM_DIR = "_images/anim"
ROOT_MARGIN = "200px"  # start fetching a little before the player scrolls into view

# matplotlib's template (matplotlib/_animation_data.py): `var frames = new Array(N);`, one
# `  frames[k] = "data:image/png;base64,..."` line per frame (base64 lines continued with `\`),
# then `anim<id> = new Animation(frames, img_id, slider_id, <interval>, loop_select_id);`.
FRAME = re.compile(r'  frames\[(\d+)\] = "data:image/(png|jpeg|svg\+xml);base64,((?:[A-Za-z0-9+/=]|\\\n)*)"\n')
CONSTRUCTOR = re.compile(r"(anim[0-9a-f]+) = new Animation\(frames, img_id, slider_id, ([0-9.]+),\s*loop_select_id\);")
IMG_ID = re.compile(r'var img_id = "(_anim_img[0-9a-f]+)";')
EXT = {"png": "png", "jpeg": "jpg", "svg+xml": "svg"}

# The player's constructor, given the frames' URLs: only the first frame is fetched now; the
# others when the player nears the screen, or one by one as the reader asks for them.
LAZY_CONSTRUCTOR = """{name} = (function (urls, img_id, slider_id, interval, loop_select_id) {{
          var a = new Animation([urls[0]], img_id, slider_id, interval, loop_select_id);
          var first = a.frames[0];
          a.frames = urls.map(function (u, k) {{ return k === 0 ? first : {{src: u}}; }});
          document.getElementById(slider_id).max = urls.length - 1;
          var load = function () {{
            a.frames = urls.map(function (u, k) {{
              if (k === 0) return first;
              var im = new Image(); im.src = u; return im;
            }});
          }};
          var img = document.getElementById(img_id);
          if (!('IntersectionObserver' in window)) {{ load(); return a; }}
          var seen = new IntersectionObserver(function (entries) {{
            if (entries.some(function (e) {{ return e.isIntersecting; }})) {{ seen.disconnect(); load(); }}
          }}, {{rootMargin: "{margin}"}});
          seen.observe(img.closest('.animation') || img);
          return a;
        }})(frames, img_id, slider_id, {interval}, loop_select_id);"""


def rewrite(html: str, page_dir: Path, anim_dir: Path) -> tuple[str, int]:
    """``html`` with every player's inline frames moved to files in ``anim_dir`` (written as
    needed) and referenced relative to ``page_dir``; returns (new html, number of players)."""
    players = 0
    out, pos, firsts = [], 0, {}
    for cons in CONSTRUCTOR.finditer(html):
        # the player's script: from its `var img_id` line to its constructor
        start = html.rfind("var img_id = ", pos, cons.start())
        if start < 0:
            continue
        script = html[start:cons.end()]
        frames = list(FRAME.finditer(script))
        if not frames:
            continue
        urls = {}
        for m in frames:
            data = base64.b64decode(m.group(3).replace("\\\n", ""))
            name = f"{hashlib.sha256(data).hexdigest()[:20]}.{EXT[m.group(2)]}"
            target = anim_dir / name
            if not target.exists() or target.stat().st_size != len(data):
                anim_dir.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            urls[int(m.group(1))] = Path(os.path.relpath(target, page_dir)).as_posix()
        if sorted(urls) != list(range(len(urls))):
            raise ValueError(f"a player's frames are not numbered 0..{len(urls) - 1}: {sorted(urls)}")
        body = FRAME.sub(lambda m: f'  frames[{m.group(1)}] = "{urls[int(m.group(1))]}";\n', script)
        body = CONSTRUCTOR.sub(
            lambda m: LAZY_CONSTRUCTOR.format(name=m.group(1), interval=m.group(2), margin=ROOT_MARGIN), body
        )
        img_id = IMG_ID.search(script)
        if img_id:
            firsts[img_id.group(1)] = urls[0]
        out.append(html[pos:start])
        out.append(body)
        pos = cons.end()
        players += 1
    out.append(html[pos:])
    html = "".join(out)
    for img_id, url in firsts.items():  # the first frame is the image's own source: shown before any script runs
        html = re.sub(r'<img id="' + img_id + r'"', lambda m: f'{m.group(0)} src="{url}" decoding="async"', html, count=1)
    return html, players


def rewrite_site(outdir: Path) -> dict[str, int]:
    """Rewrite every page of the built site that has inline frames; {page: players}."""
    outdir = Path(outdir)
    anim_dir = outdir / ANIM_DIR
    done = {}
    for page in sorted(outdir.rglob("*.html")):
        if ANIM_DIR in page.as_posix():
            continue
        html = page.read_text(encoding="utf-8")
        if "new Animation(frames" not in html or ";base64," not in html:
            continue
        new, players = rewrite(html, page.parent, anim_dir)
        if players:
            page.write_text(new, encoding="utf-8")
            done[page.relative_to(outdir).as_posix()] = players
    return done


def _build_finished(app, exception):
    if exception is None and app.builder.format == "html":
        rewrite_site(Path(app.outdir))


def setup(app):
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
