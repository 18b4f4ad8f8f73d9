"""Open every page of the built book in headless Chromium and check what a reader would see.

Usage: ``python tests/browser_check.py [_build/html] [--screenshots _build/screenshots]``
(``make browser`` runs it after the book build; ``make test`` runs ``make browser``).

The site is served on 127.0.0.1 (a random free port) by Python's http.server in a thread and
driven by Playwright through Debian's ``/usr/bin/chromium`` (never a downloaded browser). For
every page it checks that

* the page loads (HTTP 200) and logs no console error and no uncaught exception;
* no same-origin request fails (an error status or a network failure);
* math is typeset by the MathJax served from the site: every ``.math`` element holds an
  ``mjx-container`` and there is no ``mjx-merror``;
* every ``<img>`` decodes (``naturalWidth > 0``);
* every animation player works: scrubbing to its last frame shows another image, and the
  image has alt text;
* no ipywidgets output is in the static page (no ``.jupyter-widgets`` element and no
  widget-view or widget-state script): explorers must be in ``remove-cell`` cells;
* the page weighs under 5 MB (the bytes of every resource it loaded);
* with ``--axe PATH`` (``make browser`` passes the pinned axe-core from the npm registry), the
  page has no serious or critical violation of axe-core's WCAG 2.1 A and AA rules (tags wcag2a,
  wcag2aa, wcag21a, wcag21aa), in the theme's light mode and again, for colour contrast, in its
  dark mode (``data-theme="dark"``);
* with ``--require-pdf`` (``make test``), the page links to the PDF edition (``optim-book.pdf``
  at the site's root), and the site serves that file as a PDF;

and saves a full-page screenshot under ``_build/screenshots/``. Requests to other hosts are
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
MAX_PAGE_BYTES = 5 * 1024 * 1024
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
  const ok = +slider.max > 0 && img.src !== first && img.src.startsWith('data:image/');
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


def check_page(browser, base: str, rel: str, shots: Path, axe: Path | None = None,
               require_pdf: bool = False) -> tuple[list[str], dict]:
    """Open one page; return (problems, facts)."""
    problems: list[str] = []
    redirect = _redirect_target(base, rel)
    if redirect is not None:  # Jupyter Book's index.html only forwards to the root page
        return ([] if redirect else [f"redirects to a missing page"]), {"weight": 0, "math": 0}
    external: set[str] = set()
    origin = urlparse(base).netloc
    bytes_seen: dict[str, int] = {}

    context = browser.new_context(viewport={"width": 1280, "height": 900})
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
    broken = page.evaluate(IMAGES_JS)
    for src in broken:
        problems.append(f"image does not decode: {src}")
    animations = page.evaluate(ANIMATIONS_JS)
    for k, anim in enumerate(animations):
        if not anim["ok"]:
            problems.append(f"animation {k + 1}: {anim['why']}")
        elif not anim["alt"]:
            problems.append(f"animation {k + 1} has no alt text")
    widgets = page.evaluate(WIDGETS_JS)
    if widgets:
        problems.append(f"{widgets} ipywidgets elements in the static page (tag the explorer cell remove-cell)")
    shot = shots / (rel[:-5].replace("/", "__") + ".png")
    page.screenshot(path=str(shot), full_page=True)
    page.wait_for_load_state("networkidle")
    weight = max(sum(bytes_seen.values()), page.evaluate(WEIGHT_JS))
    if weight > MAX_PAGE_BYTES:
        problems.append(f"page weight {weight / 1e6:.2f} MB exceeds {MAX_PAGE_BYTES / 1e6:.2f} MB")
    for url in sorted(external):
        problems.append(f"request to another host (the book must read offline): {url}")
    if require_pdf:
        links = page.evaluate(PDF_LINKS_JS, PDF_NAME)
        if not links:
            problems.append(f"no link to the PDF edition ({PDF_NAME})")
        elif any(link.split("#")[0] != f"{base}/{PDF_NAME}" for link in links):
            problems.append(f"a PDF link points elsewhere than the site's {PDF_NAME}: {links}")
    if axe is not None:
        problems.extend(check_accessibility(page, axe))
    context.close()
    facts = {"weight": weight, "math": math["containers"], "images": None, "shot": shot, "animations": len(animations)}
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("html", nargs="?", default="_build/html")
    ap.add_argument("--screenshots", default=None, help="default: <html>/../screenshots")
    ap.add_argument("--axe", default=None, help="axe-core's axe.min.js: check every page's accessibility")
    ap.add_argument("--require-pdf", action="store_true",
                    help=f"every page must link to the site's {PDF_NAME}, which must be a PDF")
    args = ap.parse_args(argv)
    axe = Path(args.axe) if args.axe else None
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
    from playwright.sync_api import sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    global _ROOT
    _ROOT = root
    server, base = serve(root)
    failures = 0
    t0 = time.perf_counter()
    todo = pages(root)
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
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
            for rel in todo:
                try:
                    problems, facts = check_page(browser, base, rel, shots, axe, args.require_pdf)
                except Exception as exc:  # a timeout or a crash is a failure of that page
                    problems, facts = [f"check crashed: {type(exc).__name__}: {exc}"], {"weight": 0, "math": 0}
                status = "FAIL" if problems else "ok  "
                anims = f"  {facts['animations']} animation(s)" if facts.get("animations") else ""
                print(f"{status} {rel:45s} {facts['weight'] / 1e6:5.2f} MB  {facts['math']:4d} math{anims}")
                for p in problems:
                    print(f"       - {p}")
                failures += bool(problems)
            # A downloaded copy (file://, no server, no network) must typeset math too.
            math_pages = [r for r in todo if (root / r).read_text(errors="replace").count('class="math') > 0]
            if math_pages:
                ok, detail = check_file_url(browser, root / math_pages[0])
                print(f"{'ok  ' if ok else 'FAIL'} file:// {math_pages[0]:38s} {detail}")
                failures += not ok
            browser.close()
    finally:
        server.shutdown()
    print(f"Browser check: {len(todo) - failures} of {len(todo)} pages passed in "
          f"{time.perf_counter() - t0:.0f} s; screenshots in {shots}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
