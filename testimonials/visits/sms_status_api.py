"""`POST /api/v1/sms/status/`: Twilio's delivery receipts (its status
callback, form-encoded `MessageSid`, `MessageStatus`, `ErrorCode`), signed
with `X-Twilio-Signature` (403 when it does not check out). A 404 while
`TWILIO_AUTH_TOKEN`, which checks the signature, is not set. The address
Twilio was given carries our text's id (`?text=`), which the signature
covers too.

Form-encoded only: Twilio signs the form's fields, so a JSON body would
carry fields no signature covers."""

import re
from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.parsers import FormParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from testimonials.visits import receipts, sms_twilio


class DeliveryReceiptSerializer(serializers.Serializer[Any]):
    MessageSid = serializers.CharField(max_length=64)
    MessageStatus = serializers.CharField(max_length=20)
    ErrorCode = serializers.CharField(max_length=20, required=False, allow_blank=True)


def signed_by_twilio(request: Request) -> bool:
    # Twilio signs every field it posted, as posted: the raw form, not the
    # serializer's view of it.
    params = {key: str(value) for key, value in request.POST.items()}
    return sms_twilio.signature_valid(
        path=request.get_full_path(),
        params=params,
        signature=request.headers.get("X-Twilio-Signature", ""),
    )


SIGNATURE_REFUSED = {"detail": "The signature does not check out.", "code": "permission_denied"}


class SmsStatusApi(APIView):
    authentication_classes: list[type] = []
    parser_classes = [FormParser]

    @extend_schema(
        request={"application/x-www-form-urlencoded": DeliveryReceiptSerializer},
        parameters=[
            OpenApiParameter(
                "text", int, description="Our text's id, in the address Twilio was given."
            )
        ],
        responses={204: OpenApiResponse(description="Recorded (or already known).")},
        summary="A text's delivery receipt (for Twilio)",
        description="Sets the text's delivered or failed time and error code; a repeated or "
        "late receipt changes nothing. 403 without a valid X-Twilio-Signature.",
    )
    def post(self, request: Request) -> Response:
        if not settings.TWILIO_AUTH_TOKEN:
            raise exceptions.NotFound()
        if not signed_by_twilio(request):
            return Response(SIGNATURE_REFUSED, status=403)
        serializer = DeliveryReceiptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reference = request.query_params.get("text", "")
        receipts.receipt_record(
            message_id=data["MessageSid"],
            status=data["MessageStatus"],
            error_code=data.get("ErrorCode", ""),
            text_id=int(reference) if re.fullmatch(r"[0-9]{1,18}", reference) else None,
        )
        return Response(status=204)
