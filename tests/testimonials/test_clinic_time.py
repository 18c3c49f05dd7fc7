"""The clinic's days (`CLINIC_TIME_ZONE`) across daylight-saving changes in
America/New_York and Europe/Berlin: an authorization chosen until a day
ends at midnight there, an invitation sent for N days ends at the hour it
was sent on the clinic's clock, retention purges at the right instant, and
the admin and the moderators' digest show the clinic's times (the API
keeps UTC)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from moderation import privacy
from moderation.decisions import services as moderation_decisions
from moderation.intake import screening as moderation_intake
from moderation.notifications.digest import moderator_digest_send
from testimonials.consent import authorization_expiry
from testimonials.invitations import services as invitations
from testimonials.models import Authorization, Status, Testimonial
from testimonials.stories import withdrawal
from tests.factories import TestimonialFactory

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def published_ids(api_client, topic) -> list[str]:
    response = api_client.get("/api/v1/published/", {"topic": topic.slug})
    assert response.status_code == 200
    return [item["id"] for item in response.json()["results"]]


# (zone, the day chosen, the instant that day ends there, in UTC)
DST_DAYS = [
    ("America/New_York", "2026-03-08", "2026-03-09T04:00:00"),  # clocks go forward: 23 h
    ("America/New_York", "2026-11-01", "2026-11-02T05:00:00"),  # clocks go back: 25 h
    ("Europe/Berlin", "2026-03-29", "2026-03-29T22:00:00"),
    ("Europe/Berlin", "2026-10-25", "2026-10-25T23:00:00"),
]


@pytest.mark.parametrize(("zone", "day", "ends"), DST_DAYS)
def test_an_authorization_until_a_switch_day_ends_at_midnight_at_the_clinic(
    zone, day, ends, settings, api_client, submission, topic, moderator,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.CLINIC_TIME_ZONE = zone
    ends_at = at(ends)
    with time_machine.travel(ends_at - timedelta(days=20), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.post(
                "/api/v1/testimonials/", {**submission, "expires_on": day}, format="json"
            )
        assert response.status_code == 202, response.content
        assert response.json()["authorization"]["expires_at"] == f"{ends}Z"
        story = Testimonial.objects.get()
        moderation_intake.testimonial_screen(testimonial_id=story.pk)
        with django_capture_on_commit_callbacks(execute=True):
            moderation_decisions.testimonial_approve(public_id=story.public_id, moderator=moderator)
    public_id = str(story.public_id)
    with time_machine.travel(ends_at - SECOND, tick=False):
        assert published_ids(api_client, topic) == [public_id], "shown all of the chosen day"
        assert authorization_expiry.authorizations_expire() == 0
    with time_machine.travel(ends_at, tick=False):
        assert published_ids(api_client, topic) == [], "gone when the day ends there"
        assert authorization_expiry.authorizations_expire() == 1
    story.refresh_from_db()
    assert story.status == Status.UNPUBLISHED


def test_after_today_means_after_the_clinics_today(settings, api_client, submission):
    settings.CLINIC_TIME_ZONE = "America/New_York"
    # 03:00 UTC on March 8 is still the evening of March 7 in New York:
    # March 8 is tomorrow there, and may be chosen.
    with time_machine.travel(at("2026-03-08T03:00:00"), tick=False):
        response = api_client.post(
            "/api/v1/testimonials/", {**submission, "expires_on": "2026-03-08"}, format="json"
        )
    assert response.status_code == 202, response.content
    assert response.json()["authorization"]["expires_at"] == "2026-03-09T04:00:00Z"


# (zone, sent at in UTC, days, the link's last instant in UTC)
INVITATIONS = [
    # 10:00 EST on March 1; 30 days later it is 10:00 EDT, 14:00 UTC.
    ("America/New_York", "2026-03-01T15:00:00", 30, "2026-03-31T14:00:00"),
    # 10:00 CEST on October 20; a week later it is 10:00 CET, 09:00 UTC.
    ("Europe/Berlin", "2026-10-20T08:00:00", 7, "2026-10-27T09:00:00"),
]


@pytest.mark.parametrize(("zone", "sent", "days", "ends"), INVITATIONS)
def test_an_invitation_for_n_days_ends_at_the_hour_it_was_sent_there(
    zone, sent, days, ends, settings, client, topic
):
    settings.CLINIC_TIME_ZONE = zone
    settings.INVITATION_TTL = timedelta(days=days)
    with time_machine.travel(at(sent), tick=False):
        batch = invitations.invitations_create(
            topic=topic, emails=["maria@example.com"], created_by=None
        )
    invitation = batch.invitations[0]
    assert invitation.expires_at == at(ends)
    link = f"/invite/{invitations.invitation_token(invitation)}/"
    with time_machine.travel(at(ends) - SECOND, tick=False):
        assert client.get(link).status_code == 200
    with time_machine.travel(at(ends), tick=False):
        assert client.get(link).status_code == 410


def test_personal_data_goes_the_retention_days_later_at_the_same_hour_there(settings, committed):
    settings.CLINIC_TIME_ZONE = "Europe/Berlin"
    settings.PERSONAL_DATA_RETENTION = timedelta(days=90)
    story = TestimonialFactory(status=Status.PUBLISHED)
    # Withdrawn at 09:00 CEST on October 1; 90 days on, 09:00 CET is 08:00 UTC.
    with time_machine.travel(at("2026-10-01T07:00:00"), tick=False):
        committed(withdrawal.testimonial_withdraw, testimonial=story)
    with time_machine.travel(at("2026-12-30T08:00:00") - SECOND, tick=False):
        assert privacy.personal_data_expire() == 0, "not an hour early"
    with time_machine.travel(at("2026-12-30T08:00:00") + SECOND, tick=False):
        assert privacy.personal_data_expire() == 1
    story.refresh_from_db()
    assert story.erased_at is not None
    assert story.author_name == ""


def test_an_authorization_is_purged_the_retention_days_later_at_the_same_hour_there(
    settings, committed
):
    settings.CLINIC_TIME_ZONE = "America/New_York"
    settings.AUTHORIZATION_RETENTION = timedelta(days=30)
    story = TestimonialFactory(status=Status.PUBLISHED)
    # Revoked at 10:00 EST on March 1; 30 days on, 10:00 EDT is 14:00 UTC.
    with time_machine.travel(at("2026-03-01T15:00:00"), tick=False):
        committed(withdrawal.testimonial_withdraw, testimonial=story)
    evidence = Authorization.objects.get(testimonial=story)
    assert evidence.retain_until == at("2026-03-31T14:00:00")
    with time_machine.travel(at("2026-03-31T14:00:00") - SECOND, tick=False):
        assert authorization_expiry.authorizations_purge() == 0
    with time_machine.travel(at("2026-03-31T14:00:00") + SECOND, tick=False):
        assert authorization_expiry.authorizations_purge() == 1


def test_moderators_see_the_clinics_times_and_the_api_keeps_utc(
    settings, client, api_client, moderator
):
    settings.CLINIC_TIME_ZONE = "America/New_York"
    with time_machine.travel(at("2026-07-01T12:00:00"), tick=False):
        story = TestimonialFactory(status=Status.PENDING_REVIEW)
    client.force_login(moderator)
    page = client.get(f"/admin/testimonials/testimonial/{story.pk}/review/")
    assert page.status_code == 200
    assert "submitted 2026-07-01 08:00 EDT" in page.content.decode()
    api_client.force_authenticate(moderator)
    detail = api_client.get(f"/api/v1/moderation/testimonials/{story.public_id}/").json()
    assert detail["submitted_at"] == "2026-07-01T12:00:00Z"


def test_the_moderators_digest_gives_the_clinics_times(settings, moderator):
    settings.CLINIC_TIME_ZONE = "Europe/Berlin"
    moderator.email = "alice@clinic.example"
    moderator.save()
    TestimonialFactory(status=Status.PENDING_REVIEW, status_changed_at=at("2026-10-24T12:00:00"))
    with time_machine.travel(at("2026-10-26T12:00:00"), tick=False):
        moderator_digest_send()
    [email] = mail.outbox
    assert "waiting since 2026-10-24 14:00 CEST" in email.body
