"""Exporting stories with their moderation history, as CSV or JSON: for the
clinic's records, and for leaving us. `manage.py export_testimonials` and
the admin both call `export_write`; `export_rows` is the one place the rows
are built. Our JSON export can be imported again (`import_testimonials
--source export`).

Every export is recorded (`DataExport`: who, when, what, how many; never
what it held). The export of all stories holds personal data (names, email
addresses, unpublished texts): the admin offers it to clinic admins only.
"""

import csv
import json
import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Protocol

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from testimonials.models import (
    Authorization,
    DataExport,
    ExportScope,
    StatusChange,
    Testimonial,
)
from testimonials.publishing import gate, representations

logger = logging.getLogger(__name__)

FORMAT_NAME = "testimonials-export/1"

CSV_COLUMNS = [
    "id",
    "topic",
    "status",
    "source",
    "external_id",
    "written_at",
    "submitted_at",
    "author_name",
    "display_name",
    "email",
    "rating",
    "body",
    "text_as_published",
    "consented_at",
    "consent_version",
    "imported_consent_record",
    "authorization",
    "decided_by",
    "decided_at",
    "rejection_reason",
    "rejection_note",
    "published_at",
    "featured",
    "history",
]

# A spreadsheet runs a cell that starts with one of these as a formula
# (OWASP "CSV injection"); a leading apostrophe makes it text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Writer(Protocol):
    def write(self, text: str, /) -> object: ...


def _time(value: datetime | None) -> str | None:
    return representations.api_time(value) if value is not None else None


def export_queryset(
    scope: str, *, within: QuerySet[Testimonial] | None = None
) -> QuerySet[Testimonial]:
    """The stories an export holds: those public now (by the gate), or all;
    of `within` only when given (the exporting staff member's places)."""
    base = (
        gate.published_testimonials()
        if scope == ExportScope.PUBLISHED
        else Testimonial.objects.all()
    )
    if within is not None:
        base = base.filter(pk__in=within.values("pk"))
    return (
        base.select_related("topic", "consent_text", "decided_by")
        .prefetch_related(
            Prefetch("history", queryset=StatusChange.objects.order_by("created_at", "id")),
            Prefetch(
                "authorizations",
                queryset=Authorization.objects.filter(superseded_at=None),
                to_attr="current_authorizations",
            ),
        )
        .order_by("created_at", "id")
    )


def _authorization_word(testimonial: Testimonial, now: datetime) -> str:
    current = next(iter(getattr(testimonial, "current_authorizations", [])), None)
    if current is None:
        return "none"
    if current.revoked_at is not None:
        return "revoked"
    return "expired" if current.expires_at <= now else "active"


def export_rows(
    *, scope: str, within: QuerySet[Testimonial] | None = None
) -> Iterator[dict[str, Any]]:
    """One dict per story, oldest first, with every status change (who,
    when, why, the decision's details)."""
    now = timezone.now()
    for testimonial in export_queryset(scope, within=within).iterator(chunk_size=500):
        yield {
            "id": str(testimonial.public_id),
            "topic": testimonial.topic.slug,
            "status": testimonial.status,
            "source": testimonial.source,
            "external_id": testimonial.external_id,
            "written_at": _time(testimonial.original_date or testimonial.created_at),
            "submitted_at": _time(testimonial.created_at),
            "author_name": testimonial.author_name,
            "display_name": testimonial.display_name,
            "email": testimonial.email,
            "rating": testimonial.rating,
            "body": testimonial.body,
            "text_as_published": testimonial.shown_body,
            "consented_at": _time(testimonial.consented_at),
            "consent_version": testimonial.consent_text.version,
            "imported_consent_record": testimonial.consent_evidence,
            "authorization": _authorization_word(testimonial, now),
            "decided_by": testimonial.decided_by.get_username() if testimonial.decided_by else None,
            "decided_at": _time(testimonial.decided_at),
            "rejection_reason": testimonial.rejection_reason,
            "rejection_note": testimonial.rejection_note,
            "published_at": _time(testimonial.published_at),
            "featured": testimonial.featured,
            "history": [
                {
                    "at": _time(change.created_at),
                    "from": change.from_status,
                    "to": change.to_status,
                    "actor": change.actor_label,
                    "reason": change.reason,
                    "details": change.details,
                }
                for change in testimonial.history.all()
            ],
        }


def csv_safe(value: Any) -> str:
    """A cell as text that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list | dict):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _write_csv(rows: Iterator[dict[str, Any]], out: Writer) -> int:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow([csv_safe(row[column]) for column in CSV_COLUMNS])
        count += 1
    return count


def _write_json(rows: Iterator[dict[str, Any]], out: Writer, *, scope: str) -> int:
    head = {"format": FORMAT_NAME, "scope": scope, "exported_at": _time(timezone.now())}
    out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "testimonials": [')
    count = 0
    for row in rows:
        out.write(("," if count else "") + "\n" + json.dumps(row, ensure_ascii=False))
        count += 1
    out.write(f'\n], "count": {count}}}\n')
    return count


def export_write(
    *,
    scope: str,
    file_format: str,
    out: Writer,
    actor: User | None = None,
    actor_label: str,
    within: QuerySet[Testimonial] | None = None,
) -> int:
    """Write the export to `out` and record that it happened. Returns how
    many stories it holds: every one of the installation's (the command
    line), or of `within` (a staff member's places, from the admin)."""
    scope = ExportScope(scope)
    rows = export_rows(scope=scope, within=within)
    if file_format == "csv":
        count = _write_csv(rows, out)
    elif file_format == "json":
        count = _write_json(rows, out, scope=scope)
    else:
        raise ValueError(f"unknown export format {file_format!r}")
    DataExport.objects.create(
        actor=actor, actor_label=actor_label, scope=scope, format=file_format, count=count
    )
    # A staff member by id, like every other log line (DataExport keeps the label).
    by = f"user={actor.pk}" if actor is not None else actor_label
    logger.info("export scope=%s format=%s count=%d by %s", scope, file_format, count, by)
    return count
