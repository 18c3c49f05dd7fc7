"""The widget on another website, in a real headless Chromium: a page served
from another local port embeds it and shows the published stories; a
withdrawn story is gone on reload."""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from testimonials.stories import withdrawal
from tests.factories import ConsentTextFactory, TestimonialFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEPT = "The exercises and the needling got me back on my bike within a month."
WITHDRAWN = "I was sceptical, but my lower back has not hurt for weeks now."
PENDING = "Still waiting for a moderator, so no website may show this yet."

# A host page that tries hard to restyle whatever it contains.
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Riverside Physio</title>
<style>
  * {{ color: red !important; font-family: serif !important; }}
  blockquote, li, section {{ display: none !important; }}
</style></head>
<body><main><h1>Riverside Physio</h1>
<script src="{server}/widget.js" data-topic="{topic}" data-limit="5" data-theme="dark"></script>
<p id="after">The clinic's own text after the widget.</p>
</main></body></html>
"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def other_site(tmp_path):
    """Another website: Python's http.server on a free port of its own."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=tmp_path))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def stories(page):
    page.wait_for_selector(".patient-stories-widget li")
    return page.locator(".patient-stories-widget blockquote").all_inner_texts()


def test_it_shows_stories_on_another_site_and_drops_a_withdrawn_one_on_reload(
    live_server, page, other_site, screenshot_dir
):
    topic = TopicFactory()
    ConsentTextFactory()
    kept = TestimonialFactory(status="published", body=KEPT, rating=5)
    withdrawn = TestimonialFactory(status="published", body=WITHDRAWN, rating=4)
    TestimonialFactory(status="pending_review", body=PENDING)
    folder, origin = other_site
    (folder / "index.html").write_text(HOST_PAGE.format(server=live_server.url, topic=topic.slug))
    assert not origin.startswith(live_server.url)

    page.goto(f"{origin}/index.html")
    assert sorted(stories(page)) == sorted([KEPT, WITHDRAWN])
    widget = page.locator(".patient-stories-widget section")
    assert widget.locator("blockquote").first.is_visible(), "the host's CSS cannot hide it"
    color = widget.locator("blockquote").first.evaluate("e => getComputedStyle(e).color")
    assert color != "rgb(255, 0, 0)", "the host's CSS cannot restyle it"
    assert "Individual results vary." in widget.inner_text()
    assert widget.locator("[aria-label='Rated 5 out of 5']").count() == 1
    assert widget.locator("h2").inner_text() == "Patient stories"
    assert PENDING not in widget.inner_text()
    page.screenshot(path=str(screenshot_dir / "widget.png"), full_page=True)

    # Keyboard: the link inside the shadow root is reachable with Tab.
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => document.activeElement.shadowRoot?.activeElement?.textContent || ''"
    )
    assert focused.startswith("More stories")

    withdrawal.testimonial_withdraw(testimonial=withdrawn)
    page.reload()
    assert stories(page) == [KEPT]
    assert kept.public_id


SPANISH_HOST_PAGE = """<!doctype html>
<html lang="{page_lang}"><head><meta charset="utf-8"><title>Clínica Ribera</title></head>
<body><main><h1>Clínica Ribera</h1>
<script src="{server}/widget.js" data-topic="{topic}" {lang_attribute}></script>
</main></body></html>
"""


@pytest.mark.parametrize(
    ("page_lang", "lang_attribute"),
    [("en", 'data-lang="es"'), ("es", "")],
    ids=["data-lang-wins-over-the-page", "the-page-language-without-data-lang"],
)
def test_it_speaks_spanish_when_asked(live_server, page, other_site, page_lang, lang_attribute):
    topic = TopicFactory(publishing_mode="all")
    ConsentTextFactory()
    TestimonialFactory(status="published", body="Volví a caminar sin dolor de espalda.", rating=5)
    folder, origin = other_site
    (folder / "index.html").write_text(
        SPANISH_HOST_PAGE.format(
            page_lang=page_lang,
            server=live_server.url,
            topic=topic.slug,
            lang_attribute=lang_attribute,
        )
    )

    page.goto(f"{origin}/index.html")
    stories(page)
    widget = page.locator(".patient-stories-widget section")
    assert widget.locator("h2").inner_text() == "Historias de pacientes"
    assert widget.get_attribute("lang") == "es"
    text = widget.inner_text()
    assert "Los resultados varían de una persona a otra." in text
    # The collection note comes from the server, asked in the widget's language.
    assert "Todas las opiniones." in text
    assert widget.locator("[aria-label='Valoración: 5 de 5']").count() == 1
    assert widget.locator("a").inner_text() == "Más historias y el artículo completo"
    assert "Individual results vary" not in text


PLACE_HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Move Well South</title></head>
<body><main><h1>Move Well South</h1>
<script src="{server}/widget.js" data-topic="{topic}" {place}></script>
</main></body></html>
"""


@pytest.mark.parametrize(
    ("place", "shown", "link"),
    [
        ('data-location="south" data-layout="grid"', ["South"], "?location=south"),
        ('data-clinician="ana-ruiz" data-layout="wall"', ["North"], "?clinician=ana-ruiz"),
        ("", ["North", "South"], ""),
    ],
    ids=["data-location", "data-clinician", "every-place"],
)
def test_it_shows_only_its_locations_or_clinicians_stories(
    live_server, page, other_site, place, shown, link
):
    from testimonials.models import Clinician, Location, Organisation

    ConsentTextFactory()
    organisation = Organisation.objects.create(slug="move-well", name="Move Well PT")
    topic = TopicFactory(organisation=organisation)
    locations = {
        name: Location.objects.create(organisation=organisation, slug=name.lower(), name=name)
        for name in ("North", "South")
    }
    ana = Clinician.objects.create(organisation=organisation, slug="ana-ruiz", name="Ana Ruiz")
    ana.locations.add(locations["North"])
    for name, location in locations.items():
        TestimonialFactory(
            status="published",
            topic=topic,
            location=location,
            clinician=ana if name == "North" else None,
            body=name,
        )
    folder, origin = other_site
    (folder / "index.html").write_text(
        PLACE_HOST_PAGE.format(server=live_server.url, topic=topic.slug, place=place)
    )

    page.goto(f"{origin}/index.html")

    assert sorted(stories(page)) == shown
    more = page.locator(".patient-stories-widget a").get_attribute("href")
    assert more == f"{live_server.url}/education/{topic.slug}/{link}"
