"""/widget.js as a server serves it; the browser test shows it working."""

import gzip
import re
from pathlib import Path

import pytest
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


def test_every_layout_together_is_under_12_kb_gzipped_and_the_docs_say_how_small(client, db):
    served = client.get("/widget.js").content
    gzipped = len(gzip.compress(served, compresslevel=9))
    assert gzipped < 12 * 1024
    stated = re.search(r"widget is ([\d,]+) bytes \(([\d,]+) gzipped\)", DOCS.read_text())
    assert stated is not None, "docs/publishing.md states the widget's size"
    # Within a tenth: a small fix need not restate the figure, a new layout must.
    assert int(stated.group(1).replace(",", "")) == pytest.approx(len(served), rel=0.1)
    assert int(stated.group(2).replace(",", "")) == pytest.approx(gzipped, rel=0.1)


def test_it_knows_every_layout_the_docs_list():
    source = WIDGET_FILE.read_text()
    layouts = re.search(r"var LAYOUTS = \[(.*?)\];", source)
    assert layouts is not None
    assert re.findall(r'"(\w+)"', layouts.group(1)) == ["list", "grid", "carousel", "wall", "quote"]
    for layout in ("list", "grid", "carousel", "wall", "quote"):
        assert f"`{layout}`" in DOCS.read_text()


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
