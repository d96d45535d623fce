"""The built site, checked as a reader's browser shows it.

Every page is opened from file:// in headless Chromium with no network. A page fails when
its math is left as raw TeX, an image does not load, or anything (script, stylesheet,
font, image) is referenced from another host. Where Chromium is missing the browser part
is skipped, unless CI=true or RNNLIB_REQUIRE_BROWSER=1, where it must run.
"""
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

import pytest

# Pages Sphinx writes for machinery rather than for reading.
SKIP_PAGES = {"genindex.html", "search.html"}

# Injected into a copy of each page: after everything has loaded and MathJax has
# finished, record what failed in attributes of <html> that --dump-dom then shows.
PROBE = """
<script>
window.addEventListener("load", function () {
  var done = (window.MathJax && MathJax.startup && MathJax.startup.promise)
    ? MathJax.startup.promise : Promise.resolve();
  done.then(function () {
    var broken = [];
    document.querySelectorAll("img").forEach(function (img) {
      if (!img.complete || img.naturalWidth === 0) broken.push(img.getAttribute("src"));
    });
    var raw = [];
    document.querySelectorAll(".math").forEach(function (el) {
      if (!el.querySelector("mjx-container")) raw.push(el.textContent.trim().slice(0, 60));
    });
    var h = document.documentElement;
    h.setAttribute("data-probe", "done");
    h.setAttribute("data-broken-images", JSON.stringify(broken));
    h.setAttribute("data-raw-math", JSON.stringify(raw));
    h.setAttribute("data-math-errors",
                   String(document.querySelectorAll("mjx-merror").length));
    h.setAttribute("data-typeset", String(document.querySelectorAll("mjx-container").length));
  });
});
</script>
"""

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXTERNAL = re.compile(r"^(https?:)?//", re.IGNORECASE)


def chromium_path():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def browser_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or \
        os.environ.get("RNNLIB_REQUIRE_BROWSER") == "1"


def is_redirect(page: pathlib.Path) -> bool:
    return 'http-equiv="Refresh"' in page.read_text(encoding="utf-8")


def pages(site: pathlib.Path):
    """Every page a reader reads (not Sphinx's index/search pages, not redirects)."""
    return sorted(p for p in site.rglob("*.html")
                  if p.name not in SKIP_PAGES and "_static" not in p.parts
                  and "_sources" not in p.parts and not p.name.startswith(".")
                  and not is_redirect(p))


class Resources(HTMLParser):
    """Collects every URL a page loads: scripts, stylesheets, images, fonts, frames."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "embed") and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            rel = (attrs.get("rel") or "").lower()
            if any(word in rel for word in ("stylesheet", "preload", "icon", "modulepreload")):
                self.urls.append(attrs["href"])


def test_site_has_every_chapter_page(site):
    toc = (ROOT / "_toc.yml").read_text()
    for entry in re.findall(r"file:\s*(\S+)", toc):
        assert (site / f"{entry}.html").is_file(), f"{entry} is in _toc.yml but was not built"


def test_index_redirects_to_the_landing_page(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    target = re.search(r'url=([^"]+)"', index)
    assert target, "index.html should redirect to the landing page"
    assert (site / target.group(1)).is_file(), (
        f"index.html redirects to {target.group(1)}, which is missing")


def test_no_page_loads_anything_from_another_host(site):
    offenders = []
    for page in pages(site):
        parser = Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        offenders += [f"{page.relative_to(site)}: {url}" for url in parser.urls
                      if EXTERNAL.match(url)]
    assert not offenders, "pages load resources from other hosts:\n" + "\n".join(offenders)


def render(chromium: str, page: pathlib.Path, probe: str = PROBE, flags=(),
           timeout: int = 120, tag: str = "probe") -> str:
    """The DOM of `page` after its scripts ran, with `probe`'s verdicts on <html>.

    The probe script is appended to a copy of the page (``.<tag>-<name>`` beside
    it, so relative links still resolve); `flags` are extra Chromium switches.
    """
    text = page.read_text(encoding="utf-8")
    probed = page.with_name(f".{tag}-{page.name}")
    probed.write_text(text.replace("</body>", probe + "</body>", 1), encoding="utf-8")
    try:
        with tempfile.TemporaryDirectory() as profile:
            result = subprocess.run(
                [chromium, "--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", *flags,
                 f"--user-data-dir={profile}", "--virtual-time-budget=15000",
                 "--dump-dom", probed.as_uri()],
                capture_output=True, text=True, timeout=timeout)
    finally:
        probed.unlink()
    return result.stdout


def attribute(dom: str, name: str) -> str:
    found = re.search(rf'{name}="([^"]*)"', dom)
    return None if found is None else found.group(1).replace("&quot;", '"')


def test_every_page_typesets_math_and_loads_its_images(site):
    chromium = chromium_path()
    if chromium is None:
        if browser_required():
            pytest.fail("Chromium is required here (CI=true) but was not found; "
                        ".ci/run installs Debian's chromium")
        pytest.skip("no Chromium on this machine: the in-browser checks are skipped")
    all_pages = pages(site)
    with ThreadPoolExecutor(max_workers=2) as pool:
        doms = list(pool.map(lambda p: render(chromium, p), all_pages))
    problems = []
    for page, dom in zip(all_pages, doms):
        name = page.relative_to(site)
        if attribute(dom, "data-probe") != "done":
            problems.append(f"{name}: the page did not finish loading in the browser")
            continue
        if attribute(dom, "data-broken-images") != "[]":
            problems.append(f"{name}: images that did not load: "
                            f"{attribute(dom, 'data-broken-images')}")
        if attribute(dom, "data-raw-math") != "[]":
            problems.append(f"{name}: math left as raw TeX: {attribute(dom, 'data-raw-math')}")
        if attribute(dom, "data-math-errors") != "0":
            problems.append(f"{name}: MathJax reported {attribute(dom, 'data-math-errors')} "
                            "errors")
    assert not problems, "\n".join(problems)


def test_landing_page_shows_typeset_notation(site):
    chromium = chromium_path()
    if chromium is None:
        if browser_required():
            pytest.fail("Chromium is required here (CI=true) but was not found")
        pytest.skip("no Chromium on this machine")
    dom = render(chromium, site / "book" / "intro.html")
    assert int(attribute(dom, "data-typeset") or 0) >= 30, \
        "the landing page's notation table should typeset every symbol"
    assert "Notation" in dom and "Wax" in dom
