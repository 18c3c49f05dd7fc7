"""The visit feed in the admin: integration keys (shown once, working on the
API, revoked in the admin or by command), the visits list (never a
patient's contacts), a day's visits from CSV (checked whole, stored once),
the opt-outs list, and each organisation's staff kept to their own."""

import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient

from config.security import secret_digest
from moderation.accounts import moderators
from moderation.models import StaffRole
from testimonials.models import (
    Ask,
    Clinician,
    IntegrationKey,
    Location,
    OptOutSource,
    Organisation,
    PatientOptOut,
    Visit,
)
from testimonials.visits import contacts, intake, integration_keys, opt_outs
from tests.support.log_canary import CANARY

COMPLETED = datetime(2026, 3, 3, 14, 30, tzinfo=UTC)
EMAIL = f"maria.{CANARY}@example.com"
PHONE = "+14155550123"
NAME = f"Maria {CANARY} Lopez"
KEYS = "/admin/testimonials/integrationkey/"
VISITS = "/admin/testimonials/visit/"
UPLOAD = "/admin/testimonials/visit/upload/"
OPT_OUTS = "/admin/testimonials/patientoptout/"
HEADER = (
    "external_id,completed_at,location,clinician,email,phone,language,consent_to_text,"
    "patient_name\n"
)
DAY = (
    HEADER
    + f"appt-1,2026-03-03T10:00:00Z,north,ana-ruiz,{EMAIL},,es,no,{NAME}\n"
    + f"appt-2,2026-03-03T11:00:00Z,south,,,{PHONE},,yes,\n"
)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(COMPLETED + timedelta(minutes=5), tick=False):
        yield


@pytest.fixture
def group(db):
    """Move Well (North, South, Ana at North) and another brand."""
    organisation = Organisation.objects.create(slug="move-well", name="Move Well")
    north = Location.objects.create(organisation=organisation, slug="north", name="North")
    south = Location.objects.create(organisation=organisation, slug="south", name="South")
    ana = Clinician.objects.create(organisation=organisation, slug="ana-ruiz", name="Ana Ruiz")
    ana.locations.add(north)
    other = Organisation.objects.create(slug="other-brand", name="Other Brand")
    Location.objects.create(organisation=other, slug="elsewhere", name="Elsewhere")
    return {"organisation": organisation, "north": north, "south": south, "other": other}


def staff(username, role=StaffRole.ORGANISATION_ADMIN, **places):
    """A signed-in browser of a staff member made as `create_moderator` makes one."""
    places = places or {"organisation_slug": "move-well"}
    user = moderators.moderator_create(username=username, role=role, **places).user
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def olivia(group):
    """Move Well's organisation admin."""
    return staff("olivia")


@pytest.fixture
def otto(group):
    """The other brand's organisation admin."""
    return staff("otto", organisation_slug="other-brand")


def upload(browser, text, name="day.csv"):
    return browser.post(UPLOAD, {"csv_file": SimpleUploadedFile(name, text.encode())})


def html(response):
    return response.content.decode()


def received(location="north", external_id="appt-0", email=EMAIL, phone=PHONE):
    """A visit in through the API's intake, with a key of the location's."""
    key = integration_keys.integration_key_create(location_slug=location).integration_key
    data = intake.VisitInput(
        external_id=external_id,
        completed_at=COMPLETED,
        location_slug=location,
        email=email,
        phone=phone,
        name=NAME,
        consent_to_text=True,
    )
    return intake.visit_record(integration_key=key, data=data).visit


def post_visit(key, external_id="api-1"):
    body = {"external_id": external_id, "completed_at": COMPLETED.isoformat(),
            "location": "north", "email": EMAIL}  # fmt: skip
    return APIClient().post(
        "/api/v1/visits/", body, format="json", headers={"Authorization": f"Integration-Key {key}"}
    )


# --- Integration keys ----------------------------------------------------------------


