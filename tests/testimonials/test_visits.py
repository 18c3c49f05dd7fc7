"""Visits in from a practice system: the integration key opens the visits
endpoint and nothing else, a visit is stored once per external_id, bad
input is refused with nothing stored, and a patient is asked at most once
per INVITATION_MIN_DAYS_BETWEEN days, after the delay and out of the quiet
hours of the location's clock."""

from datetime import UTC, datetime, timedelta
from functools import partial
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from config.security import secret_digest
from moderation.accounts import moderators as moderation_moderators
from testimonials.models import (
    Ask,
    Clinician,
    IntegrationKey,
    Location,
    Organisation,
    Visit,
    sole_location,
    sole_organisation_id,
)
from testimonials.sites import site_keys
from testimonials.visits import intake, integration_keys, scheduling
from tests.support.concurrency import at_once

VISITS_URL = "/api/v1/visits/"
# A Tuesday, 15:30 in Madrid (UTC+1 in March).
COMPLETED = datetime(2026, 3, 3, 14, 30, tzinfo=UTC)


@pytest.fixture
def group(db):
    """Move Well, with two locations (North in Madrid, South on the
    installation's clock) and a clinician at North; and another brand."""
    organisation = Organisation.objects.create(slug="move-well", name="Move Well")
    north = Location.objects.create(
        organisation=organisation, slug="north", name="North", time_zone="Europe/Madrid"
    )
    south = Location.objects.create(organisation=organisation, slug="south", name="South")
    ana = Clinician.objects.create(organisation=organisation, slug="ana-ruiz", name="Ana Ruiz, PT")
    ana.locations.add(north)
    other = Organisation.objects.create(slug="other-brand", name="Other Brand")
    elsewhere = Location.objects.create(organisation=other, slug="elsewhere", name="Elsewhere")
    return {"organisation": organisation, "north": north, "south": south, "ana": ana,
            "other": other, "elsewhere": elsewhere}  # fmt: skip


@pytest.fixture
def key(group):
    """Move Well's organisation-wide integration key."""
    return integration_keys.integration_key_create(organisation_slug="move-well").key


def visit(**fields):
    return {
        "external_id": "appt-1",
        "completed_at": COMPLETED.isoformat(),
        "location": "north",
        "email": "maria.lopez@example.com",
        **fields,
    }


def post(api_client, body, key=None, header=None):
    headers = {}
    if key is not None:
        headers["Authorization"] = header or f"Integration-Key {key}"
    elif header is not None:
        headers["Authorization"] = header
    return api_client.post(VISITS_URL, body, format="json", headers=headers)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(COMPLETED + timedelta(minutes=5), tick=False):
        yield


# --- The key ---------------------------------------------------------------------


def test_the_command_prints_the_key_last_and_stores_only_its_hash(group):
    out = StringIO()

    call_command("create_integration_key", "--location", "north", stdout=out)

    printed = out.getvalue().strip().splitlines()[-1]
    stored = IntegrationKey.objects.get()
    assert stored.key_hash == secret_digest(printed)
    assert printed not in {stored.key_prefix, stored.name}
    assert (stored.organisation, stored.location) == (group["organisation"], group["north"])


def test_the_command_needs_an_organisation_when_there_are_several(group):
    with pytest.raises(CommandError, match="Name the organisation or the location"):
        call_command("create_integration_key", stdout=StringIO())
    with pytest.raises(CommandError, match="No location with this slug"):
        call_command("create_integration_key", "--location", "west", stdout=StringIO())
    with pytest.raises(CommandError, match="belongs to another organisation"):
        call_command(
            "create_integration_key",
            "--organisation",
            "other-brand",
            "--location",
            "north",
            stdout=StringIO(),
        )
    assert not IntegrationKey.objects.exists()


def test_a_visit_is_accepted_at_once(api_client, key, group):
    response = post(api_client, visit(clinician="ana-ruiz", name="Maria Lopez"), key)

    assert response.status_code == 202, response.json()
    stored = Visit.objects.get()
    assert response.json() == {"id": str(stored.public_id), "status": "scheduled"}
    assert (stored.location, stored.clinician) == (group["north"], group["ana"])


@pytest.mark.parametrize(
    "header",
    [None, "Integration-Key tik_not-a-key", "Integration-Key", "Bearer something"],
    ids=["none", "unknown", "empty", "other-scheme"],
)
def test_no_valid_key_is_a_401_and_stores_nothing(api_client, key, header):
    response = post(api_client, visit(), header=header)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Integration-Key"
    assert not Visit.objects.exists()


def test_a_revoked_key_is_a_401(api_client, group):
    issued = integration_keys.integration_key_create(organisation_slug="move-well")
    integration_keys.integration_key_revoke(integration_key=issued.integration_key)

    assert post(api_client, visit(), issued.key).status_code == 401


