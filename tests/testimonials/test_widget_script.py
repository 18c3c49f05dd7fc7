"""/widget.js as a server serves it; the browser test shows it working."""

import re
from pathlib import Path

from django.conf import settings

from testimonials.publishing.widget import WIDGET_FILE

DOCS = Path(__file__).resolve().parents[2] / "docs" / "publishing.md"


def test_it_is_served_as_javascript_with_a_long_ish_cache(client, db):
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert "max-age=3600" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response.content == WIDGET_FILE.read_bytes()
    assert client.get("/widget.js", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_it_is_small_and_the_docs_say_how_small(db):
    size = WIDGET_FILE.stat().st_size
    assert size < 8 * 1024
    stated = re.search(r"widget is ([\d,]+) bytes", DOCS.read_text())
    assert stated is not None, "docs/publishing.md states the widget's size"
    assert int(stated.group(1).replace(",", "")) == size


def test_it_never_puts_fetched_text_into_html(db):
    source = WIDGET_FILE.read_text()
    assert "innerHTML" not in source
    assert "insertAdjacentHTML" not in source
    assert "textContent" in source


def test_it_has_its_words_in_every_language_the_service_speaks():
    source = WIDGET_FILE.read_text()
    table = source[source.index("var WORDS = {") : source.index("};", source.index("var WORDS"))]
    sizes = {}
    for code, _name in settings.LANGUAGES:
        entry = re.search(rf"\b{code}: \[(.*?)\]", table, re.DOTALL)
        assert entry is not None, f"widget.js has no words for {code}"
        sizes[code] = len(re.findall(r'"(?:[^"\\]|\\.)*"', entry.group(1)))
    assert set(sizes.values()) == {sizes["en"]}, sizes
