import uuid

import pytest

from testimonials.models import StatusChange, Testimonial
from testimonials.stories.patient_links import patient_secret
from tests.factories import TestimonialFactory


@pytest.fixture
def submitted(api_client, submission):
    return api_client.post("/api/v1/testimonials/", submission, format="json").json()


def test_it_shows_the_patient_their_status(api_client, submitted):
    response = api_client.get(submitted["status_url"])
    assert response.status_code == 200
    assert response.json()["id"] == submitted["id"]
    assert response.json()["status"] == "submitted"
    assert response["Cache-Control"] == "no-store"


def test_a_wrong_secret_is_the_same_404_as_an_unknown_id(api_client, submitted):
    wrong_secret = submitted["status_url"].rstrip("/")[:-4] + "0000/"
    unknown_id = f"/api/v1/testimonials/{uuid.uuid4()}/{patient_secret(uuid.uuid4())}/"
    first, second = api_client.get(wrong_secret), api_client.get(unknown_id)
    assert first.status_code == second.status_code == 404
    assert first.json() == second.json()


def test_one_items_secret_does_not_open_another(api_client, submission, submitted):
    submission["body"] = "A second story, from someone else, about the same treatment."
    other = api_client.post("/api/v1/testimonials/", submission, format="json").json()
    my_secret = submitted["status_url"].rstrip("/").rsplit("/", 1)[1]
    crossed = f"/api/v1/testimonials/{other['id']}/{my_secret}/"
    assert api_client.get(crossed).status_code == 404
    assert api_client.post(crossed + "withdraw").status_code == 404
    assert Testimonial.objects.get(public_id=other["id"]).status == "submitted"


def test_the_patient_withdraws_at_any_time(api_client, submitted):
    response = api_client.post(submitted["withdraw_url"])
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    change = StatusChange.objects.get(to_status="withdrawn")
    assert (change.from_status, change.actor_label) == ("submitted", "patient")


def test_the_withdrawn_story_is_never_kept_by_a_cache(api_client, submitted):
    response = api_client.post(submitted["withdraw_url"])
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_withdrawing_twice_changes_nothing(api_client, submitted):
    api_client.post(submitted["withdraw_url"])
    again = api_client.post(submitted["withdraw_url"])
    assert again.status_code == 200
    assert again.json()["status"] == "withdrawn"
    assert StatusChange.objects.filter(to_status="withdrawn").count() == 1


def test_a_withdrawn_story_leaves_every_public_surface(
    api_client, db, django_capture_on_commit_callbacks
):
    testimonial = TestimonialFactory(
        status="published", body="A published story that the patient takes back."
    )
    secret = patient_secret(testimonial.public_id)
    assert api_client.get("/api/v1/published/").json()["results"]
    with django_capture_on_commit_callbacks(execute=True):  # as its commit would
        api_client.post(f"/api/v1/testimonials/{testimonial.public_id}/{secret}/withdraw")
    assert api_client.get("/api/v1/published/").json()["results"] == []
    page = api_client.get(f"/education/{testimonial.topic.slug}/")
    assert "takes back" not in page.content.decode()


def test_the_status_endpoint_only_reads(api_client, submitted):
    assert api_client.post(submitted["status_url"]).status_code == 405
    assert api_client.get(submitted["withdraw_url"]).status_code == 405
