"""Open every page of the built book in headless Chromium and check what a reader would see.

Usage: ``python tests/browser_check.py [_build/html] [--screenshots _build/screenshots]``
(``make browser`` runs it after the book build; ``make test`` runs ``make browser``).

The site is served on 127.0.0.1 (a random free port) by Python's http.server in a thread and
driven by Playwright through Debian's ``/usr/bin/chromium`` (never a downloaded browser), one
browser for the whole run. Every page is opened on a phone (390 px wide) and on a desktop
(1280 px), a fresh first visit each time, and at both widths the check fails unless

* the page loads (HTTP 200) and logs no console error and no uncaught exception;
* no same-origin request fails (an error status or a network failure: a missing favicon too);
* math is typeset by the MathJax served from the site: every ``.math`` element holds an
  ``mjx-container`` and there is no ``mjx-merror``;
* the page weighs at most 2.5 MB on a first visit (the bytes of every resource it loaded once
  the network is idle, measured before any scrolling, click or screenshot, so animation frames
  and images loaded only when the reader reaches them do not count);
* nothing scrolls sideways: ``document.documentElement.scrollWidth`` is at most the viewport's
  width (the failure names the widest elements);
* no display equation is wider than its block (``mjx-container[display]``: scrollWidth at most
  clientWidth + 1), and no inline formula runs past the text column or is cut off by a box
  around it (inline math in a table that scrolls in its own block is exempt);
* every content figure (each ``<img>`` of the article, an animation's frame included) is shown
  at least 1 screen pixel per typographic point: its displayed CSS width divided by its drawn
  width in points (``naturalWidth`` / dpi × 72, the dpi read from the PNG's pHYs chunk, or a
  JPEG's JFIF density; without one, 72 dpi), the image's bytes fetched by the check;
* the menu works (the theme's own toggles attach to a hidden button: pydata-sphinx-theme issue
  2451, fixed by _static/book-nav.js): at 390 px clicking the visible menu button opens the
  primary sidebar (a dialog, visible and inside the viewport, with its links) and the visible
  contents button opens the page's table of contents; at 1280 px the menu button hides the
  primary sidebar and a second click shows it again;
* a solution's title opens its solution: clicking the title's text reveals the solution's body
  and does not navigate (tools/book_html_layout.py), and Enter on its toggle button closes it;
* every ``<img>`` decodes (``naturalWidth > 0``);
* every animation player works: scrubbing to its last frame shows another image, and the
  image has alt text;
* no ipywidgets output is in the static page (no ``.jupyter-widgets`` element and no
  widget-view or widget-state script): explorers must be in ``remove-cell`` cells;
* with ``--axe PATH`` (``make browser`` passes the pinned axe-core from the npm registry), the
  page has no serious or critical violation of axe-core's WCAG 2.1 A and AA rules (tags wcag2a,
  wcag2aa, wcag21a, wcag21aa), in the theme's light mode and again, for colour contrast, in its
  dark mode (``data-theme="dark"``). axe runs at 1280 px only (it takes a third of the run; the
  pages' markup and colours are the same at both widths);
* with ``--require-pdf`` (``make test``), the page links to the PDF edition (``optim-book.pdf``
  at the site's root), and the site serves that file as a PDF.

It prints one line per page and width (with each failure under it), then a table of every
page's first-visit weight, MathJax's typeset time (from DOMContentLoaded to the end of the first
typeset) and smallest figure scale at both widths. Full-page screenshots go to
``_build/screenshots/390/`` and ``_build/screenshots/1280/``. Requests to other hosts are
reported (the book should read offline) and blocked, so the check needs no network.

Without ``/usr/bin/chromium`` the check prints that it was SKIPPED and exits 0, unless
``REQUIRE_BROWSER=1`` (set by ``.ci/run``), which turns the skip into a failure.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
MAX_PAGE_BYTES = 2_500_000
WIDTHS = (390, 1280)
HEIGHTS = {390: 844}  # a phone's viewport; any other width: 900 px
AXE_WIDTH = 1280
MIN_PX_PER_PT = 1.0
SKIP_DIRS = {"_static", "_sources", "_images", "_sphinx_design_static", "mathjax", "_panels_static"}

# Runs in the page: wait for MathJax's first typeset (if the page loads MathJax) and report.
WAIT_MATH_JS = """
async () => {
  const t0 = Date.now();
  while (!(window.MathJax && MathJax.startup && MathJax.startup.promise) && Date.now() - t0 < 10000) {
    if (!document.querySelector('.math')) break;
    await new Promise(r => setTimeout(r, 50));
  }
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const math = Array.from(document.querySelectorAll('.math'));
  return {
    mathjax: !!(window.MathJax && MathJax.version),
    version: window.MathJax && MathJax.version || null,
    math: math.length,
    untypeset: math.filter(e => !e.querySelector('mjx-container')).length,
    containers: document.querySelectorAll('mjx-container').length,
    merrors: Array.from(document.querySelectorAll('mjx-merror')).map(e => e.textContent.slice(0, 80)),
  };
}
"""

IMAGES_JS = """
async () => {
  const imgs = Array.from(document.images);
  await Promise.all(imgs.map(i => i.decode().catch(() => null)));
  return imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'));
}
"""

WIDGETS_JS = """
() => document.querySelectorAll(
  '.jupyter-widgets, script[type="application/vnd.jupyter.widget-view+json"], '
  + 'script[type="application/vnd.jupyter.widget-state+json"]').length
