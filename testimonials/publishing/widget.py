"""The embeddable widget's script, served from our origin, and the snippet
that embeds it (the admin's widget builder writes it)."""

import html
import re
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


# --- The snippet ------------------------------------------------------------------

LAYOUTS = ["list", "grid", "carousel", "wall", "quote"]
THEMES = ["light", "dark", "auto"]
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def widget_snippet(
    *,
    base_url: str,
    topic: str,
    layout: str = "list",
    theme: str = "light",
    location: str = "",
    clinician: str = "",
    limit: int = 5,
    accent: str = "",
) -> str:
    """The HTML a website pastes to show `topic`'s stories: the script tag
    with only the attributes that differ from the widget's defaults, after
    a one-line stylesheet when an accent colour (six hex digits) is chosen."""
    attributes = [("data-topic", topic)]
    if layout != "list":
        attributes.append(("data-layout", layout))
    if theme != "light":
        attributes.append(("data-theme", theme))
    attributes += [
        (f"data-{name}", slug)
        for name, slug in (("location", location), ("clinician", clinician))
        if slug
    ]
    if limit != 5:
        attributes.append(("data-limit", str(limit)))
    tag = f'<script src="{html.escape(base_url.rstrip("/"))}/widget.js"'
    tag += "".join(f' {name}="{html.escape(value)}"' for name, value in attributes)
    tag += " async></script>"
    if accent and HEX_COLOUR.fullmatch(accent):
        return f"<style>.patient-stories-widget {{ --ts-accent: {accent}; }}</style>\n{tag}"
    return tag
