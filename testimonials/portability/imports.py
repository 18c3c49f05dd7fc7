"""Bringing in the testimonials of another tool (a CSV or JSON export), and
our own JSON export back (source "export").

Reading and judging the file (`import_read`) writes nothing: it gives every
row that can be imported and every row that cannot, by line (CSV) or item
(JSON) and reason. `import_commit` then writes the good rows, each as a
`submitted` story that screening and moderation take like any other, marked
with its source. Each row has a stable key (`import_key`, unique in the
database), so importing the same file again adds nothing.

A row with consent evidence gets an `imported` authorization (every channel,
no signature, none is invented), which the re-confirmation job later turns
into a signed one. A row without gets none: a moderator may approve it, but
the gate keeps it off every surface until the patient authorizes it through
the emailed link (`authorizations.authorization_grant`). Without an email
address no one can ask, so such a story can never be published.
"""

import csv
import hashlib
import io
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from config import enqueue
from testimonials.consent import authorization_reads, authorizations
from testimonials.models import (
    ConsentText,
    DisplayPreference,
    Status,
    Testimonial,
    Topic,
    display_name_for,
)
from testimonials.places.settings import effective_settings

logger = logging.getLogger(__name__)

# The fields a row can carry, and the column headers (or JSON keys) that
# mean each, compared lower-cased with `_`, `-` and repeated spaces folded to
# one space. The first alias present wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "text": (
        "text",
        "body",
        "review",
        "review text",
        "review body",
        "testimonial",
        "story",
        "content",
        "comment",
        "comments",
        "feedback",
        "message",
    ),
    "name": (
        "name",
        "author name",
        "author",
        "reviewer",
        "reviewer name",
        "customer name",
        "patient name",
        "full name",
        "display name",
    ),
    "rating": ("rating", "stars", "star rating", "score", "rating value", "overall rating"),
    "date": (
        "date",
        "written at",
        "original date",
        "submitted at",
        "created at",
        "created",
        "date created",
        "review date",
        "reviewed at",
        "published at",
    ),
    "email": ("email", "e mail", "email address", "reviewer email", "customer email"),
    "external_id": ("id", "external id", "review id", "uuid"),
    "consent": (
        "consent",
        "consent evidence",
        "consented at",
        "consent date",
        "consent given",
        "consented",
        "permission",
        "permission to publish",
        "publish consent",
        "marketing consent",
        "can publish",
    ),
    "topic": ("topic", "topic slug"),
}
FIELDS = tuple(ALIASES)

CONSENT_YES = frozenset({"yes", "y", "true", "1", "x", "granted", "agreed", "given", "opted in"})
CONSENT_NO = frozenset({"", "no", "n", "false", "0", "none", "denied", "not given", "opted out"})
# Kept from an imported consent: long enough to ask the patient to sign
# before it ends (the re-confirmation job), as for the legacy consents.
IMPORTED_MINIMUM_NOTICE = timedelta(days=90)

_HEADER_FOLD = re.compile(r"[\s_\-]+")
_STARS = re.compile(r"^\s*(\d+(?:\.0+)?)\s*(?:/\s*5|stars?|★)?\s*$", re.IGNORECASE)
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%m/%d/%Y", "%m/%d/%Y %H:%M", "%d.%m.%Y")


class ImportFileError(Exception):
    """The file as a whole cannot be read (not CSV or JSON, no text column)."""


def header_key(header: str) -> str:
    return _HEADER_FOLD.sub(" ", header.strip().lstrip("\ufeff").lower()).strip()


@dataclass(frozen=True)
class ImportRow:
    """One row that can be imported, judged and normalized."""

    where: str
    topic: Topic
    text: str
    name: str
    email: str
    rating: int | None
    original_date: datetime | None
    external_id: str
    consent_evidence: str
    consented_at: datetime | None
    key: str


@dataclass(frozen=True)
class BadRow:
    where: str
    reasons: list[str]


@dataclass
class ImportReport:
    source: str
    rows: int = 0
    good: list[ImportRow] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)
    already_imported: int = 0
    created: int = 0
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def without_consent(self) -> int:
        return sum(1 for row in self.good if not row.consent_evidence)

    @property
    def never_publishable(self) -> int:
        return sum(1 for row in self.good if not row.consent_evidence and not row.email)


def import_key(*, source: str, external_id: str, name: str, when: str, text: str) -> str:
    """The row's stable identity: its id in the other tool when it has one,
    else who wrote what when."""
    parts = [source, "id", external_id] if external_id else [source, name, when, text]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


# --- Reading ----------------------------------------------------------------------