"""

# Every animation player (matplotlib's to_jshtml): scrubbing to the last frame must show another
# image, so the static page's only controls are live ones.
ANIMATIONS_JS = """
() => Array.from(document.querySelectorAll('.animation')).map(a => {
  const slider = a.querySelector('input.anim-slider'), img = a.querySelector('img');
  if (!slider || !img) return {ok: false, why: 'no scrubber or no image'};
  const first = img.src;
  slider.value = slider.max;
  slider.dispatchEvent(new Event('input'));
  // frames may be data: URLs or files loaded when the player is reached (tools/lazy_frames.py)
  const ok = +slider.max > 0 && !!img.src && img.src !== first;
  slider.value = 0;
  slider.dispatchEvent(new Event('input'));
  return {ok, why: ok ? '' : 'scrubbing to the last frame did not change the image', frames: +slider.max + 1,
          alt: !!img.getAttribute('alt')};
})
"""

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_IMPACTS = ("serious", "critical")
# Runs axe-core (injected into the page) in the given colour mode; the serious and critical
# violations, each with its first few elements. Dark mode re-checks colour contrast only: the
# other rules do not depend on colours.
AXE_JS = """
async ([mode, tags, impacts]) => {
  const root = document.documentElement;
  let options = {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']};
  if (mode) {
    root.dataset.mode = mode;
    root.dataset.theme = mode;
    await new Promise(r => setTimeout(r, 250));
    options = {runOnly: {type: 'rule', values: ['color-contrast']}, resultTypes: ['violations']};
  }
  const result = await axe.run(document, options);
  return result.violations.filter(v => impacts.includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': '
      + (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 220)),
  }));
}
"""

PDF_NAME = "optim-book.pdf"
PDF_LINKS_JS = """
(name) => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)
  .filter(h => h.split('#')[0].endsWith('/' + name))
