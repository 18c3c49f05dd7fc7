"""Where a story belongs: the location and clinician a submission names,
what it defaults to, and what is refused with nothing stored."""

import pytest
from django.db import IntegrityError

from testimonials.models import Clinician, Location, Organisation, Testimonial, Topic
from tests.factories import TopicFactory

SUBMIT_URL = "/api/v1/testimonials/"


@pytest.fixture
def group(db):
    """An organisation with two locations, a clinician at each, a topic it
    shares and one that belongs to the second location."""
    organisation = Organisation.objects.create(slug="move-well", name="Move Well PT")
    north = Location.objects.create(organisation=organisation, slug="north", name="North")
    south = Location.objects.create(organisation=organisation, slug="south", name="South")
    ana = Clinician.objects.create(organisation=organisation, slug="ana-ruiz", name="Ana Ruiz, PT")
    ana.locations.add(north)
    ben = Clinician.objects.create(organisation=organisation, slug="ben-li", name="Ben Li, DPT")
    ben.locations.add(south)
    shared = TopicFactory(slug="shared-topic", organisation=organisation)
    south_only = TopicFactory(slug="south-topic", organisation=organisation, location=south)
    return {
        "north": north,
        "south": south,
        "ana": ana,
        "ben": ben,
        "shared": shared,
        "south_only": south_only,
    }


def submit(api_client, submission, **fields):
    return api_client.post(SUBMIT_URL, {**submission, **fields}, format="json")


def test_a_story_names_its_location_and_clinician(api_client, submission, group):
    response = submit(
        api_client, submission, topic="shared-topic", location="north", clinician="ana-ruiz"
    )

    assert response.status_code == 202, response.json()
    body = response.json()
    assert (body["location"], body["clinician"]) == ("north", "ana-ruiz")
    story = Testimonial.objects.get(public_id=body["id"])
    assert (story.location, story.clinician) == (group["north"], group["ana"])


def test_a_topic_of_one_location_puts_its_stories_there(api_client, submission, group):
    response = submit(api_client, submission, topic="south-topic")

    assert response.status_code == 202, response.json()
    assert response.json()["location"] == "south"
    assert response.json()["clinician"] is None


def test_a_single_clinic_needs_no_location(api_client, submission):
    response = submit(api_client, submission)

    assert response.status_code == 202, response.json()
    story = Testimonial.objects.get(public_id=response.json()["id"])
    assert story.location.organisation == story.topic.organisation
    assert Location.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"topic": "shared-topic"}, "location", "Choose the location where you were treated."),
        ({"topic": "shared-topic", "location": "west"}, "location", "No location with this slug."),
        (
            {"topic": "south-topic", "location": "north"},
            "location",
            "This topic belongs to another location.",
        ),
        (
            {"topic": "shared-topic", "location": "north", "clinician": "ben-li"},
            "clinician",
            "No clinician with this slug works at this location.",
        ),
        (
            {"topic": "shared-topic", "location": "north", "clinician": "nobody"},
            "clinician",
            "No clinician with this slug works at this location.",
        ),
    ],
    ids=["no-location", "unknown-location", "other-location", "clinician-elsewhere", "unknown"],
)
def test_a_place_that_does_not_fit_is_refused_with_nothing_stored(
    api_client, submission, group, fields, field, message
):
    response = submit(api_client, submission, **fields)

    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert not Testimonial.objects.exists()


def test_another_organisations_location_is_unknown(api_client, submission, group):
    other = Organisation.objects.create(slug="smile", name="Smile Dental")
    Location.objects.create(organisation=other, slug="smile-downtown", name="Downtown")

    response = submit(api_client, submission, topic="shared-topic", location="smile-downtown")

    assert response.status_code == 400
    assert response.json()["location"] == ["No location with this slug."]


def test_an_inactive_clinician_cannot_be_named(api_client, submission, group):
    Clinician.objects.filter(slug="ana-ruiz").update(is_active=False)

    response = submit(
        api_client, submission, topic="shared-topic", location="north", clinician="ana-ruiz"
    )

    assert response.status_code == 400
    assert not Testimonial.objects.exists()


def test_topics_of_a_second_organisation_must_name_it(db):
    Organisation.objects.create(slug="a", name="A")
    Organisation.objects.create(slug="b", name="B")

    with pytest.raises(IntegrityError):
        Topic.objects.create(slug="nowhere", title="Nowhere", article="x")
