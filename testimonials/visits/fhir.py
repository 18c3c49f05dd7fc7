"""A FHIR R4 `Encounter` read as a visit: converted into `intake.VisitInput`
and recorded by `intake.visit_record`, the one intake path.

Which element means what (docs/api.md repeats it):
- `identifier[0].value` is the visit's external id; `period.end` its end;
- `location[0].location` names our location: its `identifier.value` is the
  location's slug, or else its `reference` is `Location/<slug>`;
- the first `participant[].individual.identifier.value` is a clinician's slug;
- `subject.reference` is `#<id>` of a `Patient` in `contained`, whose
  `telecom` (system `email`, `phone` or `sms`), `name[0]` and
  `communication[0].language` give the contact, the name and the language.
An Encounter carries no consent to text, so `consent_to_text` stays false."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime

from testimonials.visits.intake import VisitInput

RESOURCE_TYPE = "Encounter"
LOCATION_REFERENCE_PREFIX = "Location/"
# Where each field of `VisitInput` comes from, to name it in an OperationOutcome.
FIELD_EXPRESSIONS = {
    "external_id": "Encounter.identifier[0].value",
    "completed_at": "Encounter.period.end",
    "location": "Encounter.location[0].location",
    "clinician": "Encounter.participant.individual.identifier",
    "email": "Patient.telecom",
    "phone": "Patient.telecom",
    "language": "Patient.communication[0].language",
    "name": "Patient.name[0]",
}


@dataclass(frozen=True)
class Issue:
    """One problem with the resource, as an OperationOutcome issue."""

    code: str  # an IssueType code: "structure", "required", "value", "business-rule"
    diagnostics: str
    expression: str


class EncounterRefused(Exception):
    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(issue.diagnostics for issue in issues))
        self.issues = issues


def encounter_visit_input(resource: object) -> VisitInput:
    """The visit a finished Encounter reports, or `EncounterRefused` naming
    every problem found."""
    if not isinstance(resource, dict) or resource.get("resourceType") != RESOURCE_TYPE:
        raise EncounterRefused(
            [Issue("structure", "The body is not an Encounter resource.", "Encounter")]
        )
    issues: list[Issue] = []
    if resource.get("status") != "finished":
        issues.append(
            Issue(
                "business-rule",
                "Only a finished Encounter is a completed visit.",
                "Encounter.status",
            )
        )
    external_id = _text(_at(resource, "identifier", 0, "value"))
    if not external_id:
        issues.append(Issue("required", "The Encounter has no identifier.", "Encounter.identifier"))
    completed_at = _datetime(_at(resource, "period", "end"))
    if completed_at is None:
        issues.append(
            Issue("required", "period.end is missing or not a dateTime.", "Encounter.period.end")
        )
    location_slug = _location_slug(_at(resource, "location", 0, "location"))
    if not location_slug:
        issues.append(
            Issue(
                "required",
                "location[0].location names no location (identifier or Location/<slug>).",
                "Encounter.location",
            )
        )
    patient = _contained_patient(resource)
    email, phone = (_telecom(patient, "email"), _telecom(patient, "phone", "sms"))
    if patient is None:
        issues.append(
            Issue(
                "required",
                "subject does not reference a contained Patient (#id).",
                "Encounter.subject",
            )
        )
    elif not email and not phone:
        issues.append(Issue("required", "The Patient has no email or phone.", "Patient.telecom"))
    if issues or completed_at is None:
        raise EncounterRefused(issues)
    return VisitInput(
        external_id=external_id,
        completed_at=completed_at,
        location_slug=location_slug,
        clinician_slug=_clinician_slug(resource),
        email=email,
        phone=phone,
        language=_language(patient),
        name=_name(patient),
    )


def _at(value: object, *path: str | int) -> object:
    """`value[path[0]][path[1]]...`, or None where the shape differs."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(value, list) or len(value) <= step:
                return None
            value = value[step]
        else:
            if not isinstance(value, dict):
                return None
            value = value.get(step)
    return value


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _datetime(value: object) -> datetime | None:
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None
    # FHIR requires a time zone on a dateTime with a time.
    return parsed if parsed is not None and parsed.tzinfo is not None else None


def _location_slug(reference: object) -> str:
    slug = _text(_at(reference, "identifier", "value"))
    if slug:
        return slug
    target = _text(_at(reference, "reference"))
    if target.startswith(LOCATION_REFERENCE_PREFIX):
        return target.removeprefix(LOCATION_REFERENCE_PREFIX)
    return ""


def _clinician_slug(resource: dict[str, Any]) -> str:
    participants = resource.get("participant")
    for participant in participants if isinstance(participants, list) else []:
        slug = _text(_at(participant, "individual", "identifier", "value"))
        if slug:
            return slug
    return ""


def _contained_patient(resource: dict[str, Any]) -> dict[str, Any] | None:
    reference = _text(_at(resource, "subject", "reference"))
    contained = resource.get("contained")
    if not reference.startswith("#") or not isinstance(contained, list):
        return None
    for candidate in contained:
        if (
            isinstance(candidate, dict)
            and candidate.get("resourceType") == "Patient"
            and candidate.get("id") == reference[1:]
        ):
            return candidate
    return None


def _telecom(patient: dict[str, Any] | None, *systems: str) -> str:
    telecoms = patient.get("telecom") if patient is not None else None
    for telecom in telecoms if isinstance(telecoms, list) else []:
        if _at(telecom, "system") in systems and _text(_at(telecom, "value")):
            return _text(_at(telecom, "value"))
    return ""


def _name(patient: dict[str, Any] | None) -> str:
    name = _at(patient, "name", 0)
    text = _text(_at(name, "text"))
    if text:
        return text
    given = _at(name, "given")
    words = [_text(word) for word in given] if isinstance(given, list) else []
    return " ".join(word for word in [*words, _text(_at(name, "family"))] if word)


def _language(patient: dict[str, Any] | None) -> str:
    language = _at(patient, "communication", 0, "language")
    return _text(_at(language, "coding", 0, "code")) or _text(_at(language, "text"))