def test_a_new_key_is_shown_once_and_works_on_the_api(olivia, group):
    response = olivia.post(
        f"{KEYS}add/",
        {"name": "EHR feed", "organisation": group["organisation"].pk,
         "location": group["north"].pk},
    )  # fmt: skip

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = re.search(r'id="integration-key" type="text" readonly value="([^"]+)"', html(response))[1]
    stored = IntegrationKey.objects.get()
    assert stored.key_hash == secret_digest(key)
    assert (stored.name, stored.location) == ("EHR feed", group["north"])
    for page in (KEYS, f"{KEYS}{stored.pk}/change/"):
        shown = olivia.get(page)
        assert shown.status_code == 200
        assert stored.key_prefix in html(shown)
        assert key not in html(shown), "the key is shown once"
    assert post_visit(key).status_code == 202


def test_a_key_for_a_location_of_another_organisation_is_refused(olivia, group):
    other = Organisation.objects.create(slug="third", name="Third")
    response = olivia.post(
        f"{KEYS}add/",
        {"name": "EHR", "organisation": group["organisation"].pk,
         "location": Location.objects.create(organisation=other, slug="x", name="X").pk},
    )  # fmt: skip

    assert response.status_code == 200
    assert "Select a valid choice" in html(response), "another's location is not offered"
    assert not IntegrationKey.objects.exists()


def test_a_revoked_key_is_a_401_and_the_revocation_is_in_the_admin_log(olivia, group):
    issued = integration_keys.integration_key_create(organisation_slug="move-well")
    assert post_visit(issued.key).status_code == 202

    response = olivia.post(
        KEYS, {"action": "revoke_keys", "_selected_action": [issued.integration_key.pk]}
    )

    assert response.status_code == 302
    assert "1 revoked." in html(olivia.get(KEYS))
    assert post_visit(issued.key, external_id="api-2").status_code == 401
    entry = LogEntry.objects.get(action_flag=CHANGE)
    assert (entry.object_id, entry.change_message) == (
        str(issued.integration_key.pk),
        "Revoked the integration key.",
    )


