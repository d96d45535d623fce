"""Sound and downloads on the built pages: every <audio> player loads in
Chromium from file:// (its duration is known and above zero), and every link
to a MIDI file resolves to a real MIDI file inside the site."""
import json
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlparse

import pytest

from test_site import browser_required, chromium_path, pages, render

AUDIO_PROBE = """
<script>
window.addEventListener("load", function () {
  var players = Array.prototype.slice.call(document.querySelectorAll("audio"));
  Promise.all(players.map(function (a) {
    return new Promise(function (done) {
      if (a.readyState >= 1) { done(a.duration); return; }
      a.addEventListener("loadedmetadata", function () { done(a.duration); });
      a.addEventListener("error", function () { done(-1); }, true);
      setTimeout(function () { done(-2); }, 8000);
      a.preload = "metadata";
      a.load();
    });
  })).then(function (durations) {
    var h = document.documentElement;
    h.setAttribute("data-audio-durations", JSON.stringify(durations));
  });
});
</script>
"""


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.audio = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if tag == "audio":
            self.audio += 1


def parsed(page):
    links = Links()
    links.feed(page.read_text(encoding="utf-8"))
    return links


def pages_with_audio(site):
    return [p for p in pages(site) if parsed(p).audio]


def test_music_chapter_has_players_and_midi_links(site):
    page = site / "book" / "06_music.html"
    assert page.is_file(), "the music chapter was not built"
    links = parsed(page)
    assert links.audio >= 4, f"expected at least 4 <audio> players, found {links.audio}"
    midi = [h for h in links.hrefs if h.split("#")[0].endswith(".mid")]
    assert len(midi) >= 3, f"expected at least 3 MIDI links, found {midi}"


def test_every_midi_link_resolves(site):
    broken = []
    for page in pages(site):
        for href in parsed(page).hrefs:
            url = urlparse(href)
            if url.scheme or not url.path.endswith(".mid"):
                continue
            target = (page.parent / unquote(url.path)).resolve()
            if not target.is_file() or target.read_bytes()[:4] != b"MThd":
                broken.append(f"{page.relative_to(site)}: {href}")
    assert not broken, "MIDI links that do not resolve:\n" + "\n".join(broken)


def audio_durations(chromium, page):
    """The durations (s) of the page's <audio> elements, or None if the probe did not run."""
    dom = render(chromium, page, probe=AUDIO_PROBE, tag="probe-audio", timeout=180,
                 flags=("--autoplay-policy=no-user-gesture-required",))
    found = re.search(r'data-audio-durations="([^"]*)"', dom)
    return None if found is None else json.loads(found.group(1).replace("&quot;", '"'))


def test_every_audio_player_loads(site):
    chromium = chromium_path()
    if chromium is None:
        if browser_required():
            pytest.fail("Chromium is required here (CI) but was not found")
        pytest.skip("no Chromium: the audio players are not checked")
    checked = pages_with_audio(site)
    assert checked, "no page has an <audio> player"
    for page in checked:
        durations = audio_durations(chromium, page)
        assert durations is not None, f"{page.name}: the audio probe never finished"
        assert len(durations) == parsed(page).audio
        bad = [i for i, d in enumerate(durations) if not (d and d > 0)]
        assert not bad, (f"{page.relative_to(site)}: audio players {bad} did not load "
                         f"(durations {durations})")