def _records_csv(text: str) -> Iterator[tuple[str, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise ImportFileError(f"line 1: not CSV ({exc})") from exc
    names = [cell.strip() for cell in header]
    end = reader.line_num
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFileError(f"line {start}: not CSV ({exc})") from exc
        end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        yield f"line {start}", dict(zip(names, cells, strict=False))


def _records_json(text: str) -> Iterator[tuple[str, dict[str, Any]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"line {exc.lineno}: not JSON ({exc.msg})") from exc
    if isinstance(data, dict):
        lists = [value for value in data.values() if isinstance(value, list)]
        if len(lists) != 1:
            raise ImportFileError("JSON: expected a list of items, or an object holding one list")
        data = lists[0]
    if not isinstance(data, list):
        raise ImportFileError("JSON: expected a list of items")
    for number, item in enumerate(data, start=1):
        yield f"item {number}", item if isinstance(item, dict) else {}


def column_mapping(headers: Iterable[str], overrides: dict[str, str]) -> dict[str, str]:
    """Which header (or key) each field is read from: `overrides` (header
    → field) first, then the aliases."""
    present = {header_key(header): header for header in headers}
    mapping: dict[str, str] = {}
    for header, name in overrides.items():
        if name not in FIELDS:
            raise ImportFileError(f"--map {header}={name}: the fields are {', '.join(FIELDS)}")
        if header_key(header) not in present:
            raise ImportFileError(f"--map {header}={name}: the file has no column {header!r}")
        mapping[name] = present[header_key(header)]
    taken = set(mapping.values())
    for name, aliases in ALIASES.items():
        if name in mapping:
            continue
        for alias in aliases:
            found = present.get(alias)
            if found is not None and found not in taken:
                mapping[name] = found
                taken.add(found)
                break
    if "text" not in mapping:
        raise ImportFileError(
            "no column holds the text: name one of "
            + ", ".join(f'"{alias}"' for alias in ALIASES["text"][:6])
            + "…, or map it with --map COLUMN=text"
        )
    return mapping


def _cell(record: dict[str, Any], mapping: dict[str, str], name: str) -> str:
    value = record.get(mapping.get(name, ""), "")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


def parse_rating(value: str) -> int | None:
    """1 to 5, written as `4`, `4.0`, `4/5`, `4 stars`; or none. `ValueError` else."""
    if not value:
        return None
    match = _STARS.match(value)
    if match is None:
        raise ValueError
    rating = int(float(match.group(1)))
    if not 1 <= rating <= 5:
        raise ValueError
    return rating


def parse_date(value: str, *, now: datetime) -> datetime | None:
    """ISO 8601 (a day or a time, with or without an offset), `YYYY-MM-DD
    HH:MM`, US `MM/DD/YYYY` or `DD.MM.YYYY`; times without an offset are
    UTC. `ValueError` when none of them, or when it lies in the future."""
    if not value:
        return None
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        for layout in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(value, layout).replace(tzinfo=UTC)
                break
            except ValueError:
                continue
    if parsed is None:
        try:
            parsed = datetime.combine(date.fromisoformat(value), time(0))
        except ValueError as exc:
            raise ValueError from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if parsed > now + timedelta(days=1):
        raise ValueError
    return parsed


def parse_consent(value: str, *, now: datetime) -> tuple[str, datetime | None]:
    """The evidence as recorded (blank for none) and when it was given, if
    the column says. A date means consent given that day. `ValueError` for a
    value that says neither yes, no nor when."""
    folded = value.strip().lower()
    if folded in CONSENT_NO:
        return "", None
    if folded in CONSENT_YES:
        return value.strip(), None
    given = parse_date(value.strip(), now=now)
    return value.strip(), given


def import_read(
    *,
    text: str,
    file_format: str,
    source: str,
    topic_slug: str | None = None,
    mapping_overrides: dict[str, str] | None = None,
    progress: Callable[[Iterable[Any]], Iterable[Any]] = iter,
) -> ImportReport:
    """Judge every row of a file; write nothing. `ImportFileError` when the
    file as a whole cannot be read."""
    records = list(_records_csv(text) if file_format == "csv" else _records_json(text))
    headers: dict[str, None] = {}
    for _, record in records:
        headers.update(dict.fromkeys(record))
    mapping = column_mapping(headers, mapping_overrides or {})
    report = ImportReport(source=source, columns=dict(mapping))
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    default_topic = topics.get(topic_slug) if topic_slug else None
    if topic_slug and default_topic is None:
        raise ImportFileError(f"--topic {topic_slug}: no such topic")
    now = timezone.now()
    seen: dict[str, str] = {}
    keys: list[str] = []
    for where, record in progress(records):
        report.rows += 1
        row = _judge(
            where,
            record,
            mapping,
            source=source,
            topics=topics,
            default_topic=default_topic,
            now=now,
        )
        if isinstance(row, BadRow):
            report.bad.append(row)
            continue
        if row.key in seen:
            report.bad.append(BadRow(where, [f"duplicate of {seen[row.key]}"]))
            continue
        seen[row.key] = where
        keys.append(row.key)
        report.good.append(row)
    existing = set(
        Testimonial.objects.filter(import_key__in=keys).values_list("import_key", flat=True)
    )
    report.already_imported = len(existing)
    report.good = [row for row in report.good if row.key not in existing]
    return report


def _judge(
    where: str,
    record: dict[str, Any],
    mapping: dict[str, str],
    *,
    source: str,
    topics: dict[str, Topic],
    default_topic: Topic | None,
    now: datetime,
) -> ImportRow | BadRow:
    reasons: list[str] = []
    text = _cell(record, mapping, "text")
    if not text:
        reasons.append("empty text")
    elif len(text) > settings.TESTIMONIAL_MAX_LENGTH:
        reasons.append(f"text longer than {settings.TESTIMONIAL_MAX_LENGTH} characters")
    name = " ".join(_cell(record, mapping, "name").split())
    if len(name) > 120:
        reasons.append("name longer than 120 characters")
    email = _cell(record, mapping, "email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            reasons.append("bad email address")
    rating_cell = _cell(record, mapping, "rating")
    rating = None
    try:
        rating = parse_rating(rating_cell)
    except ValueError:
        reasons.append(f"bad rating {rating_cell!r} (1 to 5)")
    date_cell = _cell(record, mapping, "date")
    original_date = None
    try:
        original_date = parse_date(date_cell, now=now)
    except ValueError:
        reasons.append(f"bad date {date_cell!r}")
    consent_cell = _cell(record, mapping, "consent")
    evidence, consented_at = "", None
    try:
        evidence, consented_at = parse_consent(consent_cell, now=now)
    except ValueError:
        reasons.append(f"bad consent {consent_cell[:40]!r} (yes, no or the date it was given)")
    topic_cell = _cell(record, mapping, "topic")
    topic = topics.get(topic_cell) if topic_cell else default_topic
    if topic is None:
        reasons.append(f"unknown topic {topic_cell!r}" if topic_cell else "no topic (--topic)")
    external_id = _cell(record, mapping, "external_id")[:200]
    if reasons or topic is None:
        return BadRow(where, reasons)
    key = import_key(
        source=source,
        external_id=external_id,
        name=name,
        when=original_date.isoformat() if original_date else "",
        text=text,
    )
    return ImportRow(
        where=where,
        topic=topic,
        text=text,
        name=name,
        email=email,
        rating=rating,
        original_date=original_date,
        external_id=external_id,
        consent_evidence=evidence[:300],
        consented_at=(consented_at or original_date or now) if evidence else None,
        key=key,
    )


# --- Writing ----------------------------------------------------------------------


def import_commit(
    *,
    report: ImportReport,
    progress: Callable[[Iterable[Any]], Iterable[Any]] = iter,
) -> ImportReport:
    """Write the good rows of a report, each in its own transaction, and
    ask moderation to screen each after it commits. A row that another run
    imported meanwhile counts as already imported. Needs a current consent
    text (`ConsentText`): imported consents are recorded against their
    topic's organisation's (or the installation's default)."""
    organisations = {row.topic.organisation_id for row in report.good} or {None}
    found = {pk: authorization_reads.consent_current(pk) for pk in organisations}
    templates = {pk: template for pk, template in found.items() if template is not None}
    if len(templates) < len(found):
        raise ImportFileError("no current consent text: add one in the admin first")
    for row in progress(report.good):
        template = templates[row.topic.organisation_id]
        try:
            with transaction.atomic():
                testimonial = _create(row, source=report.source, template=template)
                enqueue.on_commit(
                    "moderation.tasks.screen_testimonial", testimonial.pk, label="screening"
                )
        except IntegrityError:
            report.already_imported += 1
            continue
        report.created += 1
    logger.info(
        "import source=%s rows=%d created=%d already_imported=%d bad=%d",
        report.source,
        report.rows,
        report.created,
        report.already_imported,
        len(report.bad),
    )
    return report


def _create(row: ImportRow, *, source: str, template: ConsentText) -> Testimonial:
    now = timezone.now()
    preference = DisplayPreference.FIRST_NAME_INITIAL
    testimonial = Testimonial.objects.create(
        topic=row.topic,
        author_name=row.name,
        display_preference=preference,
        public_name=display_name_for(row.name, preference),
        email=row.email,
        body=row.text,
        rating=row.rating,
        consent_to_publish=bool(row.consent_evidence),
        consent_text=template,
        consented_at=row.consented_at,
        status=Status.SUBMITTED,
        status_changed_at=now,
        source=source,
        external_id=row.external_id,
        original_date=row.original_date,
        consent_evidence=row.consent_evidence,
        import_key=row.key,
    )
    if row.consent_evidence and row.consented_at is not None:
        term = timedelta(days=effective_settings(testimonial.location).authorization_default_days)
        expires_at = max(row.consented_at + term, now + IMPORTED_MINIMUM_NOTICE)
        authorizations.authorization_record_imported(
            testimonial=testimonial,
            consent_text=template,
            consented_at=row.consented_at,
            expires_at=expires_at,
            source=source,
            now=now,
        )
    return testimonial