def test_a_site_key_or_a_moderator_token_is_refused_on_the_visits_endpoint(api_client, db):
    # A single clinic: the site, the key and the location are its own.
    site_key = site_keys.site_create(name="Clinic website").key
    token = moderation_moderators.moderator_create(username="alice", password="alice-pass-123")
    location = sole_location(sole_organisation_id())
    integration_key = integration_keys.integration_key_create().key
    body = visit(location=location.slug)

    for headers in (
        {"X-Api-Key": site_key},
        {"Authorization": f"Api-Key {site_key}"},
        {"Authorization": f"Token {token.key}"},
    ):
        response = api_client.post(VISITS_URL, body, format="json", headers=headers)
        assert response.status_code == 401, headers
    assert not Visit.objects.exists()
    assert post(api_client, body, integration_key).status_code == 202


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/published/"),
        ("get", "/api/v1/topics/"),
        ("post", "/api/v1/testimonials/"),
        ("get", "/api/v1/moderation/queue/"),
        ("get", "/admin/"),
    ],
    ids=["published", "topics", "submit", "moderation", "admin"],
)
def test_an_integration_key_is_refused_everywhere_else(api_client, key, method, path):
    response = getattr(api_client, method)(
        path, headers={"Authorization": f"Integration-Key {key}"}
    )

    assert response.status_code == 401


# --- Scope and input --------------------------------------------------------------


def test_a_location_key_takes_visits_of_its_location_only(api_client, group):
    north_key = integration_keys.integration_key_create(location_slug="north").key

    refused = post(api_client, visit(location="south"), north_key)
    accepted = post(api_client, visit(location="north"), north_key)

    assert refused.status_code == 400
    assert "location" in refused.json()
    assert accepted.status_code == 202
    assert Visit.objects.count() == 1


