"""The admin's widget builder: the snippet it writes, and that a staff
member picks only among the topics, locations and clinicians of their scope
(the browser test shows the live preview and the copy button)."""

import html
import re

import pytest

from moderation.accounts import moderators
from testimonials.models import Clinician, Location, Organisation
from testimonials.publishing.widget import widget_snippet
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db

BUILDER = "/admin/testimonials/topic/widget-builder/"


@pytest.fixture
def group():
    brand = Organisation.objects.create(slug="move-well", name="Move Well PT")
    other = Organisation.objects.create(slug="smile", name="Smile Dental")
    north = Location.objects.create(organisation=brand, slug="north", name="North")
    south = Location.objects.create(organisation=brand, slug="south", name="South")
    Location.objects.create(organisation=other, slug="downtown", name="Smile Downtown")
    ana = Clinician.objects.create(organisation=brand, slug="ana-ruiz", name="Ana Ruiz")
    ana.locations.add(north)
    TopicFactory(slug="low-back-pain", title="Low back pain", organisation=brand)
    TopicFactory(slug="north-only", title="North only", organisation=brand, location=north)
    TopicFactory(slug="south-only", title="South only", organisation=brand, location=south)
    TopicFactory(slug="teeth", title="Teeth", organisation=other)
    return brand


def _signed_in(client, username, **kwargs):
    moderators.moderator_create(username=username, password=f"{username}-pass-123", **kwargs)
    client.login(username=username, password=f"{username}-pass-123")
    return client


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.DOTALL)
    assert select is not None, f"no {name} choice on the page"
    return [value for value in re.findall(r'value="([^"]*)"', select.group(0)) if value]


def _snippet(page: str) -> str:
    found = re.search(r'<textarea id="widget-snippet"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    assert found is not None, "no snippet on the page"
    return html.unescape(found.group(1))


def test_the_snippet_names_only_what_differs_from_the_widgets_defaults():
    assert widget_snippet(base_url="https://stories.example/", topic="knee") == (
        '<script src="https://stories.example/widget.js" data-topic="knee" async></script>'
    )
    assert widget_snippet(
        base_url="https://stories.example",
        topic="knee",
        layout="carousel",
        theme="auto",
        location="north",
        clinician="ana-ruiz",
        limit=8,
        accent="#8a1c7c",
    ) == (
        "<style>.patient-stories-widget { --ts-accent: #8a1c7c; }</style>\n"
        '<script src="https://stories.example/widget.js" data-topic="knee" '
        'data-layout="carousel" data-theme="auto" data-location="north" '
        'data-clinician="ana-ruiz" data-limit="8" async></script>'
    )
    assert "style" not in widget_snippet(base_url="https://s", topic="k", accent="red;}*{x:1")


def test_a_location_moderator_picks_only_among_their_places(client, group, settings):
    settings.PUBLIC_BASE_URL = "https://stories.example"
    _signed_in(client, "nora", organisation_slug="move-well", location_slugs=["north"])

    page = client.get(BUILDER).content.decode()
    assert _options(page, "topic") == ["low-back-pain", "north-only"]
    assert _options(page, "location") == ["north"]
    assert _options(page, "clinician") == ["ana-ruiz"]
    assert _snippet(page) == (
        '<script src="https://stories.example/widget.js" data-topic="low-back-pain" async></script>'
    )

    page = client.get(
        BUILDER,
        {"topic": "north-only", "layout": "wall", "theme": "dark", "location": "north", "limit": 8},
    ).content.decode()
    assert _snippet(page) == (
        '<script src="https://stories.example/widget.js" data-topic="north-only" '
        'data-layout="wall" data-theme="dark" data-location="north" data-limit="8" async></script>'
    )
    assert (
        '<script src="/widget.js" data-topic="north-only" data-layout="wall" data-theme="dark" '
        'data-location="north" data-limit="8" async></script>'
    ) in page

    for choice in ({"topic": "teeth"}, {"topic": "low-back-pain", "location": "south"}):
        page = client.get(BUILDER, choice).content.decode()
        assert "Select a valid choice" in page
        assert 'id="widget-snippet"' not in page
        assert "/widget.js" not in page


def test_another_organisations_staff_see_none_of_its_topics(client, group):
    _signed_in(client, "sol", organisation_slug="smile")
    page = client.get(BUILDER).content.decode()
    assert _options(page, "topic") == ["teeth"]
    assert _options(page, "location") == ["downtown"]
    assert _options(page, "clinician") == []
    assert "low-back-pain" not in page
    assert (
        client.get(BUILDER, {"topic": "low-back-pain"})
        .content.decode()
        .count("Select a valid choice")
    )


def test_it_is_for_staff_only(client, group):
    assert client.get(BUILDER).status_code == 302
    assert client.get("/admin/testimonials/topic/").status_code == 302