"""

WEIGHT_JS = """
() => {
  const nav = performance.getEntriesByType('navigation').map(e => e.encodedBodySize || e.transferSize || 0);
  const res = performance.getEntriesByType('resource').map(e => e.encodedBodySize || e.transferSize || 0);
  return [...nav, ...res].reduce((a, b) => a + b, 0);
}
"""


# MathJax's typeset time: set before the page's scripts run; records when MathJax's first
# typeset (startup.promise) ends, on the page's clock.
TYPESET_TIMER_JS = """
(() => {
  const poll = setInterval(() => {
    const m = window.MathJax;
    if (m && m.startup && m.startup.promise) {
      clearInterval(poll);
      m.startup.promise.then(() => { window.__bookTypesetEnd = performance.now(); });
    }
  }, 5);
  setTimeout(() => clearInterval(poll), 30000);
})();
"""

TYPESET_TIME_JS = """
() => {
  const nav = performance.getEntriesByType('navigation')[0];
  if (window.__bookTypesetEnd === undefined || !nav) return null;
  return {typeset: Math.max(0, window.__bookTypesetEnd - nav.domContentLoadedEventStart) / 1000,
          ready: window.__bookTypesetEnd / 1000};
}
"""

# Sideways scrolling, display equations wider than their block, inline math past the column or
# cut off, all in the page as the reader sees it.
LAYOUT_JS = """
() => {
  const vw = window.innerWidth;
  const text = e => (e.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 70);
  const describe = e => {
    const cls = (e.className && e.className.toString() || '').trim().split(/\\s+/).slice(0, 2).join('.');
    const sec = e.closest('section[id]');
    return `${e.tagName.toLowerCase()}${cls ? '.' + cls : ''}${sec ? ' in #' + sec.id : ''} "${text(e)}"`;
  };
  const out = {scrollWidth: document.documentElement.scrollWidth, viewport: vw, wide: [], display: [], inline: []};
  if (out.scrollWidth > vw) {
    // the elements that reach past the viewport's right edge and are not inside a box that
    // clips or scrolls them (code blocks, scrolling tables): the ones that widen the page
    const clipped = e => {  // inside a box that clips or scrolls it, or off-canvas (fixed)
      if (getComputedStyle(e).position === 'fixed') return true;
      for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (s.overflowX !== 'visible' || s.position === 'fixed') return true;
      }
      return false;
    };
    const all = Array.from(document.body.querySelectorAll('*'))
      .filter(e => e.getBoundingClientRect().right > vw + 1 && getComputedStyle(e).visibility !== 'hidden'
                   && !clipped(e));
    const leaves = all.filter(e => !all.some(c => c !== e && e.contains(c)));
    out.wide = leaves.slice(0, 6).map(e => {
      const top = e.closest('mjx-container, table, .animation, figure, pre, p, li, dd, .math') || e;
      return `${describe(top)} (right edge ${Math.round(e.getBoundingClientRect().right)} px)`;
    }).filter((d, i, a) => a.indexOf(d) === i);
  }
  const art = document.querySelector('article.bd-article') || document.body;
  const ar = art.getBoundingClientRect(), acs = getComputedStyle(art);
  const colLeft = ar.left + parseFloat(acs.paddingLeft), colRight = ar.right - parseFloat(acs.paddingRight);
  for (const m of document.querySelectorAll('mjx-container[display="true"]')) {
    if (m.clientWidth > 0 && m.scrollWidth > m.clientWidth + 1) {
      out.display.push(`${text(m.closest('.math') || m)} (${m.scrollWidth} px in ${m.clientWidth} px)`);
    }
  }
  for (const m of document.querySelectorAll('mjx-container:not([display="true"])')) {
    if (m.closest('.pst-scrollable-table-container, .toggle-hidden, dialog')) continue;
    const r = m.getBoundingClientRect();
    if (r.width === 0) continue;
    let why = '';
    if (r.right > colRight + 1 || r.left < colLeft - 1) {
      why = `runs past the column (${Math.round(r.left)}–${Math.round(r.right)} px, column ${Math.round(colLeft)}–${Math.round(colRight)} px)`;
    } else {
      for (let a = m.parentElement; a && a !== art; a = a.parentElement) {
        const as = getComputedStyle(a);
        if (as.overflowX === 'visible' || as.display === 'inline') continue;
        const b = a.getBoundingClientRect();
        if (r.right > b.right + 1 || r.left < b.left - 1) {
          why = `is cut off at ${Math.round(b.width)} px (${Math.round(r.width)} px wide) by ${a.tagName.toLowerCase()}.${a.className.toString().split(' ')[0]}`;
        }
        break;
      }
    }
    if (why) out.inline.push(`${text(m.closest('.math') || m)} ${why}`);
  }
  return out;
}
"""

# Every content figure's scale in screen px per typographic point: displayed width over drawn
# width (naturalWidth / dpi * 72), the dpi from the image's own bytes (PNG pHYs, JPEG JFIF).
FIGURES_JS = """
async () => {
  const dpiOf = async (src) => {
    try {
      const buf = new Uint8Array(await (await fetch(src)).arrayBuffer());
      const dv = new DataView(buf.buffer);
      if (buf[0] === 0x89 && buf[1] === 0x50) {           // PNG: walk the chunks up to IDAT
        for (let o = 8; o + 8 <= buf.length;) {
          const len = dv.getUint32(o), type = String.fromCharCode(...buf.slice(o + 4, o + 8));
          if (type === 'pHYs') {
            const ppu = dv.getUint32(o + 8), unit = buf[o + 16];
            return unit === 1 ? ppu * 0.0254 : 72;
          }
          if (type === 'IDAT' || type === 'IEND') break;
          o += 12 + len;
        }
        return 72;
      }
      if (buf[0] === 0xff && buf[1] === 0xd8 && String.fromCharCode(...buf.slice(6, 10)) === 'JFIF') {
        const unit = buf[13], d = dv.getUint16(14);
        return unit === 1 ? d : unit === 2 ? d * 2.54 : 72;
      }
      return null;  // SVG or another format: drawn in CSS px, nothing to check
    } catch (e) { return 72; }
  };
  const art = document.querySelector('article.bd-article') || document.body;
  const out = [];
  for (const img of art.querySelectorAll('img')) {
    if (img.closest('.toggle-hidden') || getComputedStyle(img).visibility === 'hidden') continue;
    if (!(img.complete && img.naturalWidth > 0)) {
      img.scrollIntoView({block: 'center'});
      img.loading = 'eager';
      await Promise.race([img.decode().catch(() => null), new Promise(r => setTimeout(r, 3000))]);
    }
    const w = img.getBoundingClientRect().width;
    if (!img.naturalWidth || w === 0 || !img.currentSrc) continue;
    const dpi = await dpiOf(img.currentSrc);
    if (dpi === null) continue;
    const anim = !!img.closest('.animation');
    const fig = img.closest('figure');
    const caption = fig && fig.querySelector('figcaption .caption-number');
    const sec = img.closest('section[id]');
    out.push({scale: w / (img.naturalWidth / dpi * 72), shown: Math.round(w), natural: img.naturalWidth,
              dpi: Math.round(dpi), anim,
              name: (anim ? 'animation frame' + (caption ? ' of ' : '') : '')
                    + (caption ? caption.textContent.trim() : anim ? '' : 'image')
                    + (sec ? ' in #' + sec.id : '')});
  }
  window.scrollTo(0, 0);
  return out;
}
"""

# The first element of `selector` that a reader can see (the theme also has hidden copies).
VISIBLE_INDEX_JS = """
(selector) => Array.from(document.querySelectorAll(selector)).findIndex(b => {
  const r = b.getBoundingClientRect(), s = getComputedStyle(b);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
})
"""

# Is this element (or dialog) shown, inside the viewport, with at least one link a reader sees?
SHOWN_JS = """
([selector, inner]) => {
  const e = document.querySelector(selector);
  if (!e) return {shown: false, why: `no ${selector}`};
  const s = getComputedStyle(e), r = e.getBoundingClientRect();
  if (e.tagName === 'DIALOG' && !e.open) return {shown: false, why: `${selector} is not open`};
  if (s.visibility === 'hidden' || s.display === 'none' || +s.opacity === 0 || r.width < 40 || r.height < 40)
    return {shown: false, why: `${selector} is not visible (${Math.round(r.width)}×${Math.round(r.height)} px, visibility ${s.visibility}, opacity ${s.opacity})`};
  if (r.left < -1 || r.right > window.innerWidth + 1 || r.top > window.innerHeight || r.bottom < 0)
    return {shown: false, why: `${selector} is outside the viewport (${Math.round(r.left)}–${Math.round(r.right)} px)`};
  const links = Array.from(e.querySelectorAll(inner)).filter(a => {
    const q = a.getBoundingClientRect();
    return q.width > 0 && q.height > 0 && q.left >= -1 && q.right <= window.innerWidth + 1 && getComputedStyle(a).visibility !== 'hidden';
  });
  if (!links.length) return {shown: false, why: `${selector} shows no ${inner}`};
  return {shown: true, why: ''};
}
"""

# The first dropdown solution: is its body shown; where is the text of its title (the words
# after "Solution to", which were the link back to the exercise).
SOLUTION_JS = """
(mode) => {
  const sol = document.querySelector('div.solution.toggle');
  if (!sol) return null;
  const body = sol.querySelector(':scope > section, :scope > .admonition-title ~ *');
  const title = sol.querySelector(':scope > .admonition-title');
  const button = title && title.querySelector('.toggle-button');
  const shown = !!body && getComputedStyle(body).visibility !== 'hidden' && body.getBoundingClientRect().height > 0;
  if (mode === 'state') return {shown, expanded: button ? button.getAttribute('aria-expanded') : null};
  sol.scrollIntoView({block: 'center'});
  const range = document.createRange();
  range.selectNodeContents(title);
  if (button) range.setEndBefore(button);
  const rects = Array.from(range.getClientRects()).filter(r => r.width > 4);
  const last = rects[rects.length - 1];
  const x = last ? last.left + last.width * 0.6 : null, y = last ? last.top + last.height / 2 : null;
  const hit = last ? document.elementFromPoint(x, y) : null;
  return {shown, id: sol.id, button: !!button, x, y,
          covered: hit && !title.contains(hit) ? hit.tagName.toLowerCase() + '.' + hit.className : null};
}
"""


def missing_chromium(check: str):
    """None when Debian's Chromium is installed. Otherwise say loudly that ``check`` was
    SKIPPED (or FAILED, when REQUIRE_BROWSER=1 as in CI) and return the exit code to use."""
    if Path(CHROMIUM).exists():
        return None
    required = os.environ.get("REQUIRE_BROWSER") == "1"
    verdict = "FAILED (REQUIRE_BROWSER=1)" if required else "SKIPPED"
    msg = f"{check} {verdict}: {CHROMIUM} not found (apt-get install chromium to run it)."
    print("=" * len(msg), msg, "=" * len(msg), sep="\n")
    return 1 if required else 0


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test log readable
        pass


def serve(root: Path):
    """Serve ``root`` on 127.0.0.1 at a free port in a daemon thread; return (server, base URL)."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def pages(root: Path) -> list[str]:
    out = []
    for p in sorted(root.rglob("*.html")):
        rel = p.relative_to(root)
        if rel.parts[0] in SKIP_DIRS:
            continue
        out.append(rel.as_posix())
    return out