def test_an_organisation_key_cannot_name_another_organisations_location(api_client, key):
    response = post(api_client, visit(location="elsewhere"), key)

    assert response.status_code == 400
    assert "location" in response.json()
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": "", "phone": ""}, "email"),
        ({"phone": "555-0123"}, "phone"),
        ({"phone": "+1 555"}, "phone"),
        ({"clinician": "ben-li"}, "clinician"),
        ({"location": "south", "clinician": "ana-ruiz"}, "clinician"),
        ({"completed_at": "2026-03-04T14:30:00Z"}, "completed_at"),
        ({"completed_at": "yesterday"}, "completed_at"),
        ({"consent_to_text": "yes"}, "consent_to_text"),
        ({"language": "español"}, "language"),
        ({"diagnosis": "M54.5"}, "diagnosis"),
    ],
    ids=[
        "bad-email",
        "no-contact",
        "local-phone",
        "short-phone",
        "unknown-clinician",
        "clinician-elsewhere",
        "future",
        "not-a-date",
        "consent-not-bool",
        "bad-language",
        "unknown-field",
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(api_client, key, fields, field):
    response = post(api_client, visit(**fields), key)

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Visit.objects.exists()
    assert not Ask.objects.exists()


def test_the_phone_is_stored_in_international_form(api_client, key):
    response = post(
        api_client, visit(email="", phone="+34 (612) 34-56.78", consent_to_text=True), key
    )

    assert response.status_code == 202, response.json()
    assert Visit.objects.get().phone == "+34612345678"


# --- Idempotency ------------------------------------------------------------------


def test_a_resend_changes_nothing_and_answers_the_same(api_client, key, group):
    first = post(api_client, visit(name="Maria Lopez"), key)
    again = post(api_client, visit(name="Someone Else", location="south"), key)

    assert again.status_code == 202
    assert again.json() == first.json()
    stored = Visit.objects.get()
    assert (stored.patient_name, stored.location) == ("Maria Lopez", group["north"])
    assert Ask.objects.count() == 1


def test_the_same_external_id_in_another_organisation_is_another_visit(api_client, key, group):
    other_key = integration_keys.integration_key_create(organisation_slug="other-brand").key

    post(api_client, visit(), key)
    response = post(api_client, visit(location="elsewhere"), other_key)

    assert response.json()["status"] == "scheduled"
    assert Visit.objects.count() == 2


# --- At most one ask per patient per INVITATION_MIN_DAYS_BETWEEN days ---------------


def test_a_second_visit_within_the_window_is_not_asked_again(api_client, key):
    post(api_client, visit(), key)
    with time_machine.travel(COMPLETED + timedelta(days=30), tick=False):
        second = post(
            api_client,
            visit(external_id="appt-2", email=" Maria.Lopez@Example.com ",
                  completed_at=(COMPLETED + timedelta(days=30)).isoformat()),
            key,
        )  # fmt: skip

    assert second.json()["status"] == "recently_asked"
    assert Ask.objects.count() == 1
    # A patient who is not asked leaves no contact behind.
    assert Visit.objects.get(external_id="appt-2").email == ""


def test_the_same_phone_with_another_email_is_the_same_patient(api_client, key):
    post(api_client, visit(phone="+34612345678"), key)
    second = post(
        api_client,
        visit(external_id="appt-2", email="other@example.com", phone="+34 612 345 678"),
        key,
    )

    assert second.json()["status"] == "recently_asked"


def test_after_the_window_the_patient_is_asked_again(api_client, key, settings):
    settings.INVITATION_MIN_DAYS_BETWEEN = 90
    post(api_client, visit(), key)
    later = COMPLETED + timedelta(days=91)
    with time_machine.travel(later, tick=False):
        second = post(api_client, visit(external_id="appt-2", completed_at=later.isoformat()), key)

    assert second.json()["status"] == "scheduled"
    assert Ask.objects.count() == 2


def test_the_window_is_per_organisation(api_client, key):
    other_key = integration_keys.integration_key_create(organisation_slug="other-brand").key

    post(api_client, visit(), key)
    second = post(api_client, visit(external_id="appt-2", location="elsewhere"), other_key)

    assert second.json()["status"] == "scheduled"


# --- When the ask goes out --------------------------------------------------------


def test_the_ask_is_due_after_the_delay(api_client, key, settings):
    settings.INVITATION_DELAY_MINUTES = 120

    post(api_client, visit(), key)

    # 15:30 in Madrid plus two hours: 17:30 there, out of the quiet hours.
    assert Ask.objects.get().due_at == COMPLETED + timedelta(minutes=120)


@pytest.mark.parametrize(
    ("completed_local", "due_local"),
    [
        ("2026-03-03T19:30", "2026-03-04T08:00"),  # due 21:30: tomorrow 08:00
        ("2026-03-03T23:50", "2026-03-04T08:00"),  # due 01:50: this morning 08:00
        ("2026-03-03T05:00", "2026-03-03T08:00"),  # due 07:00: at 08:00
        ("2026-03-03T06:00", "2026-03-03T08:00"),  # due 08:00: at once
        ("2026-03-03T18:59", "2026-03-03T20:59"),  # due 20:59: before they start
    ],
    ids=["evening", "after-midnight", "early-morning", "at-the-end", "just-before"],
)
def test_quiet_hours_move_the_ask_to_their_end_on_the_locations_clock(
    settings, completed_local, due_local
):
    settings.INVITATION_QUIET_HOURS = "21-8"
    settings.INVITATION_DELAY_MINUTES = 120
    madrid = ZoneInfo("Europe/Madrid")
    completed = datetime.fromisoformat(completed_local).replace(tzinfo=madrid)

    due = scheduling.ask_due_at(completed_at=completed, zone=madrid, now=completed)

    assert due.astimezone(madrid) == datetime.fromisoformat(due_local).replace(tzinfo=madrid)


def test_empty_quiet_hours_are_off(settings):
    settings.INVITATION_QUIET_HOURS = ""
    completed = datetime(2026, 3, 3, 22, 0, tzinfo=UTC)

    due = scheduling.ask_due_at(completed_at=completed, zone=ZoneInfo("UTC"), now=completed)

    assert due == completed + timedelta(minutes=120)


def test_a_location_without_a_time_zone_uses_the_installations(api_client, key, settings):
    settings.CLINIC_TIME_ZONE = "America/New_York"
    # 20:00 in New York (01:00 UTC the next day): due 22:00 there, quiet.
    completed = datetime(2026, 3, 4, 1, 0, tzinfo=UTC)
    with time_machine.travel(completed + timedelta(minutes=1), tick=False):
        post(api_client, visit(location="south", completed_at=completed.isoformat()), key)

    due = Ask.objects.get().due_at.astimezone(ZoneInfo("America/New_York"))
    assert (due.day, due.hour, due.minute) == (4, 8, 0)


def test_a_visit_sent_late_is_asked_from_now(api_client, key):
    completed = COMPLETED - timedelta(days=3)

    post(api_client, visit(completed_at=completed.isoformat()), key)

    assert Ask.objects.get().due_at == COMPLETED + timedelta(minutes=5)


# --- Races (PostgreSQL: two connections at once) ------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_visits_of_one_patient_at_once_make_one_ask():
    organisation = Organisation.objects.create(slug="move-well", name="Move Well")
    Location.objects.create(organisation=organisation, slug="north", name="North")
    integration_key = integration_keys.integration_key_create(
        organisation_slug="move-well"
    ).integration_key
    for round_ in range(5):
        calls = [
            partial(
                intake.visit_record,
                integration_key=integration_key,
                data=intake.VisitInput(
                    external_id=f"appt-{round_}-{n}",
                    completed_at=COMPLETED,
                    location_slug="north",
                    email=f"patient{round_}@example.com",
                ),
            )
            for n in range(2)
        ]
        outcomes = at_once(*calls)
        assert sorted(outcome.visit.status for outcome in outcomes) == [
            "recently_asked",
            "scheduled",
        ]
    assert Ask.objects.count() == 5


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_one_visit_sent_twice_at_once_is_stored_once():
    organisation = Organisation.objects.create(slug="move-well", name="Move Well")
    Location.objects.create(organisation=organisation, slug="north", name="North")
    integration_key = integration_keys.integration_key_create(
        organisation_slug="move-well"
    ).integration_key
    data = intake.VisitInput(
        external_id="appt-1", completed_at=COMPLETED, location_slug="north", email="a@example.com"
    )
    call = partial(intake.visit_record, integration_key=integration_key, data=data)

    outcomes = at_once(call, call)

    assert len({outcome.visit.public_id for outcome in outcomes}) == 1
    assert sorted(outcome.created for outcome in outcomes) == [False, True]
    assert Visit.objects.count() == 1
