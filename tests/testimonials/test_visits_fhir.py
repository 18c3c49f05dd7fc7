"""A FHIR R4 Encounter in from a practice system: a finished one becomes
the same visit and ask as `POST /api/v1/visits/`, a resend changes nothing,
and anything refused is a 400 OperationOutcome with nothing stored."""

import copy
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from testimonials.models import Ask, Clinician, Location, Organisation, Visit
from testimonials.visits import integration_keys

ENCOUNTER_URL = "/api/v1/fhir/Encounter"
COMPLETED = datetime(2026, 3, 3, 14, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(COMPLETED + timedelta(minutes=5), tick=False):
        yield


@pytest.fixture
def group(db):
    organisation = Organisation.objects.create(slug="move-well", name="Move Well")
    north = Location.objects.create(
        organisation=organisation, slug="north", name="North", time_zone="Europe/Madrid"
    )
    ana = Clinician.objects.create(organisation=organisation, slug="ana-ruiz", name="Ana Ruiz, PT")
    ana.locations.add(north)
    other = Organisation.objects.create(slug="other-brand", name="Other Brand")
    Location.objects.create(organisation=other, slug="elsewhere", name="Elsewhere")
    return {"north": north, "ana": ana}


@pytest.fixture
def key(group):
    return integration_keys.integration_key_create(organisation_slug="move-well").key


def encounter(**fields):
    resource = {
        "resourceType": "Encounter",
        "status": "finished",
        "identifier": [{"system": "urn:example:appointments", "value": "appt-1"}],
        "period": {"start": "2026-03-03T14:00:00Z", "end": COMPLETED.isoformat()},
        "location": [{"location": {"identifier": {"value": "north"}}}],
        "participant": [{"individual": {"identifier": {"value": "ana-ruiz"}}}],
        "subject": {"reference": "#p1"},
        "contained": [
            {
                "resourceType": "Patient",
                "id": "p1",
                "name": [{"given": ["Maria"], "family": "Lopez"}],
                "telecom": [
                    {"system": "email", "value": "maria.lopez@example.com"},
                    {"system": "phone", "value": "+34 612 345 678"},
                ],
                "communication": [{"language": {"coding": [{"code": "es"}]}}],
            }
        ],
    }
    resource.update(fields)
    return resource


def post(client, body, key, content_type="application/fhir+json"):
    payload = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        ENCOUNTER_URL,
        payload,
        content_type=content_type,
        headers={"Authorization": f"Integration-Key {key}"},
    )


def issues(response):
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    return {expression for issue in body["issue"] for expression in issue["expression"]}


@pytest.mark.parametrize(
    "content_type", ["application/fhir+json", "application/json"], ids=["fhir", "json"]
)
def test_a_finished_encounter_becomes_one_visit_and_its_ask(client, key, group, content_type):
    response = post(client, encounter(), key, content_type)

    assert response.status_code == 202, response.json()
    stored = Visit.objects.get()
    assert response.json() == {"id": str(stored.public_id), "status": "scheduled"}
    assert (stored.external_id, stored.completed_at) == ("appt-1", COMPLETED)
    assert (stored.location, stored.clinician) == (group["north"], group["ana"])
    assert (stored.email, stored.phone) == ("maria.lopez@example.com", "+34612345678")
    assert (stored.patient_name, stored.language) == ("Maria Lopez", "es")
    assert Ask.objects.filter(visit=stored).count() == 1


def test_a_location_reference_names_the_location_too(client, key, group):
    resource = encounter(location=[{"location": {"reference": "Location/north"}}])

    response = post(client, resource, key)

    assert response.status_code == 202, response.json()
    assert Visit.objects.get().location == group["north"]


def test_a_resend_changes_nothing(client, key):
    first = post(client, encounter(), key)
    again = post(client, encounter(period={"end": "2026-03-03T12:00:00Z"}), key)

    assert again.status_code == 202
    assert again.json() == first.json()
    assert Visit.objects.get().completed_at == COMPLETED
    assert Ask.objects.count() == 1


def test_an_encounter_and_a_visit_with_one_external_id_are_one_visit(client, key):
    """Both endpoints feed the one intake: a visit sent both ways is one."""
    plain = client.post(
        "/api/v1/visits/",
        {
            "external_id": "appt-1",
            "completed_at": COMPLETED.isoformat(),
            "location": "north",
            "email": "maria.lopez@example.com",
        },
        content_type="application/json",
        headers={"Authorization": f"Integration-Key {key}"},
    )

    fhir = post(client, encounter(), key)

    assert fhir.json() == plain.json()
    assert Visit.objects.count() == 1


def without_contact(resource):
    resource["contained"][0]["telecom"] = [{"system": "fax", "value": "+34 600 000 000"}]
    return resource


@pytest.mark.parametrize(
    ("resource", "expression"),
    [
        (encounter(status="in-progress"), "Encounter.status"),
        (encounter(status="cancelled"), "Encounter.status"),
        (without_contact(copy.deepcopy(encounter())), "Patient.telecom"),
        (encounter(contained=[]), "Encounter.subject"),
        (encounter(subject={"reference": "Patient/p1"}), "Encounter.subject"),
        (encounter(identifier=[]), "Encounter.identifier"),
        (encounter(period={"end": "yesterday"}), "Encounter.period.end"),
        (encounter(period={"end": "2026-03-03T14:30:00"}), "Encounter.period.end"),
        (encounter(location=[]), "Encounter.location"),
        ({**encounter(), "resourceType": "Patient"}, "Encounter"),
        ([encounter()], "Encounter"),
        ("{not json", "Encounter"),
    ],
    ids=[
        "in-progress",
        "cancelled",
        "no-contact",
        "no-contained-patient",
        "external-patient",
        "no-identifier",
        "bad-end",
        "end-without-zone",
        "no-location",
        "not-an-encounter",
        "a-list",
        "not-json",
    ],
)
def test_a_refused_encounter_is_an_operation_outcome_and_stores_nothing(
    client, key, resource, expression
):
    response = post(client, resource, key)

    assert response.status_code == 400
    assert expression in issues(response)
    assert not Visit.objects.exists()


def test_what_the_intake_refuses_is_named_in_the_operation_outcome(client, key):
    resource = encounter(participant=[{"individual": {"identifier": {"value": "ben-li"}}}])
    resource["contained"][0]["telecom"] = [{"system": "email", "value": "not-an-address"}]

    response = post(client, resource, key)

    assert response.status_code == 400
    assert issues(response) == {
        "Encounter.participant.individual.identifier",
        "Patient.telecom",
    }
    assert not Visit.objects.exists()


def test_a_key_of_another_organisation_cannot_name_this_location(client, group):
    other_key = integration_keys.integration_key_create(organisation_slug="other-brand").key

    response = post(client, encounter(), other_key)

    assert response.status_code == 400
    assert issues(response) == {"Encounter.location[0].location"}
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    "authorization",
    [None, "Integration-Key tik_not-a-key", "Bearer something"],
    ids=["none", "unknown", "other-scheme"],
)
def test_no_valid_key_is_a_401_and_stores_nothing(client, group, authorization):
    headers = {"Authorization": authorization} if authorization else {}

    response = client.post(
        ENCOUNTER_URL,
        json.dumps(encounter()),
        content_type="application/fhir+json",
        headers=headers,
    )

    assert response.status_code == 401
    assert not Visit.objects.exists()
