"""`POST /api/v1/sms/inbound`: the SMS provider hands over a patient's reply
(`From`, `Body`, as providers' webhooks send them, form-encoded or JSON),
with `Authorization: Bearer SMS_INBOUND_TOKEN`. A 404 while no token is set."""

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from testimonials.errors import FieldErrors
from testimonials.visits import contacts, replies


class InboundTextSerializer(serializers.Serializer[Any]):
    From = serializers.CharField(max_length=32)
    Body = serializers.CharField(max_length=1600, allow_blank=True)


class InboundReplySerializer(serializers.Serializer[Any]):
    reply = serializers.CharField(help_text="The answer to text back; empty for none.")


class InboundTextApi(APIView):
    authentication_classes: list[type] = []
    parser_classes = [FormParser, JSONParser]

    @extend_schema(
        request=InboundTextSerializer,
        responses={200: InboundReplySerializer},
        summary="A patient's reply to a text (for the SMS provider)",
        description="STOP, ARRÊT or BAJA records an opt-out at once; HELP answers who writes.",
    )
    def post(self, request: Request) -> Response:
        token = settings.SMS_INBOUND_TOKEN
        if not token:
            raise exceptions.NotFound()
        presented = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not secrets.compare_digest(presented.encode(), token.encode()):
            return Response(
                {"detail": "Unknown token.", "code": "authentication_failed"},
                status=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        serializer = InboundTextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            phone = contacts.normalised_phone(serializer.validated_data["From"])
        except ValidationError as exc:
            raise FieldErrors({"From": list(exc.messages)}) from exc
        reply = replies.reply_handle(phone=phone, body=serializer.validated_data["Body"])
        return Response({"reply": reply})
