"""Moderation scoped to places (issue 18): a location moderator's queue and
decisions, an organisation-wide queue with a location filter, read-only
reviewers, `create_moderator`'s places and roles, digests per location,
and the admin's exports, audit, counts and staff pages per organisation.
The access matrix (tests/security/test_access_matrix.py) proves the same
absence for every route; these tests look at what each surface holds."""

import csv
import io
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from moderation import tasks
from moderation.decisions import services as decisions
from moderation.models import StaffMembership, StaffRole
from testimonials.models import Location, Organisation, Status, Testimonial
from testimonials.portability import exports
from tests.factories import (
    PATIENT_EMAIL,
    PATIENT_NAME,
    ConsentTextFactory,
    TestimonialFactory,
    TopicFactory,
    UserFactory,
)

QUEUE = "/api/v1/moderation/queue/"
MOD = "/api/v1/moderation/testimonials"
ADMIN_STORIES = "/admin/testimonials/testimonial/"


@pytest.fixture
def places(db):
    """Two organisations: Move Well with a north and a south location and a
    story waiting at each, Smile Dental with one location and one story."""
    ConsentTextFactory()
    brand = Organisation.objects.create(slug="move-well", name="Move Well PT")
    north = Location.objects.create(organisation=brand, slug="north", name="North")
    south = Location.objects.create(organisation=brand, slug="south", name="South")
    other = Organisation.objects.create(slug="smile", name="Smile Dental")
    downtown = Location.objects.create(organisation=other, slug="downtown", name="Downtown")
    knees = TopicFactory(slug="knees", organisation=brand)
    teeth = TopicFactory(slug="teeth", organisation=other)
    return {
        "north": TestimonialFactory(topic=knees, location=north, body="North's knee story."),
        "south": TestimonialFactory(topic=knees, location=south, body="South's knee story."),
        "downtown": TestimonialFactory(topic=teeth, location=downtown, body="Downtown's teeth."),
    }


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def token_client(*args: str) -> APIClient:
    token = run("create_moderator", *args).strip().splitlines()[-1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def queue_ids(client: APIClient, query: str = "") -> set[str]:
    answer = client.get(QUEUE + query)
    assert answer.status_code == 200
    return {item["id"] for item in answer.json()["results"]}


def test_a_location_moderator_queues_and_decides_only_their_location(places):
    north_moderator = token_client("nora", "--location", "north")

    assert queue_ids(north_moderator) == {str(places["north"].public_id)}
    assert north_moderator.get(QUEUE).json()["count"] == 1
    for sister_or_other in (places["south"], places["downtown"]):
        url = f"{MOD}/{sister_or_other.public_id}"
        assert north_moderator.get(f"{url}/").status_code == 404
        answer = north_moderator.post(f"{url}/reject", {"reason": "spam"}, format="json")
        assert answer.status_code == 404
        assert north_moderator.post(f"{url}/claim").status_code == 404
        assert north_moderator.post(f"{url}/notes", {"text": "x"}, format="json").status_code == 404
        sister_or_other.refresh_from_db()
        assert sister_or_other.status == Status.PENDING_REVIEW
        assert not sister_or_other.notes.exists()
    approved = north_moderator.post(f"{MOD}/{places['north'].public_id}/approve", {}, format="json")
    assert approved.status_code == 200


def test_an_organisation_wide_queue_narrows_to_one_location(places):
    admin = token_client("ada", "--organisation", "move-well", "--role", "organisation_admin")

    every = {str(places["north"].public_id), str(places["south"].public_id)}
    assert queue_ids(admin) == every
    assert queue_ids(admin, "?location=south") == {str(places["south"].public_id)}
    assert queue_ids(admin, "?location=downtown") == set()


def test_the_admin_queue_offers_a_location_filter_of_ones_own_locations(places):
    user = UserFactory(username="ada", is_staff=True)
    run("create_moderator", "ada", "--organisation", "move-well", "--role", "organisation_admin")
    browser = Client()
    browser.force_login(user)

    page = browser.get(ADMIN_STORIES).content.decode()
    assert "?location=north" in page
    assert "?location=south" in page
    assert "downtown" not in page.lower()
    narrowed = browser.get(f"{ADMIN_STORIES}?location=south").content.decode()
    assert "South&#x27;s knee story." in narrowed or "South's knee story." in narrowed
    assert "North" not in narrowed.split("<tbody>")[1].split("</tbody>")[0]


def test_create_moderator_refuses_unknown_or_mixed_places(places):
    with pytest.raises(CommandError, match="No such location: nowhere"):
        run("create_moderator", "nora", "--location", "nowhere")
    with pytest.raises(CommandError, match="one organisation"):
        run("create_moderator", "nora", "--location", "north", "--location", "downtown")
    with pytest.raises(CommandError, match="Name the organisation"):
        run("create_moderator", "nora", "--role", "reviewer")
    assert not StaffMembership.objects.exists()


def test_create_moderator_again_replaces_the_locations(places):
    run("create_moderator", "nora", "--location", "north")
    run("create_moderator", "nora", "--location", "south")
    membership = StaffMembership.objects.get(user__username="nora")
    assert [location.slug for location in membership.locations.all()] == ["south"]
    assert membership.role == StaffRole.MODERATOR


@pytest.fixture
def screened(places):
    """The north story as screening left it: personal data found and redacted."""
    story = places["north"]
    Testimonial.objects.filter(pk=story.pk).update(
        body=f"Dr Ruiz fixed my knee. Write to {PATIENT_EMAIL}.",
        suggested_body="[NAME] fixed my knee. Write to [EMAIL].",
        email=PATIENT_EMAIL,
        screening_flags=[
            {"kind": "pii", "severity": "high", "start": 0, "end": 7, "detail": "A name."}
        ],
    )
    return story


def test_a_reviewer_reads_without_personal_data_and_decides_nothing(screened):
    reviewer = token_client("rita", "--organisation", "move-well", "--role", "reviewer")

    assert queue_ids(reviewer) == {str(screened.public_id), str(story_at("south").public_id)}
    [item] = [
        i for i in reviewer.get(QUEUE).json()["results"] if i["id"] == str(screened.public_id)
    ]
    assert item["body"] == "[NAME] fixed my knee. Write to [EMAIL]."
    detail = reviewer.get(f"{MOD}/{screened.public_id}/")
    assert detail.status_code == 200
    shown = detail.json()
    assert shown["body"] == "[NAME] fixed my knee. Write to [EMAIL]."
    assert shown["email"] == shown["author_name"] == shown["display_name"] == ""
    assert shown["flags"][0]["start"] is None
    text = detail.content.decode()
    assert PATIENT_EMAIL not in text
    assert PATIENT_NAME not in text
    assert "Dr Ruiz" not in text
    for action, body in (("approve", {}), ("reject", {"reason": "spam"})):
        answer = reviewer.post(f"{MOD}/{screened.public_id}/{action}", body, format="json")
        assert answer.status_code == 403
    assert reviewer.post(f"{MOD}/{screened.public_id}/claim").status_code == 403
    screened.refresh_from_db()
    assert screened.status == Status.PENDING_REVIEW


def story_at(location: str) -> Testimonial:
    return Testimonial.objects.get(location__slug=location)


def test_a_reviewers_review_page_shows_the_redacted_text_and_no_name_or_email(screened):
    run("create_moderator", "rita", "--organisation", "move-well", "--role", "reviewer")
    browser = Client()
    browser.force_login(UserFactory(username="rita"))

    page = browser.get(f"{ADMIN_STORIES}{screened.pk}/review/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "[NAME] fixed my knee. Write to [EMAIL]." in text
    assert PATIENT_EMAIL not in text
    assert PATIENT_NAME not in text
    assert "Dr Ruiz" not in text
    assert 'name="action"' not in text
    listing = browser.get(f"{ADMIN_STORIES}?status=all").content.decode()
    assert "[NAME] fixed my knee." in listing
    assert "Dr Ruiz" not in listing
    assert browser.get(f"{ADMIN_STORIES}{screened.pk}/evidence/").status_code == 403
    answer = browser.post(f"{ADMIN_STORIES}{screened.pk}/review/", {"action": "approve"})
    assert answer.status_code == 403
    assert browser.get(f"{ADMIN_STORIES}{story_at('downtown').pk}/review/").status_code == 404


def test_the_digest_tells_each_moderator_of_their_own_locations_only(places):
    run("create_moderator", "nora", "--location", "north", "--email", "nora@move.example")
    run("create_moderator", "sol", "--location", "south", "--email", "sol@move.example")
    run("create_moderator", "ada", "--organisation", "move-well", "--email", "ada@move.example")
    run("create_moderator", "dan", "--organisation", "smile", "--email", "dan@smile.example")
    long_ago = timezone.now() - timedelta(hours=30)
    Testimonial.objects.exclude(pk=places["downtown"].pk).update(status_changed_at=long_ago)

    assert tasks.send_moderator_digest.run() is True
    told = {tuple(sorted(email.to)): email.subject for email in mail.outbox}
    assert told == {
        ("nora@move.example",): "1 patient story waiting for review",
        ("sol@move.example",): "1 patient story waiting for review",
        ("ada@move.example",): "2 patient stories waiting for review",
    }


def test_exports_from_the_admin_hold_the_organisations_stories_and_the_command_all(places):
    user = UserFactory(username="ada", is_staff=True)
    run("create_moderator", "ada", "--organisation", "move-well", "--role", "organisation_admin")
    browser = Client()
    browser.force_login(user)

    answer = browser.get(f"{ADMIN_STORIES}export/?status=all&format=json")
    assert answer.status_code == 200
    exported = json.loads(answer.content)
    bodies = {story["body"] for story in exported["testimonials"]}
    assert bodies == {"North's knee story.", "South's knee story."}
    out = io.StringIO()
    assert exports.export_write(scope="all", file_format="csv", out=out, actor_label="cli") == 3
    assert len(list(csv.DictReader(io.StringIO(out.getvalue())))) == 3


def test_the_audit_export_and_the_admin_index_count_ones_own_places(places):
    user = UserFactory(username="dan", is_staff=True)
    run("create_moderator", "dan", "--organisation", "smile", "--role", "organisation_admin")
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    decisions.testimonial_reject(public_id=places["north"].public_id, moderator=root, reason="spam")
    decisions.testimonial_reject(
        public_id=places["downtown"].public_id, moderator=user, reason="spam"
    )
    browser = Client()
    browser.force_login(user)

    audit = browser.get("/admin/testimonials/statuschange/export/?start=2020-01-01&end=2099-01-01")
    rows = list(csv.DictReader(io.StringIO(b"".join(audit.streaming_content).decode())))
    assert {row["testimonial"] for row in rows} == {str(places["downtown"].public_id)}
    index = browser.get("/admin/").content.decode()
    assert "<strong>0</strong> Pending review" in index  # not Move Well's south story
    assert 'data-key="received" data-value="1"' in index


def test_an_organisation_admin_manages_only_their_organisations_staff(places):
    ada = UserFactory(username="ada", is_staff=True)
    run("create_moderator", "ada", "--organisation", "move-well", "--role", "organisation_admin")
    run("create_moderator", "nora", "--location", "north")
    run("create_moderator", "dan", "--organisation", "smile")
    browser = Client()
    browser.force_login(ada)

    users = browser.get("/admin/auth/user/").content.decode()
    assert "nora" in users
    assert ">dan<" not in users
    memberships = browser.get("/admin/moderation/staffmembership/").content.decode()
    assert "Smile Dental" not in memberships
    dan = StaffMembership.objects.get(user__username="dan")
    answer = browser.get(f"/admin/moderation/staffmembership/{dan.pk}/change/")
    assert answer.status_code == 302  # the admin's "doesn't exist"
    form = browser.get("/admin/moderation/staffmembership/add/").content.decode()
    assert "Move Well PT" in form
    assert "Smile Dental" not in form
    assert "Downtown" not in browser.get("/admin/testimonials/location/").content.decode()
    assert browser.get("/admin/testimonials/organisation/add/").status_code == 403


def test_a_user_made_by_an_organisation_admin_joins_their_organisation(places):
    ada = UserFactory(username="ada", is_staff=True)
    run("create_moderator", "ada", "--organisation", "move-well", "--role", "organisation_admin")
    browser = Client()
    browser.force_login(ada)

    answer = browser.post(
        "/admin/auth/user/add/",
        {
            "username": "newbie",
            "password1": "a-long-password-123",
            "password2": "a-long-password-123",
            "usable_password": "true",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    membership = StaffMembership.objects.get(user__username="newbie")
    assert membership.organisation.slug == "move-well"


def test_erasing_an_authors_data_leaves_another_organisations_stories(places):
    Testimonial.objects.update(email=PATIENT_EMAIL)
    ada = UserFactory(username="ada", is_staff=True)
    run("create_moderator", "ada", "--organisation", "move-well", "--role", "organisation_admin")
    browser = Client()
    browser.force_login(ada)

    answer = browser.post(
        f"{ADMIN_STORIES}?status=all",
        {
            "action": "erase_authors_data",
            "_selected_action": [places["north"].pk],
            "confirm": "yes",
        },
    )
    assert answer.status_code == 302
    erased = set(
        Testimonial.objects.exclude(erased_at=None).values_list("location__slug", flat=True)
    )
    assert erased == {"north", "south"}
    assert story_at("downtown").email == PATIENT_EMAIL