_ROOT: Path = Path(".")


def _redirect_target(base: str, rel: str):
    """None for an ordinary page; for a meta-refresh page, whether its target exists."""
    import re

    text = (_ROOT / rel).read_text(errors="replace")
    m = re.search(r'http-equiv="refresh"\s+content="\d+;\s*url=([^"]+)"', text, re.I)
    if not m:
        return None
    return (_ROOT / Path(rel).parent / m.group(1).split("#")[0]).exists()


def check_accessibility(page, axe: Path) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 AA violations in light mode, then the colour
    contrast ones in dark mode."""
    page.add_script_tag(content=axe.read_text(encoding="utf-8"))
    problems = []
    for mode in ("", "dark"):
        for v in page.evaluate(AXE_JS, [mode, AXE_TAGS, list(AXE_IMPACTS)]):
            where = f" ({mode} mode)" if mode else ""
            problems.append(f"accessibility{where}: {v['impact']} {v['id']} ({v['help']}), "
                            f"{v['count']} element(s)")
            problems.extend(f"    {n}" for n in v["nodes"])
    return problems


def _poll(page, js, arg, done, timeout=3.0):
    """Evaluate ``js`` every 50 ms until ``done(result)`` or ``timeout`` seconds; the last result
    (the theme's panels open at once or in a 0.3 s transition; a loaded machine may take longer)."""
    end = time.perf_counter() + timeout
    while True:
        result = page.evaluate(js, arg)
        if done(result) or time.perf_counter() > end:
            return result
        page.wait_for_timeout(50)


def check_navigation(page, width: int) -> list[str]:
    """The visible menu (and, on a phone, contents) button opens its panel; on a desktop the
    menu button hides the primary sidebar and shows it again."""
    problems = []
    page.evaluate("window.scrollTo(0, 0)")

    def click_visible(selector):
        k = page.evaluate(VISIBLE_INDEX_JS, selector)
        if k < 0:
            return False
        page.locator(selector).nth(k).click(timeout=5000)
        return True

    def shown(selector, want):
        return _poll(page, SHOWN_JS, [selector, "a"], lambda s: s["shown"] == want)

    def close(dialog):  # Escape closes the theme's dialog; make sure before the next click
        page.keyboard.press("Escape")
        if shown(dialog, False)["shown"]:
            page.evaluate("(s) => document.querySelector(s).close()", dialog)

    if width < 992:  # the theme's breakpoint: below it, the sidebars open as dialogs
        if not click_visible(".primary-toggle"):
            return ["menu: no visible menu button"]
        state = shown("#pst-primary-sidebar-modal", True)
        if not state["shown"]:
            problems.append(f"menu: the menu button does not open the primary sidebar ({state['why']})")
        close("#pst-primary-sidebar-modal")
        has_toc = page.evaluate("!!document.querySelector('#pst-page-toc-nav a, .page-toc a')")
        if has_toc:
            if not click_visible(".secondary-toggle"):
                problems.append("contents: no visible contents button")
            else:
                state = shown("#pst-secondary-sidebar-modal", True)
                if not state["shown"]:
                    problems.append(f"contents: the contents button does not open the page's table of "
                                    f"contents ({state['why']})")
                close("#pst-secondary-sidebar-modal")
    else:
        before = page.evaluate(SHOWN_JS, ["#pst-primary-sidebar", "a"])
        if not before["shown"]:
            return [f"menu: the primary sidebar is not shown on a desktop ({before['why']})"]
        if not click_visible(".primary-toggle"):
            return ["menu: no visible menu button"]
        hidden = shown("#pst-primary-sidebar", False)
        if hidden["shown"]:
            problems.append("menu: the menu button does not hide the primary sidebar")
        else:
            click_visible(".primary-toggle")
            again = shown("#pst-primary-sidebar", True)
            if not again["shown"]:
                problems.append(f"menu: a second click does not show the primary sidebar again ({again['why']})")
    return problems


def check_solution(page) -> list[str]:
    """Clicking the first dropdown solution's title text opens it without navigating; Enter on
    its toggle button closes it again."""
    # (a panel the navigation check closed may take a moment to leave on a loaded machine)
    info = _poll(page, SOLUTION_JS, "locate", lambda s: s is None or not s["covered"], timeout=2.0)
    if info is None:
        return []
    if info["shown"]:
        return [f"solution {info['id']}: its body is shown before its title is clicked"]
    if info["x"] is None:
        return [f"solution {info['id']}: its title has no text"]
    if info["covered"]:
        return [f"solution {info['id']}: its title is covered by {info['covered']}"]
    url = page.url
    page.mouse.click(info["x"], info["y"])
    state = _poll(page, SOLUTION_JS, "state", lambda s: s["shown"] or page.url != url, timeout=2.0)
    problems = []
    if page.url != url:
        problems.append(f"solution {info['id']}: clicking its title navigates to {page.url.split('/')[-1]} "
                        "instead of opening the solution")
        return problems
    if not state["shown"]:
        problems.append(f"solution {info['id']}: clicking its title does not reveal its body")
        return problems
    if info["button"]:
        page.focus(f"[id='{info['id']}'] .toggle-button")
        page.keyboard.press("Enter")
        state = _poll(page, SOLUTION_JS, "state", lambda s: not s["shown"], timeout=2.0)
        if state["shown"] or state["expanded"] != "false":
            problems.append(f"solution {info['id']}: Enter on its toggle button does not close it")
    else:
        problems.append(f"solution {info['id']}: no toggle button for the keyboard")
    return problems


def check_page(browser, base: str, rel: str, width: int, shots: Path, axe: Path | None = None,
               require_pdf: bool = False) -> tuple[list[str], dict]:
    """Open one page at one viewport width, as a first visit; return (problems, facts)."""
    problems: list[str] = []
    facts = {"weight": 0, "math": 0, "typeset": None, "scale": None, "animations": 0}
    redirect = _redirect_target(base, rel)
    if redirect is not None:  # Jupyter Book's index.html only forwards to the root page
        return ([] if redirect else [f"redirects to a missing page"]), dict(facts, redirect=True)
    external: set[str] = set()
    origin = urlparse(base).netloc
    bytes_seen: dict[str, int] = {}

    context = browser.new_context(viewport={"width": width, "height": HEIGHTS.get(width, 900)})
    context.add_init_script(TYPESET_TIMER_JS)
    page = context.new_page()

    def route(r):
        if urlparse(r.request.url).netloc not in (origin, ""):
            external.add(r.request.url)
            return r.abort()
        return r.continue_()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text[:200]}"))
    page.on("pageerror", lambda e: problems.append(f"uncaught exception: {str(e)[:200]}"))

    def on_failed(req):
        if urlparse(req.url).netloc == origin:
            problems.append(f"request failed: {req.url} ({req.failure})")

    def on_response(resp):
        if urlparse(resp.url).netloc == origin:
            if resp.status >= 400:
                problems.append(f"HTTP {resp.status}: {resp.url}")
            else:
                try:
                    bytes_seen[resp.url] = len(resp.body())
                except Exception:  # a redirect or a cancelled request has no body
                    pass

    page.on("requestfailed", on_failed)
    page.on("response", on_response)

    try:
        resp = page.goto(f"{base}/{rel}", wait_until="load", timeout=30000)
        if resp is None or resp.status != 200:
            problems.append(f"page did not load: {None if resp is None else resp.status}")
        math = page.evaluate(WAIT_MATH_JS)
        if math["math"] and not math["mathjax"]:
            problems.append(f"{math['math']} math elements but MathJax did not load")
        if math["untypeset"]:
            problems.append(f"{math['untypeset']} of {math['math']} math elements not typeset")
        for err in math["merrors"]:
            problems.append(f"MathJax error: {err}")
        facts["math"] = math["containers"]
        timing = page.evaluate(TYPESET_TIME_JS) or {}
        facts["typeset"], facts["ready"] = timing.get("typeset"), timing.get("ready")
        # the first visit's weight: before any scrolling, click or screenshot
        try:
            page.wait_for_load_state("networkidle", timeout=10000)
        except Exception:
            pass
        weight = max(sum(bytes_seen.values()), page.evaluate(WEIGHT_JS))
        facts["weight"] = weight
        if weight > MAX_PAGE_BYTES:
            problems.append(f"page weight {weight / 1e6:.2f} MB exceeds {MAX_PAGE_BYTES / 1e6:.2f} MB")

        layout = page.evaluate(LAYOUT_JS)
        if layout["scrollWidth"] > layout["viewport"]:
            problems.append(f"scrolls sideways: the page is {layout['scrollWidth']} px wide in a "
                            f"{layout['viewport']} px viewport; widest: " + "; ".join(layout["wide"][:3]))
        for eq in layout["display"]:
            problems.append(f"display equation wider than its block: {eq}")
        for eq in layout["inline"]:
            problems.append(f"inline math {eq}")

        broken = page.evaluate(IMAGES_JS)
        for src in broken:
            problems.append(f"image does not decode: {(src or '')[:120]}")
        animations = page.evaluate(ANIMATIONS_JS)
        facts["animations"] = len(animations)
        for k, anim in enumerate(animations):
            if not anim["ok"]:
                problems.append(f"animation {k + 1}: {anim['why']}")
            elif not anim["alt"]:
                problems.append(f"animation {k + 1} has no alt text")
        widgets = page.evaluate(WIDGETS_JS)
        if widgets:
            problems.append(f"{widgets} ipywidgets elements in the static page (tag the explorer cell remove-cell)")

        figures = page.evaluate(FIGURES_JS)
        if figures:
            facts["scale"] = min(f["scale"] for f in figures)
        for f in figures:
            if f["scale"] < MIN_PX_PER_PT - 1e-3:
                problems.append(f"figure at {f['scale']:.3f} px/pt (< {MIN_PX_PER_PT:g}): {f['name']} "
                                f"({f['natural']} px at {f['dpi']} dpi shown {f['shown']} px wide)")

        problems.extend(check_navigation(page, width))
        problems.extend(check_solution(page))

        page.evaluate("window.scrollTo(0, 0)")
        shot = shots / str(width) / (rel[:-5].replace("/", "__") + ".png")
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        facts["shot"] = shot
        for url in sorted(external):
            problems.append(f"request to another host (the book must read offline): {url}")
        if require_pdf:
            links = page.evaluate(PDF_LINKS_JS, PDF_NAME)
            if not links:
                problems.append(f"no link to the PDF edition ({PDF_NAME})")
            elif any(link.split("#")[0] != f"{base}/{PDF_NAME}" for link in links):
                problems.append(f"a PDF link points elsewhere than the site's {PDF_NAME}: {links}")
        if axe is not None:
            page.mouse.move(0, 0)  # no link left under the pointer (hover colours) by the clicks above
            page.evaluate("window.scrollTo(0, 0)")
            problems.extend(check_accessibility(page, axe))
    finally:
        context.close()
    return problems, facts


