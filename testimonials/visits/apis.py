"""`POST /api/v1/visits/`: a practice system reports a completed visit."""

from typing import Any, cast

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from testimonials.models import IntegrationKey, VisitStatus
from testimonials.visits import inputs, intake
from testimonials.visits.authentication import HasIntegrationKey, IntegrationKeyAuthentication
from testimonials.visits.inputs import VisitInputSerializer


class VisitAcceptedSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id")
    status = serializers.ChoiceField(
        choices=VisitStatus.choices,
        help_text="`scheduled`: the patient will be asked; `recently_asked`: asked within "
        "INVITATION_MIN_DAYS_BETWEEN days, not again; `opted_out`: never asked.",
    )


class VisitCreateApi(APIView):
    authentication_classes = [IntegrationKeyAuthentication]
    permission_classes = [HasIntegrationKey]

    @extend_schema(
        request=VisitInputSerializer,
        responses={202: VisitAcceptedSerializer},
        summary="Report a completed visit",
        description="The patient is asked to share their experience after a delay, once per "
        "INVITATION_MIN_DAYS_BETWEEN days at most, never after an opt-out; the same ask for "
        "every patient. Idempotent on `external_id`: a resend changes nothing.",
        examples=[
            OpenApiExample(
                "A visit",
                request_only=True,
                value={
                    "external_id": "appt-20931",
                    "completed_at": "2026-03-02T15:30:00Z",
                    "location": "riverside-downtown",
                    "clinician": "ana-ruiz",
                    "email": "patient@example.com",
                    "phone": "+14155550123",
                    "language": "es",
                    "name": "Maria Lopez",
                    "consent_to_text": True,
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = VisitInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome = intake.visit_record(
            integration_key=cast(IntegrationKey, request.auth),  # HasIntegrationKey checked it
            data=inputs.visit_input_of(serializer.validated_data),
        )
        body = VisitAcceptedSerializer(outcome.visit).data
        return Response(body, status=status.HTTP_202_ACCEPTED)
