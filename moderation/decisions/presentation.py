"""How the review page shows a story: flagged spans highlighted (edits as
word diffs: `moderation.decisions.diff`). Pure functions over the stored
screening result; everything a patient wrote is escaped here."""

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Segment:
    text: str
    flags: tuple[dict[str, Any], ...]


def _spans(body: str, flags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        flag
        for flag in flags
        if isinstance(flag.get("start"), int)
        and isinstance(flag.get("end"), int)
        and 0 <= flag["start"] < flag["end"] <= len(body)
    ]


def segments(body: str, flags: list[dict[str, Any]]) -> list[Segment]:
    """Cut the body at every span boundary; each piece knows its flags, so
    overlapping flags (a URL that is also spam) both show."""
    spans = _spans(body, flags)
    cuts = sorted({0, len(body), *(f["start"] for f in spans), *(f["end"] for f in spans)})
    pieces = []
    for start, end in pairwise(cuts):
        covering = tuple(f for f in spans if f["start"] <= start and end <= f["end"])
        pieces.append(Segment(body[start:end], covering))
    return pieces


def highlighted(body: str, flags: list[dict[str, Any]]) -> SafeString:
    """The story as HTML with each flagged span in a <mark> that explains it."""

    def explain(flag: dict[str, Any]) -> str:
        what = flag["kind"] + (f" ({flag['entity']})" if flag.get("entity") else "")
        return f"{what}, {flag['severity']}: {flag['detail']}"

    parts = []
    for segment in segments(body, flags):
        if not segment.flags:
            parts.append(format_html("{}", segment.text))
            continue
        kinds = " ".join(sorted({f"flag-{f['kind']}" for f in segment.flags}))
        parts.append(
            format_html(
                '<mark class="flag {}" title="{}">{}</mark>',
                kinds,
                "; ".join(explain(f) for f in segment.flags),
                segment.text,
            )
        )
    return format_html_join("", "{}", ((part,) for part in parts))
