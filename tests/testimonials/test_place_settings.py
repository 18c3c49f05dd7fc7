"""Per-organisation settings a location may override: one rule (location,
then organisation, then the installation, within the installation's
bounds), and every path that applies them to a story reads it."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from config import clinic_time
from moderation import privacy
from testimonials.models import Authorization, Location, Organisation, Status, Testimonial
from testimonials.places.settings import effective_settings
from tests.factories import TestimonialFactory, TopicFactory

SUBMIT_URL = "/api/v1/testimonials/"


@pytest.fixture
def installation(settings):
    settings.PERSONAL_DATA_RETENTION = timedelta(days=90)
    settings.AUTHORIZATION_RETENTION = timedelta(days=2192)
    settings.AUTHORIZATION_DEFAULT_TERM = timedelta(days=730)
    settings.AUTHORIZATION_MAX_TERM = timedelta(days=1095)
    return settings


@pytest.fixture
def group(db, installation):
    organisation = Organisation.objects.create(slug="move-well", name="Move Well PT")
    north = Location.objects.create(organisation=organisation, slug="north", name="North")
    south = Location.objects.create(organisation=organisation, slug="south", name="South")
    return organisation, north, south


def days(place):
    return (
        place.personal_data_retention_days,
        place.authorization_retention_days,
        place.authorization_default_days,
        place.authorization_max_days,
    )


def test_without_overrides_a_location_has_the_installations_settings(group):
    _, north, _ = group
    assert days(effective_settings(north)) == (90, 2192, 730, 1095)
    assert days(effective_settings()) == (90, 2192, 730, 1095)


def test_a_location_inherits_its_organisations_settings(group):
    organisation, north, _ = group
    Organisation.objects.filter(pk=organisation.pk).update(
        personal_data_retention_days=30,
        authorization_retention_days=2500,
        authorization_default_days=365,
        authorization_max_days=400,
    )
    north.refresh_from_db()
    assert days(effective_settings(north)) == (30, 2500, 365, 400)
    assert days(effective_settings(organisation=Organisation.objects.get())) == (
        30,
        2500,
        365,
        400,
    )


def test_a_locations_own_value_beats_its_organisations(group):
    organisation, north, south = group
    Organisation.objects.filter(pk=organisation.pk).update(
        personal_data_retention_days=30, authorization_max_days=400
    )
    Location.objects.filter(pk=north.pk).update(
        personal_data_retention_days=10, authorization_retention_days=3000
    )
    north = Location.objects.select_related("organisation").get(pk=north.pk)
    south = Location.objects.select_related("organisation").get(pk=south.pk)

    assert days(effective_settings(north)) == (10, 3000, 400, 400)
    assert days(effective_settings(south)) == (30, 2192, 400, 400)


def test_the_installations_bounds_hold_whatever_is_stored(group):
    """Values stored before the operator tightened the environment (or
    written around the admin's checks) still cannot keep personal data
    longer, evidence shorter, or a term longer than the installation allows."""
    _, north, _ = group
    Location.objects.filter(pk=north.pk).update(
        personal_data_retention_days=400,
        authorization_retention_days=10,
        authorization_default_days=2000,
        authorization_max_days=5000,
    )
    north.refresh_from_db()
    assert days(effective_settings(north)) == (90, 2192, 1095, 1095)


def test_the_default_term_stays_within_the_longest(group):
    organisation, north, _ = group
    Organisation.objects.filter(pk=organisation.pk).update(authorization_default_days=900)
    Location.objects.filter(pk=north.pk).update(authorization_max_days=365)
    north = Location.objects.select_related("organisation").get(pk=north.pk)
    assert days(effective_settings(north))[2:] == (365, 365)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("personal_data_retention_days", 91, "At most 90 days"),
        ("authorization_retention_days", 365, "At least 2192 days"),
        ("authorization_max_days", 2000, "At most 1095 days."),
        ("authorization_default_days", 1100, "At most the longest term, 1095 days."),
    ],
    ids=["personal-data-longer", "evidence-shorter", "term-longer", "default-beyond-longest"],
)
def test_the_admin_refuses_an_override_outside_the_installations_bounds(
    group, field, value, message
):
    _, north, _ = group
    setattr(north, field, value)
    with pytest.raises(ValidationError) as refused:
        north.full_clean()
    assert message in refused.value.message_dict[field][0]


def test_a_locations_default_term_is_checked_against_its_organisations_longest(group):
    organisation, north, _ = group
    Organisation.objects.filter(pk=organisation.pk).update(authorization_max_days=365)
    north.authorization_default_days = 400
    with pytest.raises(ValidationError) as refused:
        north.full_clean()
    assert refused.value.message_dict["authorization_default_days"] == [
        "At most the longest term, 365 days."
    ]


# --- The paths that apply them to a story ------------------------------------------


@pytest.fixture
def short_terms(group, consent):
    """North allows authorizations of at most 200 days, 100 by default, and
    keeps their evidence 3,000 days; south has the installation's terms."""
    organisation, north, south = group
    Location.objects.filter(pk=north.pk).update(
        authorization_max_days=200,
        authorization_default_days=100,
        authorization_retention_days=3000,
    )
    TopicFactory(slug="shared-topic", organisation=organisation)
    return north, south


def submit(api_client, submission, **fields):
    return api_client.post(
        SUBMIT_URL, {**submission, "topic": "shared-topic", **fields}, format="json"
    )


def test_a_story_gets_its_locations_default_term_and_evidence_retention(
    api_client, submission, short_terms
):
    now = timezone.now()
    north_story = submit(api_client, submission, location="north")
    south_story = submit(api_client, submission, location="south", author_name="Ana Ruiz")

    assert north_story.status_code == south_story.status_code == 202
    north = Authorization.objects.get(testimonial__public_id=north_story.json()["id"])
    south = Authorization.objects.get(testimonial__public_id=south_story.json()["id"])
    assert (north.expires_at - now).days in (99, 100)
    assert (south.expires_at - now).days in (729, 730)
    assert north.retain_until == clinic_time.clinic_days_later(north.expires_at, 3000)
    assert south.retain_until == clinic_time.clinic_days_later(south.expires_at, 2192)


def test_a_day_beyond_the_locations_longest_term_is_refused(api_client, submission, short_terms):
    today = clinic_time.clinic_today()
    too_late = (today + timedelta(days=201)).isoformat()

    refused = submit(api_client, submission, location="north", expires_on=too_late)
    accepted = submit(api_client, submission, location="south", expires_on=too_late)

    assert refused.status_code == 400
    latest = (today + timedelta(days=200)).isoformat()
    assert refused.json()["expires_on"] == [f"Choose a day no later than {latest}."]
    assert accepted.status_code == 202


def test_the_topics_api_gives_the_terms_of_the_topics_place(api_client, short_terms, group):
    organisation, north, _ = group
    TopicFactory(slug="north-topic", organisation=organisation, location=north)

    shared = api_client.get("/api/v1/topics/shared-topic/").json()["consent"]
    own = api_client.get("/api/v1/topics/north-topic/").json()["consent"]

    assert (shared["default_term_days"], shared["max_term_days"]) == (730, 1095)
    assert (own["default_term_days"], own["max_term_days"]) == (100, 200)


def test_personal_data_goes_after_each_locations_retention(group, consent):
    """North keeps rejected stories' personal data 10 days, south the
    installation's 90: after 11 days only north's story is erased."""
    organisation, north, south = group
    Location.objects.filter(pk=north.pk).update(personal_data_retention_days=10)
    topic = TopicFactory(slug="shared-topic", organisation=organisation)
    eleven_days_ago = timezone.now() - timedelta(days=11)
    stories = {
        place: TestimonialFactory(
            topic=topic,
            location=place,
            status=Status.REJECTED,
            status_changed_at=eleven_days_ago,
            authorization=False,
        )
        for place in (north, south)
    }

    assert privacy.personal_data_expire() == 1

    erased = {place.slug: Testimonial.objects.get(pk=story.pk) for place, story in stories.items()}
    assert erased["north"].erased_at is not None
    assert erased["north"].author_name == ""
    assert erased["south"].erased_at is None
    assert erased["south"].author_name == stories[south].author_name


def test_the_share_page_offers_only_the_terms_the_topics_place_allows(client, short_terms, group):
    """North allows at most 200 days: not even the shortest choice, one
    year, fits, so all stay (the refusal names the last day). A location
    allowing 400 days is offered one year only, chosen for the patient."""
    organisation, north, south = group
    TopicFactory(slug="north-topic", organisation=organisation, location=north)
    Location.objects.filter(pk=south.pk).update(authorization_max_days=400)
    TopicFactory(slug="south-topic", organisation=organisation, location=south)

    def offered(slug):
        html = client.get(f"/share/{slug}/").content.decode()
        select = re.search(r'<select name="expires_in".*?</select>', html, re.S).group(0)
        return re.findall(r'<option value="(\d+)"( selected)?>', select)

    assert offered("shared-topic") == [("12", ""), ("24", " selected"), ("36", "")]
    assert offered("north-topic") == [("12", ""), ("24", " selected"), ("36", "")]
    assert offered("south-topic") == [("12", " selected")]
