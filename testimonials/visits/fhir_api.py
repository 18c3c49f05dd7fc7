"""`POST /api/v1/fhir/Encounter`: a practice system reports a completed
visit as a FHIR R4 Encounter (see `fhir` for which element means what)."""

from typing import Any, cast

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from testimonials.errors import FieldErrors
from testimonials.models import IntegrationKey
from testimonials.visits import fhir, intake
from testimonials.visits.apis import VisitAcceptedSerializer
from testimonials.visits.authentication import HasIntegrationKey, IntegrationKeyAuthentication

EXAMPLE_ENCOUNTER = {
    "resourceType": "Encounter",
    "status": "finished",
    "identifier": [{"system": "urn:example:appointments", "value": "appt-20931"}],
    "period": {"start": "2026-03-02T15:00:00Z", "end": "2026-03-02T15:30:00Z"},
    "location": [{"location": {"identifier": {"value": "riverside-downtown"}}}],
    "participant": [{"individual": {"identifier": {"value": "ana-ruiz"}}}],
    "subject": {"reference": "#patient"},
    "contained": [
        {
            "resourceType": "Patient",
            "id": "patient",
            "name": [{"given": ["Maria"], "family": "Lopez"}],
            "telecom": [
                {"system": "email", "value": "patient@example.com"},
                {"system": "phone", "value": "+14155550123"},
            ],
            "communication": [{"language": {"coding": [{"code": "es"}]}}],
        }
    ],
}


class OperationOutcomeIssueSerializer(serializers.Serializer[Any]):
    severity = serializers.CharField(help_text="Always `error`.")
    code = serializers.CharField(help_text="`structure`, `required`, `value` or `business-rule`.")
    diagnostics = serializers.CharField()
    expression = serializers.ListField(
        child=serializers.CharField(), help_text="Where, e.g. `Encounter.status`."
    )


class OperationOutcomeSerializer(serializers.Serializer[Any]):
    resourceType = serializers.CharField(help_text="Always `OperationOutcome`.")
    issue = OperationOutcomeIssueSerializer(many=True)


class FhirJsonParser(JSONParser):
    media_type = "application/fhir+json"


def operation_outcome(issues: list[fhir.Issue]) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": issue.code,
                "diagnostics": issue.diagnostics,
                "expression": [issue.expression],
            }
            for issue in issues
        ],
    }


class EncounterCreateApi(APIView):
    authentication_classes = [IntegrationKeyAuthentication]
    permission_classes = [HasIntegrationKey]
    parser_classes = [JSONParser, FhirJsonParser]

    @extend_schema(
        request={"application/fhir+json": dict[str, Any], "application/json": dict[str, Any]},
        responses={
            202: VisitAcceptedSerializer,
            400: OpenApiResponse(
                OperationOutcomeSerializer, description="An OperationOutcome naming each problem."
            ),
        },
        summary="Report a completed visit as a FHIR R4 Encounter",
        description="The same visit as `POST /api/v1/visits/`, recorded by the same intake: "
        "status `finished`, `identifier[0].value` the external id, `period.end` the end, "
        "`location[0].location` the location's slug (`identifier.value`, or `reference` "
        "`Location/<slug>`), optional `participant[].individual.identifier.value` a clinician's "
        "slug, and `subject` referencing a contained `Patient` with an email or phone in "
        "`telecom`. Idempotent on the identifier. Anything else refused is a 400 "
        "OperationOutcome, nothing stored.",
        examples=[
            OpenApiExample("A finished Encounter", request_only=True, value=EXAMPLE_ENCOUNTER)
        ],
    )
    def post(self, request: Request) -> Response:
        try:
            data = fhir.encounter_visit_input(request.data)
        except ParseError:
            return _refused([fhir.Issue("structure", "The body is not JSON.", "Encounter")])
        except fhir.EncounterRefused as refused:
            return _refused(refused.issues)
        try:
            outcome = intake.visit_record(
                integration_key=cast(IntegrationKey, request.auth),  # HasIntegrationKey checked it
                data=data,
            )
        except FieldErrors as errors:
            return _refused(
                [
                    fhir.Issue("value", message, fhir.FIELD_EXPRESSIONS.get(field, "Encounter"))
                    for field, messages in errors.fields.items()
                    for message in messages
                ]
            )
        body = VisitAcceptedSerializer(outcome.visit).data
        return Response(body, status=status.HTTP_202_ACCEPTED)


def _refused(issues: list[fhir.Issue]) -> Response:
    return Response(operation_outcome(issues), status=status.HTTP_400_BAD_REQUEST)