def test_the_command_revokes_a_key_by_its_prefix(group):
    first = integration_keys.integration_key_create(organisation_slug="move-well", name="EHR")
    second = integration_keys.integration_key_create(location_slug="north", name="Kiosk")
    prefix = first.integration_key.key_prefix
    out = StringIO()

    with pytest.raises(CommandError, match="No integration key starts with 'tik_nope'"):
        call_command("revoke_integration_key", "tik_nope", stdout=out)
    with pytest.raises(CommandError, match=r"2 integration keys start with 'tik_'.*more of the"):
        call_command("revoke_integration_key", "tik_", stdout=out)
    call_command("revoke_integration_key", f"{prefix}…", stdout=out)
    call_command("revoke_integration_key", prefix, stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == f"Revoked integration key {prefix}… (EHR): it opens nothing from now on."
    assert lines[1].startswith(f"Integration key {prefix}… (EHR) was revoked already, on ")
    assert post_visit(first.key).status_code == 401
    assert post_visit(second.key).status_code == 202


# --- Visits and opt-outs ---------------------------------------------------------------


def test_the_visits_list_shows_whether_there_are_contacts_never_them(olivia, group):
    visit = received()

    for page in (VISITS, f"{VISITS}{visit.pk}/change/"):
        response = olivia.get(page)
        text = html(response)
        assert response.status_code == 200
        assert "appt-0" in text
        assert "email ✓ / phone ✓" in text
        assert "Ask scheduled" in text
        for personal in (EMAIL, CANARY, PHONE, "4155550123"):
            assert personal not in text
    assert html(olivia.get(VISITS)).count(f'href="{UPLOAD}"') == 1


def test_the_opt_outs_list_shows_when_and_how_never_the_hash(olivia, group):
    contact_hash = contacts.contact_hash(group["organisation"].pk, EMAIL)
    opt_outs.opt_out_record(
        organisation_id=group["organisation"].pk, contact_hash=contact_hash,
        source=OptOutSource.SMS,
    )  # fmt: skip

    response = olivia.get(OPT_OUTS)

    assert response.status_code == 200
    assert "SMS reply" in html(response)
    assert contact_hash not in html(response)
    change = olivia.get(f"{OPT_OUTS}{PatientOptOut.objects.get().pk}/change/")
    assert "SMS reply" in html(change)
    assert contact_hash not in html(change)


# --- A day's visits from CSV ---------------------------------------------------------------


def test_a_days_file_is_stored_and_audited(olivia, group):
    response = upload(olivia, DAY)

    text = html(response)
    assert "Stored the file&#x27;s 2 visits: 2 new, 0 already known." in text
    first, second = Visit.objects.order_by("external_id")
    assert (first.location.slug, first.clinician.slug, first.language) == (
        "north",
        "ana-ruiz",
        "es",
    )
    assert (first.email, first.patient_name, first.consent_to_text) == (EMAIL, NAME, False)
    assert (second.location.slug, second.phone, second.consent_to_text) == ("south", PHONE, True)
    assert first.integration_key is None
    assert Ask.objects.count() == 2
    entry = LogEntry.objects.get(content_type__model="visit")
    assert entry.change_message == "Uploaded 2 visits from a CSV file: 2 new, 0 already known."
    assert CANARY not in entry.change_message + entry.object_repr


def test_the_same_file_again_changes_nothing(olivia, group):
    upload(olivia, DAY)
    before = list(Visit.objects.order_by("pk").values())
    asks = list(Ask.objects.order_by("pk").values())

    again = upload(olivia, DAY.replace("Lopez", "Lopez-Garcia"))

    assert "Stored the file&#x27;s 2 visits: 0 new, 2 already known." in html(again)
    assert list(Visit.objects.order_by("pk").values()) == before
    assert list(Ask.objects.order_by("pk").values()) == asks


def test_a_visit_sent_by_the_api_is_already_known_to_the_file(olivia, group):
    received(external_id="appt-1")

    response = upload(olivia, DAY)

    assert "1 new, 1 already known" in html(response)


def test_one_bad_row_stores_nothing_and_is_named_by_line_and_column(olivia, group):
    text = (
        DAY
        + "appt-3,2026-03-03T12:00:00Z,north,,not-an-email,,,,\n"
        + "appt-4,tomorrow,south,,x@example.com,,,maybe,\n"
        + "appt-1,2026-03-03T10:00:00Z,north,,x@example.com,,,,\n"
        + "appt-5,2026-03-03T12:00:00Z,nowhere,,not-an-email,,,,\n"
    )

    response = upload(olivia, text)

    page = html(response)
    assert "Nothing was stored: 6 problem(s) in the file" in page
    rows = re.findall(r'<tr data-line="(\d+)"><td>\d+</td><td>(\w+)</td>', page)
    assert rows == [
        ("4", "email"),
        ("5", "completed_at"),
        ("5", "consent_to_text"),
        ("6", "external_id"),
        ("7", "location"),
        ("7", "email"),
    ]
    assert "The same as line 2." in page
    assert not Visit.objects.exists()
    assert not LogEntry.objects.filter(content_type__model="visit").exists()
    assert "not-an-email" not in page, "a value is never shown back"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("external_id,location\nappt-1,north\n", "Missing column(s): completed_at."),
        (HEADER.replace("patient_name", "diagnosis"), "Unknown column(s): diagnosis."),
        (HEADER, "The file has no visits under its header."),
        ("", "The submitted file is empty."),
    ],
    ids=["missing", "unknown", "no-rows", "empty"],
)
def test_a_file_that_is_not_a_visits_file_is_refused_whole(olivia, group, text, error):
    response = upload(olivia, text)

    assert error in html(response)
    assert not Visit.objects.exists()


def test_a_file_over_the_limits_is_refused(olivia, group, monkeypatch):
    monkeypatch.setattr("moderation.admin.visits.MAX_UPLOAD_BYTES", len(DAY) - 1)
    assert "The file is over 512 KB" in html(upload(olivia, DAY))

    monkeypatch.undo()
    monkeypatch.setattr("testimonials.visits.uploads.MAX_ROWS", 1)
    assert "Over 1 visits: split the file." in html(upload(olivia, DAY))
    assert not Visit.objects.exists()


def test_a_file_over_the_request_limit_but_within_the_pages_reaches_the_page(olivia, group):
    rows = "".join(
        f"appt-{n},2026-03-03T10:00:00Z,north,,patient{n}@example.org,,,no,{'Ana Maria ' * 6}\n"
        for n in range(1500)
    )
    body = HEADER + rows
    assert 128 * 1024 < len(body) < 512 * 1024, "over REQUEST_MAX_BYTES, within the page's limit"
    response = upload(olivia, body)

    assert response.status_code == 200
    assert "Over 1000 visits: split the file." in html(response)
    assert not Visit.objects.exists()


