"""The two floors: ready bytes from a bare Django view, and a bare REST
framework create view (validate, one insert, one enqueue after commit)."""

from functools import cache
from pathlib import Path
from typing import Any

from celery import Celery
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bench_baselines.models import BaselineItem

celery_app = Celery("bench_baselines")
celery_app.config_from_object("django.conf:settings", namespace="CELERY")


@cache
def ready_bytes() -> bytes:
    path: Path = getattr(settings, "READY_BYTES_FILE")  # noqa: B009 - not in the stubs' settings
    return path.read_bytes()


def bare_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(ready_bytes(), content_type="application/json")


class ItemSerializer(serializers.ModelSerializer[BaselineItem]):
    class Meta:
        model = BaselineItem
        fields = ["id", "topic", "author_name", "body", "rating"]


def _enqueue(pk: int) -> None:
    queue: str = getattr(settings, "BASELINE_QUEUE")  # noqa: B009 - not in the stubs' settings
    celery_app.send_task("bench_baselines.never_run", args=(pk,), queue=queue)


class BareCreateApi(APIView):
    def post(self, request: Request) -> Response:
        serializer = ItemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            item = serializer.save()
            transaction.on_commit(lambda: _enqueue(item.pk))
        answer: dict[str, Any] = {"id": item.pk, "status": "submitted"}
        return Response(answer, status=status.HTTP_202_ACCEPTED)
