"""An organisation's name, logo and colours on its public pages, in the
widget and in the emails to its patients; the colours come as CSS custom
properties in a stylesheet of our own origin, never inline."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from testimonials.consent import authorization_requests
from testimonials.invitations import services as invitations
from testimonials.models import Location, Organisation, PublishingMode, Status, Topic
from testimonials.publishing.widget import WIDGET_FILE
from testimonials.stories.patient_links import patient_secret
from tests.factories import TestimonialFactory, TopicFactory
from tests.support.honest import InvitationFactory

STYLESHEET = re.compile(r'<link rel="stylesheet" href="(/brand/[a-z-]+\.css\?v=[0-9a-f]{12})">')


@pytest.fixture
def agency(db, consent):
    """Two organisations: Harbor with a logo and colours, Summit without."""
    harbor = Organisation.objects.create(
        slug="harbor",
        name="Harbor Dental",
        logo_url="/static/brand/harbor.svg",
        accent_colour="#8a1c7c",
        text_colour="#102030",
    )
    summit = Organisation.objects.create(slug="summit", name="Summit Physio")
    for organisation in (harbor, summit):
        Location.objects.create(
            organisation=organisation, slug=organisation.slug, name=organisation.name
        )
    TopicFactory(slug="harbor-implants", title="Implants", organisation=harbor)
    TopicFactory(slug="summit-knee", title="Knee rehab", organisation=summit)
    return harbor, summit


def page(path):
    response = Client().get(path)
    assert response.status_code == 200, path
    return response


def brand_of(html):
    found = re.search(r'<p class="brand">(.*?)</p>', html)
    return found.group(1) if found else None


@pytest.mark.parametrize(
    "path",
    ["/education/{topic}/", "/share/{topic}/"],
    ids=["education-page", "share-page"],
)
def test_each_organisations_pages_show_its_own_name_logo_and_colours(agency, path):
    harbor = page(path.format(topic="harbor-implants")).content.decode()
    summit = page(path.format(topic="summit-knee")).content.decode()

    assert (
        brand_of(harbor) == '<img src="/static/brand/harbor.svg" alt="" height="32"> Harbor Dental'
    )
    assert brand_of(summit) == "Summit Physio"
    [stylesheet] = STYLESHEET.findall(harbor)
    assert stylesheet.startswith("/brand/harbor.css?v=")
    assert STYLESHEET.findall(summit) == [], "no colours chosen: the default look"
    css = page(stylesheet)
    assert css["Content-Type"] == "text/css; charset=utf-8"
    assert css.content.decode() == (
        ":root{--accent:#8a1c7c;--ink:#102030;}\n:host{--ps-accent:#8a1c7c;--ps-ink:#102030;}\n"
    )


def test_the_pages_stay_without_inline_styles(agency):
    response = page("/education/harbor-implants/")
    html = response.content.decode()

    assert "style=" not in html
    assert "<style" not in html
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_patients_page_shows_the_organisation_of_the_story(agency):
    story = TestimonialFactory(
        topic=Topic.objects.get(slug="harbor-implants"), status=Status.PENDING_REVIEW
    )
    html = page(f"/stories/{story.public_id}/{patient_secret(story.public_id)}/").content
    assert "Harbor Dental" in brand_of(html.decode())


def test_a_new_colour_is_a_new_stylesheet_address(agency):
    harbor, _ = agency
    before = STYLESHEET.findall(page("/share/harbor-implants/").content.decode())
    harbor.accent_colour = "#005f73"
    harbor.save()
    after = STYLESHEET.findall(page("/share/harbor-implants/").content.decode())

    assert before != after
    assert "--accent:#005f73;" in page(after[0]).content.decode()


def test_the_index_of_a_single_organisation_shows_its_name(db, topic):
    Organisation.objects.update(name="Riverside Physio")
    assert brand_of(page("/education/").content.decode()) == "Riverside Physio"


def test_the_index_of_several_organisations_names_none_of_them(agency):
    assert brand_of(page("/education/").content.decode()) is None


def test_the_widget_reads_its_topics_organisations_colours(agency):
    response = page("/brand/topics/harbor-implants.css")

    assert ":host{--ps-accent:#8a1c7c;--ps-ink:#102030;}" in response.content.decode()
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "--" not in page("/brand/topics/summit-knee.css").content.decode().split("*/")[-1]
    assert Client().get("/brand/topics/no-such-topic.css").status_code == 404
    source = WIDGET_FILE.read_text()
    assert '"/brand/topics/" + encodeURIComponent(topic) + ".css"' in source
    assert "var(--ps-accent,#0b5cad)" in source
    assert "var(--ps-ink,#1b1f24)" in source


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("accent_colour", "red"),
        ("accent_colour", "#12345"),
        ("text_colour", "#1;}a{b"),
        ("logo_url", "https://elsewhere.example/logo.png"),
        ("logo_url", "//elsewhere.example/logo.png"),
        ("logo_url", '/static/logo.svg" onerror="alert(1)'),
    ],
    ids=[
        "colour-name",
        "short-hex",
        "css-injection",
        "other-origin",
        "protocol-relative",
        "attribute-injection",
    ],
)
def test_the_admin_refuses_colours_and_logos_that_are_not_what_they_seem(agency, field, value):
    harbor, _ = agency
    setattr(harbor, field, value)
    with pytest.raises(ValidationError) as refused:
        harbor.full_clean()
    assert field in refused.value.message_dict


def test_a_colour_stored_around_the_admin_never_reaches_the_css(agency):
    harbor, _ = agency
    # Seven characters, as the column holds: CSS that would end the rule.
    Organisation.objects.filter(pk=harbor.pk).update(text_colour="#1;}a{b")

    css = page("/brand/harbor.css").content.decode()

    assert css == ":root{--accent:#8a1c7c;}\n:host{--ps-accent:#8a1c7c;}\n"


def test_a_logo_stored_around_the_admin_never_reaches_the_page(agency):
    harbor, _ = agency
    Organisation.objects.filter(pk=harbor.pk).update(logo_url="https://elsewhere.example/x.png")

    assert brand_of(page("/share/harbor-implants/").content.decode()) == "Harbor Dental"


def test_the_emails_to_patients_name_their_organisation(agency):
    invitation = InvitationFactory(topic=Topic.objects.get(slug="harbor-implants"))
    story = TestimonialFactory(
        topic=Topic.objects.get(slug="summit-knee"),
        source="import",
        consent_to_publish=False,
        consented_at=None,
        email="patient@example.com",
        authorization=False,
    )
    request = authorization_requests.authorization_request_enqueue(testimonial=story)

    assert invitations.invitation_send(invitation_id=invitation.pk)
    assert authorization_requests.authorization_request_send(request_id=request.pk)

    invited, asked = mail.outbox
    assert invited.subject == "Would you share your experience with Harbor Dental?"
    assert "Harbor Dental invites you to share your experience" in invited.body
    assert asked.subject == "May Summit Physio publish your story?"
    assert "Harbor" not in asked.body


# --- The admin ---------------------------------------------------------------------


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_an_admin_sets_an_organisations_look_and_defaults(
    admin_client, agency, django_capture_on_commit_callbacks
):
    _, summit = agency
    assert brand_of(page("/education/summit-knee/").content.decode()) == "Summit Physio"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/testimonials/organisation/{summit.pk}/change/",
            {
                "name": "Summit Physio",
                "slug": "summit",
                "logo_url": "/static/brand/summit.svg",
                "accent_colour": "#005f73",
                "text_colour": "",
                "default_publishing_mode": "all",
                "personal_data_retention_days": "30",
            },
        )

    assert response.status_code == 302, response.content.decode()
    summit.refresh_from_db()
    assert (summit.accent_colour, summit.default_publishing_mode) == ("#005f73", "all")
    assert summit.personal_data_retention_days == 30
    # The education page was cached with the old look; it moves on.
    html = page("/education/summit-knee/").content.decode()
    assert brand_of(html) == '<img src="/static/brand/summit.svg" alt="" height="32"> Summit Physio'
    assert STYLESHEET.findall(html) != []


def test_the_admin_shows_the_bound_a_location_may_not_cross(admin_client, agency, settings):
    harbor, _ = agency
    location = harbor.locations.get()
    response = admin_client.post(
        f"/admin/testimonials/location/{location.pk}/change/",
        {
            "organisation": harbor.pk,
            "name": "Harbor",
            "slug": "harbor",
            "publishes": "on",
            "authorization_retention_days": "30",
        },
    )

    assert response.status_code == 200
    minimum = settings.AUTHORIZATION_RETENTION.days
    assert f"At least {minimum} days: the installation&#x27;s minimum (HIPAA)." in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [("", PublishingMode.ALL), ("selected", PublishingMode.SELECTED)],
    ids=["organisations-default", "chosen"],
)
def test_a_new_topic_starts_with_its_organisations_publishing_mode(
    admin_client, agency, chosen, expected
):
    _, summit = agency
    Organisation.objects.filter(pk=summit.pk).update(default_publishing_mode=PublishingMode.ALL)

    response = admin_client.post(
        "/admin/testimonials/topic/add/",
        {
            "organisation": summit.pk,
            "slug": "summit-hip",
            "title": "Hip rehab",
            "article": "What to expect.",
            "open_for_submissions": "on",
            "languages": '["en"]',
            "publishing_mode": chosen,
        },
    )

    assert response.status_code == 302, response.content.decode()
    assert Topic.objects.get(slug="summit-hip").publishing_mode == expected
