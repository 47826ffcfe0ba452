"""French pages in chromium hold no English string: a few page types of the real atlas read as
a person sees them (innerText, after the scripts ran, charts drawn), checked against the
catalogue's English strings, the vocabularies' codes and English labels and the English names
of territories. The other page types are checked through the TestClient
(tests/test_web_french.py)."""

from __future__ import annotations

import re

import pytest
from browsing import shot
from test_web_french import _english_strings, _pattern, _vocabulary_words, _words

from cineatlas.territories.names import french_names

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("path", ["/", "/?level=province", "/territory/CA-NS",
                                  "/territory/FR-R52", "/awards", "/sources",
                                  "/data-dictionary", "/territory/NOWHERE"])
def test_french_pages_hold_no_english_string(real_server, page, path) -> None:
    page.goto(real_server + path)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == "fr"
    # what a person reads: the visible text, without code (ids, a file's column names)
    text = page.evaluate("""() => {
        const body = document.body.cloneNode(true);
        body.querySelectorAll('code, script, style').forEach(e => e.remove());
        return body.innerText; }""")
    nodes = {line.strip() for line in text.split("\n") if line.strip()}
    found = [m for m in _english_strings()
             if m in nodes or (_words(m) >= 3 and _pattern(m).search(text))]
    found += sorted(_vocabulary_words() & nodes)
    found += sorted(set(french_names()) & nodes)
    shot(page, "french" + re.sub(r"\W+", "-", path).rstrip("-"))
    assert found == [], path
    # the 404 page's own status is the one console message allowed
    assert [p for p in page.problems if "status of 404" not in p or "NOWHERE" not in path] == []
