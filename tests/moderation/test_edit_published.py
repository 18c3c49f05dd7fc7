"""A moderator edits a published story's text, or features it: audited,
compare-and-set, and every website hears about it."""

import pytest
from rest_framework.test import APIClient

from testimonials.models import PublicationChange, StatusChange, Testimonial
from tests.factories import TestimonialFactory

ORIGINAL = "Jenna at the desk was lovely and after six sessions my back pain is gone."
EDITED = "[name] at the desk was lovely and after six sessions my back pain is gone."


@pytest.fixture
def published(moderator_client, db):
    testimonial = TestimonialFactory(body=ORIGINAL)
    moderator_client.post(f"/api/v1/moderation/testimonials/{testimonial.public_id}/approve")
    testimonial.refresh_from_db()
    return testimonial


def edit(client, testimonial, **body):
    return client.post(
        f"/api/v1/moderation/testimonials/{testimonial.public_id}/edit", body, format="json"
    )


def feature(client, testimonial, **body):
    return client.post(
        f"/api/v1/moderation/testimonials/{testimonial.public_id}/feature", body, format="json"
    )


def test_it_changes_what_is_shown_and_keeps_the_original(moderator_client, published):
    response = edit(moderator_client, published, body=EDITED, version=published.version)
    assert response.status_code == 200, response.content
    detail = response.json()
    assert detail["status"] == "published"
    assert detail["body"] == ORIGINAL
    assert detail["published_body"] == EDITED
    assert detail["version"] == published.version + 1
    assert detail["history"][-1] == {
        **detail["history"][-1],
        "from_status": "published",
        "to_status": "published",
        "actor": "alice",
        "reason": "published text edited",
    }
    shown = APIClient().get("/api/v1/published/").json()["results"]
    assert [s["body"] for s in shown] == [EDITED]
    assert list(PublicationChange.objects.values_list("event", flat=True)) == [
        "testimonial.published",
        "testimonial.updated",
    ]


def test_it_shows_the_original_again_when_given_back(moderator_client, published):
    edit(moderator_client, published, body=EDITED)
    edit(moderator_client, published, body=f"  {ORIGINAL}  ")
    published.refresh_from_db()
    assert published.published_body == ""
    assert published.shown_body == ORIGINAL


def test_it_changes_nothing_for_the_same_text(moderator_client, published):
    before = StatusChange.objects.count()
    assert edit(moderator_client, published, body=ORIGINAL).status_code == 200
    assert StatusChange.objects.count() == before
    assert PublicationChange.objects.count() == 1


def test_it_refuses_an_edit_on_a_stale_version(moderator_client, published):
    stale = published.version
    edit(moderator_client, published, body=EDITED, version=stale)
    response = edit(moderator_client, published, body="Another moderator's text.", version=stale)
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert Testimonial.objects.get().published_body == EDITED


def test_it_edits_only_a_published_story_in_place(moderator_client, db):
    waiting = TestimonialFactory(status="pending_review")
    response = edit(moderator_client, waiting, body=EDITED)
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert not StatusChange.objects.exists()


def test_it_refuses_an_empty_text(moderator_client, published):
    response = edit(moderator_client, published, body="   ")
    assert response.status_code == 400
    assert "body" in response.json()


def test_it_lets_only_moderators_edit_or_feature(published, patient_user):
    client = APIClient()
    client.force_authenticate(patient_user)
    assert edit(client, published, body=EDITED).status_code == 403
    assert feature(client, published, featured=True).status_code == 403
    assert edit(APIClient(), published, body=EDITED).status_code in (401, 403)


def test_it_audits_featuring_and_the_featured_filter_follows(moderator_client, published):
    response = feature(moderator_client, published, featured=True)
    assert response.status_code == 200
    assert response.json()["featured"] is True
    assert response.json()["history"][-1]["reason"] == "featured"
    featured = APIClient().get("/api/v1/published/?featured=true").json()["results"]
    assert [s["id"] for s in featured] == [str(published.public_id)]
    assert feature(moderator_client, published, featured="yes").status_code == 400
    feature(moderator_client, published, featured=False)
    assert APIClient().get("/api/v1/published/?featured=true").json()["results"] == []


def test_it_edits_and_features_from_the_review_page(client, moderator, published):
    client.force_login(moderator)
    url = f"/admin/testimonials/testimonial/{published.pk}/review/"
    page = client.get(url).content.decode()
    assert 'id="edit-published-button"' in page
    assert "Feature this story" in page
    client.post(url, {"action": "edit_published", "body": EDITED, "version": published.version})
    published.refresh_from_db()
    assert published.published_body == EDITED
    client.post(url, {"action": "feature", "featured": "1", "version": published.version})
    published.refresh_from_db()
    assert published.featured is True
    assert "Stop featuring" in client.get(url).content.decode()