def check_file_url(browser, page_path: Path) -> tuple[bool, str]:
    """Open a page from disk (as a reader who downloaded the book would) with every request
    to another host blocked; MathJax must load from the copy and typeset all its math."""
    context = browser.new_context()
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(page_path.as_uri(), wait_until="load", timeout=30000)
    math = page.evaluate(WAIT_MATH_JS)
    context.close()
    ok = math["mathjax"] and math["math"] > 0 and not math["untypeset"] and not math["merrors"]
    return ok, f"offline: MathJax {math['version']}, {math['containers']} formulas, {math['untypeset']} untypeset"


_WORKER: dict = {}


def _worker_init(base: str, root: str, shots: str, axe, require_pdf: bool):
    """A worker's own browser (Playwright's sync API is one browser per process)."""
    from playwright.sync_api import sync_playwright

    global _ROOT
    _ROOT = Path(root)
    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
    _WORKER.update(pw=pw, browser=browser, base=base, shots=Path(shots),
                   axe=Path(axe) if axe else None, require_pdf=require_pdf)
    import atexit

    atexit.register(_worker_close)


def _worker_close():
    if "browser" in _WORKER:
        try:
            _WORKER.pop("browser").close()
            _WORKER.pop("pw").stop()
        except Exception:
            pass


def _worker_check(job):
    rel, width = job
    w = _WORKER
    try:
        problems, facts = check_page(w["browser"], w["base"], rel, width, w["shots"],
                                     w["axe"] if width == AXE_WIDTH else None, w["require_pdf"])
    except Exception as exc:  # a timeout or a crash is a failure of that page
        problems, facts = [f"check crashed: {type(exc).__name__}: {exc}"], {"weight": 0, "math": 0}
    return rel, width, problems, facts


