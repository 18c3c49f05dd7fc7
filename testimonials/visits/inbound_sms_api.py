"""`POST /api/v1/sms/inbound`: the SMS provider hands over a patient's reply
(`From`, `Body`, as providers' webhooks send them, form-encoded or JSON),
with `Authorization: Bearer SMS_INBOUND_TOKEN`. A 404 while no token is set.

When texts go through Twilio (`SMS_BACKEND`), Twilio's own signature
(`X-Twilio-Signature`, checked with `TWILIO_AUTH_TOKEN`) replaces the
bearer token, 403 when it does not check out, and the answer is TwiML, the
form Twilio texts back."""

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from twilio.twiml.messaging_response import MessagingResponse

from testimonials.errors import FieldErrors
from testimonials.visits import contacts, replies, sms_twilio
from testimonials.visits.sms_status_api import SIGNATURE_REFUSED, signed_by_twilio


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
        description="STOP, ARRÊT or BAJA records an opt-out at once; HELP answers who writes. "
        "With the Twilio backend: signed with X-Twilio-Signature instead of the bearer token "
        "(403 when wrong), answered with TwiML (text/xml).",
    )
    def post(self, request: Request) -> Response | HttpResponse:
        if sms_twilio.active():
            if not signed_by_twilio(request):
                return Response(SIGNATURE_REFUSED, status=403)
            reply = self._reply(request)
            twiml = MessagingResponse()
            if reply:
                twiml.message(reply)
            return HttpResponse(str(twiml), content_type="text/xml")
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
        return Response({"reply": self._reply(request)})

    def _reply(self, request: Request) -> str:
        serializer = InboundTextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            phone = contacts.normalised_phone(serializer.validated_data["From"])
        except ValidationError as exc:
            raise FieldErrors({"From": list(exc.messages)}) from exc
        return replies.reply_handle(phone=phone, body=serializer.validated_data["Body"])
