"""The ask that goes out by itself: a visit's ask becomes one invitation
email when it is due, never twice, never after an opt-out; its message
names the clinic and never the treatment, the clinician or the visit's
date; its link opens the share form filled in for the patient, and the
story it brings is a verified patient's, at the visit's location."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client

from testimonials.invitations import services as invitations
from testimonials.models import (
    Ask,
    Clinician,
    Invitation,
    Location,
    Organisation,
    PatientOptOut,
    Testimonial,
    Visit,
)
from testimonials.tasks import send_due_asks
from testimonials.visits import asks, integration_keys
from tests.factories import TopicFactory
from tests.support.concurrency import at_once
from tests.support.tasks import on_send

VISITS_URL = "/api/v1/visits/"
COMPLETED = datetime(2026, 3, 3, 14, 30, tzinfo=UTC)
DUE = COMPLETED + timedelta(minutes=120)
STORY = "After four sessions and the home exercises I can sit through a workday again."


@pytest.fixture
def place(db):
    organisation = Organisation.objects.create(slug="move-well", name="Move Well")
    north = Location.objects.create(
        organisation=organisation, slug="north", name="North Clinic", time_zone="Europe/Madrid"
    )
    ana = Clinician.objects.create(organisation=organisation, slug="ana-ruiz", name="Ana Ruiz, PT")
    ana.locations.add(north)
    topic = TopicFactory(
        slug="knee-replacement-rehab", title="Knee replacement rehabilitation",
        organisation=organisation, languages=["en", "es"],
    )  # fmt: skip
    key = integration_keys.integration_key_create(organisation_slug="move-well").key
    return {"organisation": organisation, "north": north, "ana": ana, "topic": topic, "key": key}


@pytest.fixture(autouse=True)
def _emails_go_out(monkeypatch, django_capture_on_commit_callbacks):
    """The invitation task runs in the test, as a worker would."""
    on_send(
        monkeypatch,
        "testimonials.tasks.send_invitation",
        lambda pk: invitations.invitation_send(invitation_id=pk),
    )


def post_visit(client, key, at=COMPLETED, **fields):
    body = {
        "external_id": "appt-1",
        "completed_at": COMPLETED.isoformat(),
        "location": "north",
        "clinician": "ana-ruiz",
        "email": "maria.lopez@example.com",
        "name": "Maria Lopez",
        **fields,
    }
    with time_machine.travel(at + timedelta(minutes=5), tick=False):
        response = client.post(
            VISITS_URL,
            body,
            content_type="application/json",
            headers={"Authorization": f"Integration-Key {key}"},
        )
    assert response.status_code == 202, response.json()
    return response.json()


def run_asks_at(moment, capture):
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return send_due_asks()


def test_nothing_goes_out_before_the_ask_is_due(place, django_capture_on_commit_callbacks):
    post_visit(Client(), place["key"])

    assert run_asks_at(DUE - timedelta(seconds=1), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_a_due_ask_sends_one_invitation_email_once(place, django_capture_on_commit_callbacks):
    post_visit(Client(), place["key"])

    assert run_asks_at(DUE, django_capture_on_commit_callbacks) == 1
    assert run_asks_at(DUE + timedelta(minutes=1), django_capture_on_commit_callbacks) == 0

    [email] = mail.outbox
    assert email.to == ["maria.lopez@example.com"]
    ask = Ask.objects.get()
    assert ask.status == "invited"
    assert ask.invitation.location == place["north"]
    assert ask.invitation.clinician == place["ana"]
    assert ask.invitation.sent_at is not None


def test_an_ask_taken_by_another_run_is_not_sent_again(place, django_capture_on_commit_callbacks):
    post_visit(Client(), place["key"])
    run_asks_at(DUE, django_capture_on_commit_callbacks)

    with time_machine.travel(DUE, tick=False):
        assert asks.ask_send(ask_id=Ask.objects.get().pk) is None

    assert len(mail.outbox) == 1


def test_the_message_names_the_clinic_never_the_treatment_clinician_or_date(
    place, django_capture_on_commit_callbacks, settings
):
    settings.PUBLIC_BASE_URL = "https://stories.example"
    # Several visits at several times, in both languages, every one sent.
    for n, language in enumerate(["en", "es", "", "en"]):
        completed = COMPLETED - timedelta(days=n, hours=n)
        post_visit(
            Client(), place["key"], external_id=f"appt-{n}", email=f"patient{n}@example.com",
            completed_at=completed.isoformat(), language=language,
        )  # fmt: skip
    run_asks_at(DUE + timedelta(days=1), django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 4
    for email in mail.outbox:
        text = f"{email.subject}\n{email.body}"
        assert "Move Well (North Clinic)" in text
        lowered = text.lower()
        for word in ("knee", "replacement", "rehabilitation", "ana", "ruiz", "appt"):
            assert not re.search(rf"\b{word}\b", lowered), (word, text)
        for n in range(4):
            day = (COMPLETED - timedelta(days=n, hours=n)).date()
            for shown in (
                day.isoformat(),
                f"{day.day}/{day.month}",
                f"{day.month}/{day.day}",
                day.strftime("%B %-d"),
                f"{day.day} de marzo",
                "tuesday",
                "martes",
            ):
                assert shown.lower() not in lowered, (shown, text)


def test_the_message_speaks_the_patients_language_when_the_topic_does(
    place, django_capture_on_commit_callbacks
):
    post_visit(Client(), place["key"], language="es")
    run_asks_at(DUE, django_capture_on_commit_callbacks)

    [email] = mail.outbox
    assert "compartir" in email.body.lower()


def test_every_invitation_email_carries_a_first_party_unsubscribe_link(
    place, django_capture_on_commit_callbacks, settings
):
    settings.PUBLIC_BASE_URL = "https://stories.example"
    post_visit(Client(), place["key"])
    run_asks_at(DUE, django_capture_on_commit_callbacks)

    [email] = mail.outbox
    [link] = re.findall(r"https://stories\.example/unsubscribe/\S+/", email.body)
    assert email.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "maria" not in link.lower()


# --- The link -----------------------------------------------------------------------


def test_the_link_opens_the_share_form_filled_in(
    place, consent, django_capture_on_commit_callbacks
):
    post_visit(Client(), place["key"])
    run_asks_at(DUE, django_capture_on_commit_callbacks)
    [email] = mail.outbox
    path = re.search(r"/invite/\S+/", email.body).group(0)

    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        page = Client().get(path)

    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Maria Lopez"' in html
    assert "North Clinic" in html
    assert "Ana Ruiz, PT" in html


def test_the_story_from_the_link_is_a_verified_patients_at_the_visits_place(
    place, consent, django_capture_on_commit_callbacks
):
    post_visit(Client(), place["key"])
    run_asks_at(DUE, django_capture_on_commit_callbacks)
    token = re.search(r"/invite/(\S+)/", mail.outbox[0].body).group(1)

    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        response = Client().post(
            "/api/v1/testimonials/",
            {
                "topic": place["topic"].slug,
                "author_name": "Maria Lopez",
                "body": STORY,
                "consent_to_publish": True,
                "consent_text_version": consent.version,
                "invitation": token,
            },
            content_type="application/json",
        )

    assert response.status_code == 202, response.json()
    story = Testimonial.objects.get()
    assert story.invitation is not None
    assert (story.location, story.clinician) == (place["north"], place["ana"])


def test_the_link_works_where_the_organisation_has_several_locations(
    place, consent, django_capture_on_commit_callbacks
):
    Location.objects.create(organisation=place["organisation"], slug="south", name="South")
    post_visit(Client(), place["key"])
    run_asks_at(DUE, django_capture_on_commit_callbacks)
    token = re.search(r"/invite/(\S+)/", mail.outbox[0].body).group(1)

    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        response = Client().post(
            "/api/v1/testimonials/",
            {
                "topic": place["topic"].slug,
                "author_name": "Maria Lopez",
                "body": STORY,
                "consent_to_publish": True,
                "consent_text_version": consent.version,
                "invitation": token,
            },
            content_type="application/json",
        )

    assert response.status_code == 202, response.json()
    assert response.json()["location"] == "north"


# --- Every patient, by the channel they gave ------------------------------------------


def test_a_patient_without_an_email_is_not_reached_yet(place, django_capture_on_commit_callbacks):
    post_visit(Client(), place["key"], email="", phone="+34612345678", consent_to_text=True)
    run_asks_at(DUE, django_capture_on_commit_callbacks)

    assert Ask.objects.get().status == "unreachable"
    assert mail.outbox == []


def test_an_ask_waits_while_no_topic_is_open(place, django_capture_on_commit_callbacks):
    place["topic"].open_for_submissions = False
    place["topic"].save()
    post_visit(Client(), place["key"])
    run_asks_at(DUE, django_capture_on_commit_callbacks)

    assert Ask.objects.get().status == "held"
    assert mail.outbox == []


# --- Opting out -----------------------------------------------------------------------


def unsubscribe_path(email):
    return re.search(r"/unsubscribe/\S+/", email.body).group(0)


def test_the_unsubscribe_link_asks_first_and_one_click_opts_out(
    place, django_capture_on_commit_callbacks
):
    post_visit(Client(), place["key"])
    run_asks_at(DUE, django_capture_on_commit_callbacks)
    path = unsubscribe_path(mail.outbox[0])

    shown = Client().get(path)
    assert shown.status_code == 200
    assert 'id="unsubscribe"' in shown.content.decode()
    assert not PatientOptOut.objects.exists()

    # A mail client's one-click POST carries no CSRF token.
    done = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert done.status_code == 200
    assert 'id="unsubscribed"' in done.content.decode()
    assert PatientOptOut.objects.get().organisation == place["organisation"]
    assert Client().post(path).status_code == 200
    assert PatientOptOut.objects.count() == 1


def test_an_altered_unsubscribe_link_is_refused(db):
    assert Client().post("/unsubscribe/not-a-token/").status_code == 404
    assert not PatientOptOut.objects.exists()


def test_after_an_opt_out_a_new_visit_is_never_asked(place, django_capture_on_commit_callbacks):
    post_visit(Client(), place["key"])
    run_asks_at(DUE, django_capture_on_commit_callbacks)
    Client().post(unsubscribe_path(mail.outbox[0]))

    later = COMPLETED + timedelta(days=200)
    answer = post_visit(
        Client(), place["key"], at=later, external_id="appt-2",
        email="Maria.Lopez@example.com", completed_at=later.isoformat(),
    )  # fmt: skip
    run_asks_at(later + timedelta(days=1), django_capture_on_commit_callbacks)

    assert answer["status"] == "opted_out"
    assert Visit.objects.get(external_id="appt-2").email == ""
    assert len(mail.outbox) == 1


def test_an_opt_out_before_the_ask_is_due_stops_it(place, django_capture_on_commit_callbacks):
    # The patient was asked before, by another visit's email, and opted out
    # while this visit's ask waits.
    post_visit(Client(), place["key"], external_id="appt-1")
    run_asks_at(DUE, django_capture_on_commit_callbacks)
    Ask.objects.update(due_at=COMPLETED - timedelta(days=365))
    post_visit(Client(), place["key"], external_id="appt-2")
    assert Ask.objects.filter(status="scheduled").count() == 1
    Client().post(unsubscribe_path(mail.outbox[0]))

    run_asks_at(DUE, django_capture_on_commit_callbacks)

    assert Ask.objects.get(visit__external_id="appt-2").status == "opted_out"
    assert len(mail.outbox) == 1


def test_an_opt_out_after_the_invitation_was_made_stops_its_email(
    place, django_capture_on_commit_callbacks
):
    post_visit(Client(), place["key"])
    # The invitation is made, but its email task has not run yet.
    with time_machine.travel(DUE, tick=False), django_capture_on_commit_callbacks(execute=False):
        send_due_asks()
    invitation = Ask.objects.get().invitation
    from testimonials.visits import opt_outs

    Client().post(
        f"/unsubscribe/{opt_outs.unsubscribe_token(place['organisation'].pk, invitation.email)}/"
    )

    assert not invitations.invitation_send(invitation_id=invitation.pk)
    assert mail.outbox == []


def test_a_staff_invitation_is_not_sent_after_an_opt_out(place):
    # A staff invitation to the same address of the same organisation.
    from testimonials.visits import opt_outs
    from tests.support.honest import InvitationFactory

    invitation = InvitationFactory(topic=place["topic"], email="maria.lopez@example.com")
    assert opt_outs.unsubscribe_with_token(
        opt_outs.unsubscribe_token(place["organisation"].pk, "Maria.Lopez@example.com")
    )

    assert not invitations.invitation_send(invitation_id=invitation.pk)
    assert mail.outbox == []


# --- The contact is kept only while the invitation needs it ----------------------------


def test_the_contact_stays_while_the_invitation_may_be_used(
    place, django_capture_on_commit_callbacks
):
    post_visit(Client(), place["key"])
    run_asks_at(DUE + timedelta(days=1), django_capture_on_commit_callbacks)

    assert Visit.objects.get().email == "maria.lopez@example.com"


def test_the_contact_is_erased_once_the_invitation_expired(
    place, django_capture_on_commit_callbacks
):
    post_visit(Client(), place["key"], phone="+34612345678")
    run_asks_at(DUE, django_capture_on_commit_callbacks)

    run_asks_at(DUE + timedelta(days=31), django_capture_on_commit_callbacks)

    visit = Visit.objects.get()
    assert (visit.email, visit.phone, visit.patient_name) == ("", "", "")


def test_the_contact_is_erased_once_the_invitation_was_used(
    place, django_capture_on_commit_callbacks
):
    post_visit(Client(), place["key"])
    run_asks_at(DUE, django_capture_on_commit_callbacks)
    Invitation.objects.update(used_at=DUE + timedelta(hours=1))

    run_asks_at(DUE + timedelta(hours=2), django_capture_on_commit_callbacks)

    assert Visit.objects.get().email == ""


def test_a_visit_whose_ask_is_not_sent_loses_its_contact(place, django_capture_on_commit_callbacks):
    place["topic"].open_for_submissions = False
    place["topic"].save()
    post_visit(Client(), place["key"])

    run_asks_at(DUE, django_capture_on_commit_callbacks)

    assert Ask.objects.get().status == "held"
    assert Visit.objects.get().email == ""


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_invite_each_patient_once():
    """Two beats (or a slow run and the next): each ask is taken by one."""
    organisation = Organisation.objects.create(slug="move-well", name="Move Well")
    Location.objects.create(organisation=organisation, slug="north", name="North Clinic")
    TopicFactory(slug="shared", organisation=organisation)
    key = integration_keys.integration_key_create(organisation_slug="move-well").key
    for n in range(20):
        post_visit(Client(), key, external_id=f"appt-{n}", email=f"p{n}@example.com", clinician="")

    def run():
        with time_machine.travel(DUE, tick=False):
            return asks.asks_send_due()

    counts = at_once(run, run)

    assert sum(counts) == 20
    assert Invitation.objects.count() == 20
    assert set(Ask.objects.values_list("status", flat=True)) == {"invited"}
