"""Template filters and tags for showing stories (stars, names)."""

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from testimonials.consent import authorization_reads
from testimonials.models import ConsentText

register = template.Library()

# What json_script escapes: nothing a patient wrote can close the script
# element or open a comment, whatever it contains.
_SCRIPT_ESCAPES = {
    ord(">"): "\\u003E",
    ord("<"): "\\u003C",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


@register.filter
def stars(rating: int | None) -> str:
    """★★★☆☆ for a rating of 3; empty for no rating."""
    if not rating:
        return ""
    return "★" * rating + "☆" * (5 - rating)


@register.filter
def discloser_of(template: ConsentText, place: Any) -> str:
    """`{{ template|discloser_of:testimonial }}`: who discloses the story,
    naming its organisation and location (a topic's, on the share page)."""
    return authorization_reads.discloser_of(template, place)


@register.simple_tag
def json_ld(value: Any) -> SafeString:
    """`<script type="application/ld+json">` with the value escaped the way
    Django's `json_script` escapes it (which only writes application/json)."""
    data = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data))  # noqa: S308