def print_table(rows, widths):
    """Every page's first-visit weight, MathJax typeset time and smallest figure scale."""
    def cell(facts, key, fmt):
        value = facts.get(key)
        return format(value, fmt) if value is not None else "-"

    head = f"{'page':36s}" + "".join(f" | {w:>4d} px: MB  typeset  math at  px/pt fails" for w in widths)
    print("\nFirst visit: weight (MB), MathJax typeset time (from DOMContentLoaded) and end (from the"
          " navigation's start),\nsmallest figure scale (px/pt) and number of failures, per page and width")
    print(head + "\n" + "-" * len(head))
    for row in rows:
        line = f"{row['page']:36s}"
        for w in widths:
            problems, facts = row[w]
            line += (f" | {facts['weight'] / 1e6:12.2f} {cell(facts, 'typeset', '6.2f'):>6s} s "
                     f"{cell(facts, 'ready', '6.2f'):>6s} s {cell(facts, 'scale', '5.2f'):>5s} {len(problems):5d}")
        print(line)
    print()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("html", nargs="?", default="_build/html")
    ap.add_argument("--screenshots", default=None, help="default: <html>/../screenshots")
    ap.add_argument("--axe", default=None, help="axe-core's axe.min.js: check every page's accessibility")
    ap.add_argument("--widths", default=",".join(map(str, WIDTHS)),
                    help="viewport widths in px, comma-separated (default: %(default)s)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                    help="pages checked at once, one browser each (default: %(default)s)")
    ap.add_argument("--only", default=None, help="check only the pages whose path contains this text")
    ap.add_argument("--require-pdf", action="store_true",
                    help=f"every page must link to the site's {PDF_NAME}, which must be a PDF")
    args = ap.parse_args(argv)
    axe = Path(args.axe) if args.axe else None
    widths = [int(w) for w in args.widths.split(",") if w.strip()]
    if axe is not None and not axe.is_file():
        print(f"Browser check: no axe-core at {axe} (make browser fetches it)")
        return 1
    root = Path(args.html).resolve()
    shots = Path(args.screenshots) if args.screenshots else root.parent / "screenshots"

    missing = missing_chromium("Browser check")
    if missing is not None:
        return missing
    if not (root / "index.html").exists():
        print(f"Browser check: no built book at {root} (run the book build first)")
        return 1
    shots.mkdir(parents=True, exist_ok=True)
    global _ROOT
    _ROOT = root
    server, base = serve(root)
    failures = 0
    t0 = time.perf_counter()
    todo = [r for r in pages(root) if args.only is None or args.only in r]
    if axe is None:
        print("Browser check: accessibility not checked (no --axe; make browser passes it)")
    if args.require_pdf:  # the file behind every page's link, as the site serves it
        import urllib.request

        try:
            with urllib.request.urlopen(f"{base}/{PDF_NAME}", timeout=30) as resp:
                served = resp.status == 200 and resp.read().startswith(b"%PDF-")
        except OSError:
            served = False
        print(f"{'ok  ' if served else 'FAIL'} {PDF_NAME:45s} "
              + ("the PDF edition" if served else "not in the site (make pdf, then the book build)"))
        failures += not served
    jobs = [(rel, width) for rel in todo for width in widths]
    settings = (base, str(root), str(shots), str(axe) if axe else None, args.require_pdf)
    rows, results = {}, {}
    try:
        if args.jobs > 1:  # one browser per worker process; the server stays here
            import multiprocessing

            pool = multiprocessing.get_context("spawn").Pool(args.jobs, _worker_init, settings)
            outcomes = pool.imap(_worker_check, jobs)
        else:
            _worker_init(*settings)
            outcomes = map(_worker_check, jobs)
        for rel, width, problems, facts in outcomes:
            rows.setdefault(rel, {"page": rel})[width] = (problems, facts)
            status = "FAIL" if problems else "ok  "
            anims = f"  {facts['animations']} animation(s)" if facts.get("animations") else ""
            print(f"{status} {rel:40s} {width:4d} px {facts['weight'] / 1e6:5.2f} MB  "
                  f"{facts['math']:4d} math{anims}", flush=True)
            for p in problems:
                print(f"       - {p}")
            failures += bool(problems)
        if args.jobs > 1:
            pool.close()
            pool.join()
        print_table([r for r in rows.values() if not any(r[w][1].get("redirect") for w in widths)], widths)
        # A downloaded copy (file://, no server, no network) must typeset math too.
        math_pages = [r for r in todo if (root / r).read_text(errors="replace").count('class="math') > 0]
        if math_pages:
            if "browser" not in _WORKER:
                _worker_init(*settings)
            ok, detail = check_file_url(_WORKER["browser"], root / math_pages[0])
            print(f"{'ok  ' if ok else 'FAIL'} file:// {math_pages[0]:38s} {detail}")
            failures += not ok
    finally:
        _worker_close()
        server.shutdown()
    print(f"Browser check: {len(todo) * len(widths) - failures} of {len(todo) * len(widths)} page views "
          f"({len(todo)} pages × {len(widths)} widths) passed in "
          f"{time.perf_counter() - t0:.0f} s; screenshots in {shots}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
