"""The embeddable widget's script, served from our origin."""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

# --- The widget ------------------------------------------------------------------

WIDGET_FILE = Path(__file__).resolve().parent.parent / "assets" / "widget.js"


@cache
def widget_source() -> bytes:
    return WIDGET_FILE.read_bytes()


@require_GET
def widget_js(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(widget_source(), content_type="text/javascript; charset=utf-8")
    patch_cache_control(
        response,
        public=True,
        max_age=settings.WIDGET_CACHE_MAX_AGE,
        stale_while_revalidate=settings.WIDGET_CACHE_MAX_AGE * 24,
    )
    # Any page may embed it, even one that isolates itself (COEP).
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Access-Control-Allow-Origin"] = "*"
    return response