# --- Each organisation's own ----------------------------------------------------------------


def test_another_organisations_admin_sees_nothing_of_ours_and_uploads_nothing_for_us(otto, group):
    visit = received()
    key = IntegrationKey.objects.get()

    assert "appt-0" not in html(otto.get(VISITS))
    assert key.key_prefix not in html(otto.get(KEYS))
    for page in (f"{VISITS}{visit.pk}/change/", f"{KEYS}{key.pk}/change/"):
        answer = otto.get(page)
        assert answer.status_code == 302, "the admin's 'doesn't exist'"
        assert answer["Location"] == "/admin/"
    response = upload(otto, DAY)

    assert "Nothing was stored" in html(response)
    assert html(response).count("No location with this slug among the locations you work") == 2
    assert Visit.objects.count() == 1
    revoke = otto.post(KEYS, {"action": "revoke_keys", "_selected_action": [key.pk]})
    assert revoke.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is None


def test_a_location_moderator_sees_their_locations_visits_and_uploads_nothing(group):
    received(location="north", external_id="at-north")
    received(location="south", external_id="at-south")
    mo = staff("mo", role=StaffRole.MODERATOR, location_slugs=["north"])

    listed = html(mo.get(VISITS))

    assert "at-north" in listed
    assert "at-south" not in listed
    assert f'href="{UPLOAD}"' not in listed
    assert mo.get(UPLOAD).status_code == 403
    assert upload(mo, DAY).status_code == 403
    assert mo.get(KEYS).status_code == 403
    assert Visit.objects.count() == 2


def test_a_reviewer_reads_visits_and_opt_outs_and_changes_nothing(group):
    received()
    rita = staff("rita", role=StaffRole.REVIEWER)

    assert "appt-0" in html(rita.get(VISITS))
    assert rita.get(OPT_OUTS).status_code == 200
    assert rita.get(UPLOAD).status_code == 403
    assert rita.get(KEYS).status_code == 403


# --- Erasure -------------------------------------------------------------------------------


def test_erase_patient_erases_the_visits_contacts_and_keeps_the_opt_out(group):
    asked = received(external_id="asked")
    organisation_id = group["organisation"].pk
    opt_outs.opt_out_record(
        organisation_id=organisation_id, contact_hash=contacts.contact_hash(organisation_id, PHONE),
        source=OptOutSource.SMS,
    )  # fmt: skip
    # Asked by the other brand too, whose visit's contacts retention erased:
    # only the ask's hashes know the patient there.
    elsewhere = received(location="elsewhere", external_id="asked-elsewhere")
    Visit.objects.filter(pk=elsewhere.pk).update(email="", phone="", patient_name="")
    someone_else = received(external_id="other", email="ana@example.com", phone="+14155550999")
    out = StringIO()

    call_command("erase_patient", EMAIL.upper(), "--phone", "+1 415 555 0123", stdout=out)

    assert "from 2 visits and 2 asks" in out.getvalue()
    for visit in (asked, elsewhere):
        visit.refresh_from_db()
        assert (visit.email, visit.phone, visit.patient_name) == ("", "", "")
        visit.ask.refresh_from_db()
        assert (visit.ask.email_hash, visit.ask.phone_hash) == ("", "")
        assert visit.ask.status == "unreachable", "a scheduled ask is not sent"
    assert PatientOptOut.objects.count() == 1, "the opt-out keeps them from being asked again"
    someone_else.refresh_from_db()
    assert (someone_else.email, someone_else.phone) == ("ana@example.com", "+14155550999")
    assert someone_else.ask.email_hash
    again = StringIO()
    call_command("erase_patient", EMAIL, "--phone", PHONE, stdout=again)
    assert "Nothing to erase" in again.getvalue()


def test_erase_patient_needs_an_email_or_a_phone(db):
    with pytest.raises(CommandError, match="Give the patient's email address, or --phone"):
        call_command("erase_patient", stdout=StringIO())
    with pytest.raises(CommandError, match="--phone: Give the number in international form"):
        call_command("erase_patient", "--phone", "4155550123", stdout=StringIO())
