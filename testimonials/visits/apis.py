"""`POST /api/v1/visits/`: a practice system reports a completed visit."""

from typing import Any, cast

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from testimonials.fields import RejectUnknownFieldsMixin, StrictBooleanField, StrictCharField
from testimonials.models import IntegrationKey, VisitStatus
from testimonials.visits import intake
from testimonials.visits.authentication import HasIntegrationKey, IntegrationKeyAuthentication


class VisitInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    external_id = StrictCharField(max_length=200, help_text="The visit's id in your system.")
    completed_at = serializers.DateTimeField(help_text="When the visit ended (ISO 8601).")
    location = StrictCharField(max_length=60, help_text="The location's slug.")
    clinician = StrictCharField(
        max_length=60, required=False, allow_blank=True, default="", help_text="A slug."
    )
    email = StrictCharField(max_length=254, required=False, allow_blank=True, default="")
    phone = StrictCharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text="International form, e.g. +14155550123. Email, phone or both.",
    )
    language = StrictCharField(max_length=12, required=False, allow_blank=True, default="")
    name = StrictCharField(
        max_length=120,
        required=False,
        allow_blank=True,
        default="",
        help_text="The patient's name, pre-filled for them to confirm.",
    )
    consent_to_text = StrictBooleanField(required=False, default=False)


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
        data = serializer.validated_data
        outcome = intake.visit_record(
            integration_key=cast(IntegrationKey, request.auth),  # HasIntegrationKey checked it
            data=intake.VisitInput(
                external_id=data["external_id"],
                completed_at=data["completed_at"],
                location_slug=data["location"],
                clinician_slug=data["clinician"],
                email=data["email"],
                phone=data["phone"],
                language=data["language"],
                name=data["name"],
                consent_to_text=data["consent_to_text"],
            ),
        )
        body = VisitAcceptedSerializer(outcome.visit).data
        return Response(body, status=status.HTTP_202_ACCEPTED)
