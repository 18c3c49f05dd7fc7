"""Consent texts per organisation: an organisation with a current text of
its own asks its patients to agree to it; the others keep the
installation's default (a text of no organisation)."""

import pytest
from django.test import Client

from testimonials.consent import authorization_reads, authorizations, consent_terms
from testimonials.models import ConsentText, Location, Organisation, Testimonial
from tests.factories import ConsentTextFactory, TestimonialFactory, TopicFactory

SUBMIT_URL = "/api/v1/testimonials/"


@pytest.fixture
def agency(db):
    """Two organisations in one installation: Harbor has a consent text of
    its own, Summit keeps the installation's default."""
    default = ConsentTextFactory(version="default-2026", text="The installation's consent.")
    harbor = Organisation.objects.create(slug="harbor", name="Harbor Dental")
    summit = Organisation.objects.create(slug="summit", name="Summit Physio")
    for organisation in (harbor, summit):
        Location.objects.create(
            organisation=organisation, slug=organisation.slug, name=organisation.name
        )
    own = ConsentText.objects.create(
        organisation=harbor,
        version="harbor-2026",
        text="Harbor Dental may publish my story on its pages.",
        discloser="Harbor Dental and its staff who publish its stories.",
    )
    TopicFactory(slug="harbor-implants", title="Implants", organisation=harbor)
    TopicFactory(slug="summit-knee", title="Knee rehab", organisation=summit)
    return {"default": default, "own": own, "harbor": harbor, "summit": summit}


def submit(api_client, submission, **fields):
    return api_client.post(SUBMIT_URL, {**submission, **fields}, format="json")


def test_an_organisation_with_its_own_text_asks_for_it_the_others_for_the_default(agency):
    assert authorization_reads.consent_current(agency["harbor"].pk) == agency["own"]
    assert authorization_reads.consent_current(agency["summit"].pk) == agency["default"]
    assert authorization_reads.consent_current() == agency["default"]


def test_a_story_is_signed_under_its_organisations_text(api_client, submission, agency):
    harbor = submit(
        api_client, submission, topic="harbor-implants", consent_text_version="harbor-2026"
    )
    summit = submit(
        api_client, submission, topic="summit-knee", consent_text_version="default-2026"
    )

    assert harbor.status_code == summit.status_code == 202
    harbor_story = Testimonial.objects.get(public_id=harbor.json()["id"])
    summit_story = Testimonial.objects.get(public_id=summit.json()["id"])
    assert harbor_story.consent_text == agency["own"]
    assert harbor_story.authorizations.get().consent_text == agency["own"]
    assert summit_story.consent_text == agency["default"]


def test_the_default_is_superseded_for_an_organisation_with_its_own(api_client, submission, agency):
    response = submit(
        api_client, submission, topic="harbor-implants", consent_text_version="default-2026"
    )

    assert response.status_code == 400
    assert response.json()["consent_text_version"] == [
        "This consent version was superseded; please read and accept the current one."
    ]
    assert not Testimonial.objects.exists()


def test_another_organisations_text_is_unknown(api_client, submission, agency):
    response = submit(
        api_client, submission, topic="summit-knee", consent_text_version="harbor-2026"
    )

    assert response.status_code == 400
    assert response.json()["consent_text_version"] == ["Unknown consent version."]


def test_a_new_version_supersedes_only_its_own_organisations(agency):
    newer = ConsentText.objects.create(
        organisation=agency["harbor"], version="harbor-2027", text="Harbor's newer text."
    )

    assert consent_terms.consent_text_supersede_others(consent_text=newer) == 1

    agency["own"].refresh_from_db()
    agency["default"].refresh_from_db()
    assert agency["own"].superseded_at is not None
    assert agency["default"].superseded_at is None
    assert authorization_reads.consent_current(agency["summit"].pk) == agency["default"]


def test_the_topics_api_gives_each_topic_its_organisations_text(api_client, agency):
    topics = {topic["slug"]: topic for topic in api_client.get("/api/v1/topics/").json()}

    assert topics["harbor-implants"]["consent"]["version"] == "harbor-2026"
    assert topics["harbor-implants"]["consent"]["discloser"] == (
        "Harbor Dental and its staff who publish its stories."
    )
    assert topics["summit-knee"]["consent"]["version"] == "default-2026"
    detail = api_client.get("/api/v1/topics/harbor-implants/").json()
    assert detail["consent"]["text"] == "Harbor Dental may publish my story on its pages."


def test_the_share_page_shows_the_organisations_text(agency):
    client = Client()
    harbor = client.get("/share/harbor-implants/").content.decode()
    summit = client.get("/share/summit-knee/").content.decode()

    assert "Harbor Dental may publish my story on its pages." in harbor
    assert 'value="harbor-2026"' in harbor
    assert "The installation&#x27;s consent." in summit
    assert 'value="default-2026"' in summit
    assert "Harbor Dental may publish" not in summit


def test_an_imported_story_is_asked_to_sign_its_organisations_text(agency):
    story = TestimonialFactory(
        topic=agency["harbor"].topics.get(),
        consent_text=agency["default"],
        source="import",
        consent_to_publish=False,
        consented_at=None,
        email="patient@example.com",
        authorization=False,
    )

    authorizations.authorization_grant(
        testimonial=story,
        signature="Pat Doe",
        channels=["clinic"],
        display_preference="initials",
    )

    assert story.authorizations.get().consent_text == agency["own"]
    story.refresh_from_db()
    assert story.consent_text == agency["own"]
