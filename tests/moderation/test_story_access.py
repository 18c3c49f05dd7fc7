"""Who read which patient's story: every surface that shows a story's
personal data writes its rows to the access log (`StoryAccess`), which
no one can change or delete, and which clinic admins filter and export."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from moderation.accounts import groups as moderation_groups
from moderation.accounts.permissions import CLINIC_ADMINS_GROUP
from moderation.models import AppendOnlyError, StoryAccess
from tests.factories import PATIENT_NAME, PATIENT_STORY, TestimonialFactory, UserFactory

QUEUE_API = "/api/v1/moderation/queue/"
CHANGELIST = "/admin/testimonials/testimonial/"
ACCESS_LOG = "/admin/moderation/storyaccess/"
ACCESS_LOG_EXPORT = ACCESS_LOG + "export/"


def detail_url(story):
    return f"/api/v1/moderation/testimonials/{story.public_id}/"


def review_url(story):
    return reverse("admin:testimonials_testimonial_review", args=[story.pk])


def rows():
    return list(
        StoryAccess.objects.order_by("id").values_list(
            "moderator_label", "surface", "testimonial_public_id", "story_count", "export"
        )
    )


@pytest.fixture
def alice_browser(moderator):
    browser = Client()
    browser.force_login(moderator)
    return browser


@pytest.fixture
def dana(db):
    """A clinic admin: may export stories and read the access log."""
    moderation_groups.clinic_admins_group_ensure()
    user = UserFactory(username="dana", is_staff=True)
    user.groups.add(Group.objects.get(name=CLINIC_ADMINS_GROUP))
    return user


@pytest.fixture
def dana_browser(dana):
    browser = Client()
    browser.force_login(dana)
    return browser


@pytest.fixture
def pending(topic):
    return TestimonialFactory(status="pending_review", email="maria@example.com")


# --- Each surface writes exactly its rows -----------------------------------


def test_the_review_page_records_one_read_with_the_request_id(alice_browser, pending):
    response = alice_browser.get(review_url(pending), HTTP_X_REQUEST_ID="review-page-0001")
    assert response.status_code == 200
    assert rows() == [("alice", "review_page", pending.public_id, 1, "")]
    assert StoryAccess.objects.get().request_id == "review-page-0001"
    assert StoryAccess.objects.get().moderator.username == "alice"


def test_the_apis_whole_item_records_one_read(moderator_client, pending):
    assert moderator_client.get(detail_url(pending)).status_code == 200
    assert rows() == [("alice", "api_detail", pending.public_id, 1, "")]


def test_a_decisions_answer_carries_the_whole_item_and_records_it(moderator_client, pending):
    response = moderator_client.post(
        detail_url(pending) + "reject", {"reason": "spam"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["author_name"] == pending.author_name
    assert rows() == [("alice", "api_detail", pending.public_id, 1, "")]


def test_the_api_queue_records_one_row_per_story_it_shows(moderator_client, topic):
    stories = [TestimonialFactory(status="pending_review", risk_score=90 - i) for i in range(3)]
    response = moderator_client.get(QUEUE_API + "?limit=2")
    shown = [item["id"] for item in response.json()["results"]]
    assert shown == [str(story.public_id) for story in stories[:2]]
    assert rows() == [("alice", "api_queue", story.public_id, 1, "") for story in stories[:2]]


def test_an_empty_queue_records_nothing(moderator_client, db):
    assert moderator_client.get(QUEUE_API).json()["results"] == []
    assert rows() == []


def test_the_admin_queue_records_one_row_per_story_it_shows(alice_browser, topic):
    waiting = TestimonialFactory(status="pending_review", body="Waiting for a decision, please.")
    TestimonialFactory(status="published", body="Already out on the page.")
    html = alice_browser.get(CHANGELIST).content.decode()
    assert "Waiting for a decision" in html
    assert "Already out on the page" not in html
    assert rows() == [("alice", "admin_queue", waiting.public_id, 1, "")]


def test_the_evidence_zip_records_one_read(alice_browser, moderator, topic):
    story = TestimonialFactory(status="published")
    response = alice_browser.get(
        reverse("admin:testimonials_testimonial_evidence", args=[story.pk])
    )
    assert response["Content-Type"] == "application/zip"
    assert rows() == [("alice", "evidence_zip", story.public_id, 1, "")]


def test_a_story_with_no_evidence_to_give_records_nothing(alice_browser, pending):
    alice_browser.get(reverse("admin:testimonials_testimonial_evidence", args=[pending.pk]))
    assert rows() == []


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_an_export_records_one_row_naming_it_and_its_count(dana_browser, topic, file_format):
    TestimonialFactory(status="published")
    TestimonialFactory(status="pending_review")
    response = dana_browser.get(
        "/admin/testimonials/testimonial/export/", {"status": "all", "format": file_format}
    )
    assert response.status_code == 200
    assert PATIENT_NAME in response.content.decode()
    assert rows() == [("dana", "export", None, 2, f"all/{file_format}")]


def test_a_refused_export_records_nothing(alice_browser, pending):
    response = alice_browser.get(
        "/admin/testimonials/testimonial/export/", {"status": "all", "format": "csv"}
    )
    assert response.status_code == 403
    assert rows() == []


def test_a_row_holds_no_story_text_name_or_email(alice_browser, moderator_client, pending):
    alice_browser.get(review_url(pending))
    moderator_client.get(detail_url(pending))
    for access in StoryAccess.objects.all():
        values = " ".join(str(getattr(access, field.attname)) for field in access._meta.fields)
        for personal in (PATIENT_STORY, PATIENT_NAME, pending.email):
            assert personal[:12] not in values


# --- Append-only --------------------------------------------------------------


@pytest.fixture
def recorded(alice_browser, pending):
    alice_browser.get(review_url(pending))
    return StoryAccess.objects.get()


def test_the_orm_refuses_to_change_or_delete_a_row(recorded):
    recorded.surface = "export"
    with pytest.raises(AppendOnlyError):
        recorded.save()
    with pytest.raises(AppendOnlyError):
        recorded.delete()
    with pytest.raises(AppendOnlyError):
        StoryAccess.objects.filter(pk=recorded.pk).update(surface="export")
    with pytest.raises(AppendOnlyError):
        StoryAccess.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        StoryAccess.objects.bulk_update([recorded], ["surface"])
    assert rows() == [("alice", "review_page", recorded.testimonial_public_id, 1, "")]


def test_the_admin_shows_a_row_but_cannot_change_or_delete_it(recorded, dana_browser):
    change = reverse("admin:moderation_storyaccess_change", args=[recorded.pk])
    page = dana_browser.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert dana_browser.post(change, {"surface": "export"}).status_code == 403
    delete = reverse("admin:moderation_storyaccess_delete", args=[recorded.pk])
    assert dana_browser.get(delete).status_code == 403
    assert dana_browser.post(delete, {"post": "yes"}).status_code == 403
    listing = dana_browser.get(ACCESS_LOG).content.decode()
    assert "delete_selected" not in listing
    assert dana_browser.get(ACCESS_LOG + "add/").status_code == 403
    refused = dana_browser.post(
        ACCESS_LOG, {"action": "delete_selected", "_selected_action": [recorded.pk], "post": "yes"}
    )
    assert refused.status_code in (200, 302)
    assert StoryAccess.objects.filter(pk=recorded.pk, surface="review_page").exists()


def test_a_moderator_cannot_read_the_log(recorded, alice_browser):
    assert alice_browser.get(ACCESS_LOG).status_code == 403
    assert alice_browser.get(ACCESS_LOG_EXPORT).status_code == 403


# --- Filters and the export ------------------------------------------------------


@pytest.fixture
def history(moderator, other_moderator, topic, moderator_client):
    """alice reads one story on the review page and through the API; bob
    reads another through the API."""
    first, second = TestimonialFactory(), TestimonialFactory()
    alice = Client()
    alice.force_login(moderator)
    alice.get(review_url(first))
    moderator_client.get(detail_url(first))
    bob = Client()
    bob.force_login(other_moderator)
    bob.get(review_url(second))
    return first, second


def exported(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_log_filters_by_moderator_surface_and_date(history, dana_browser, moderator):
    first, second = history
    by_alice = dana_browser.get(ACCESS_LOG, {"moderator__id__exact": moderator.pk})
    assert by_alice.context["cl"].result_count == 2
    on_the_page = dana_browser.get(ACCESS_LOG, {"surface__exact": "review_page"})
    assert {row.testimonial_public_id for row in on_the_page.context["cl"].result_list} == {
        first.public_id,
        second.public_id,
    }
    today = StoryAccess.objects.first().accessed_at
    dated = dana_browser.get(
        ACCESS_LOG,
        {
            "accessed_at__year": today.year,
            "accessed_at__month": today.month,
            "accessed_at__day": today.day,
        },
    )
    assert dated.context["cl"].result_count == 3


def test_the_export_holds_the_filtered_rows_and_is_itself_recorded(
    history, dana_browser, moderator
):
    first, _ = history
    listing = dana_browser.get(ACCESS_LOG, {"moderator__id__exact": moderator.pk})
    assert "Export these rows (CSV)" in listing.content.decode()
    export_url = listing.context["export_url"]
    assert export_url == f"{ACCESS_LOG_EXPORT}?moderator__id__exact={moderator.pk}"
    response = dana_browser.get(export_url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = exported(response)
    assert [(line["moderator"], line["surface"], line["story"]) for line in lines] == [
        ("alice", "review_page", str(first.public_id)),
        ("alice", "api_detail", str(first.public_id)),
    ]
    assert rows()[-1] == ("dana", "access_log_export", None, 2, "csv")


def test_the_export_of_everything_holds_every_row_but_its_own(history, dana_browser):
    lines = exported(dana_browser.get(ACCESS_LOG_EXPORT))
    assert [line["moderator"] for line in lines] == ["alice", "alice", "bob"]
    assert StoryAccess.objects.filter(surface="access_log_export", story_count=3).count() == 1
