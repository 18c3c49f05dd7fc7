"""The widget takes its topic's organisation's colours, in a real headless
Chromium, on another website whose Content-Security-Policy allows no
inline style."""

import pytest

from testimonials.models import Location, Organisation
from tests.browser.test_widget_embed import other_site
from tests.factories import ConsentTextFactory, TestimonialFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["other_site"]  # the fixture, shared with test_widget_embed

STORY = "The exercises and the needling got me back on my bike within a month."

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A clinic's site</title>
<meta http-equiv="Content-Security-Policy"
  content="default-src 'none'; script-src {server}; connect-src {server}; style-src 'self'">
</head><body><main><h1>Harbor Dental</h1>
<script src="{server}/widget.js" data-topic="{topic}"></script>
</main></body></html>
"""


def colours(page):
    page.wait_for_selector(".patient-stories-widget li")
    section = page.locator(".patient-stories-widget section")
    link = section.locator("a").first
    # The stylesheet with the colours arrives on its own; wait until it applies.
    return section.evaluate("e => getComputedStyle(e).color"), link.evaluate(
        "e => getComputedStyle(e).color"
    )


@pytest.mark.parametrize(
    ("accent", "text", "expected"),
    [
        ("#8a1c7c", "#102030", ("rgb(16, 32, 48)", "rgb(138, 28, 124)")),
        ("", "", ("rgb(27, 31, 36)", "rgb(11, 92, 173)")),
    ],
    ids=["organisations-colours", "default-colours"],
)
def test_the_widget_shows_its_organisations_colours(
    live_server,
    page,
    other_site,
    accent,
    text,
    expected,
):
    organisation = Organisation.objects.create(
        slug="harbor", name="Harbor Dental", accent_colour=accent, text_colour=text
    )
    Location.objects.create(organisation=organisation, slug="harbor", name="Harbor Dental")
    topic = TopicFactory(slug="harbor-implants", organisation=organisation)
    ConsentTextFactory()
    TestimonialFactory(topic=topic, status="published", body=STORY)
    folder, origin = other_site
    (folder / "index.html").write_text(HOST_PAGE.format(server=live_server.url, topic=topic.slug))

    page.goto(f"{origin}/index.html")

    if accent:
        page.wait_for_function(
            "() => { const s = document.querySelector('.patient-stories-widget').shadowRoot"
            ".querySelector('section'); return getComputedStyle(s).color === 'rgb(16, 32, 48)'; }"
        )
    assert colours(page) == expected
