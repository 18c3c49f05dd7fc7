"""A day's visits from a CSV file, uploaded by staff in the admin: each row
checked as `POST /api/v1/visits/` checks a visit (`inputs`, then
`intake.visit_check`), the whole file before anything is stored, and
stored by the same intake, so a file sent again changes nothing.

One bad row and nothing is stored: a half-read file would leave the clinic
guessing which patients will be asked. The errors name the line and the
column, never the value (it may be a patient's email or phone)."""

import csv
import io
import logging
from dataclasses import dataclass, field

from django.db import transaction

from testimonials.errors import FieldErrors
from testimonials.visits import inputs, intake

logger = logging.getLogger(__name__)

COLUMNS = (
    "external_id",
    "completed_at",
    "location",
    "clinician",
    "email",
    "phone",
    "language",
    "consent_to_text",
    "patient_name",
)
REQUIRED_COLUMNS = ("external_id", "completed_at", "location")
# A large group's day, checked and stored within one request: 1,000 new
# visits took 18 s on SQLite and 40 s on PostgreSQL on a 2-core machine at
# load 9-12 (5-7 s when all were known). More is split or sent by the API.
MAX_ROWS = 1000
_TRUE, _FALSE = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}
# The API's field names where the file's columns differ.
_FIELD_COLUMNS = {"name": "patient_name"}


class VisitsFileError(Exception):
    """The file as a whole cannot be read as visits (its header, its size)."""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass
class UploadReport:
    rows: int = 0
    new: int = 0
    known: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def stored(self) -> bool:
        return not self.errors


def visits_file_record(*, text: str, sender: intake.VisitSender) -> UploadReport:
    """Check every row of `text` (CSV with a header of `COLUMNS`, in any
    order; `clinician` and the contacts' columns may be left out), then,
    when none is refused, store them all in one transaction. Raises
    `VisitsFileError` for a file that is not a visits file; refused rows
    are the report's `errors`, and then nothing is stored."""
    rows = _rows(text)
    report = UploadReport(rows=len(rows))
    checked: list[intake.CheckedVisit] = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        external_id = (row.get("external_id") or "").strip()
        if external_id and external_id in first_line:
            report.errors.append(
                RowError(line, "external_id", f"The same as line {first_line[external_id]}.")
            )
            continue
        first_line.setdefault(external_id, line)
        try:
            data = inputs.visit_input_parse(_fields(row))
            checked.append(intake.visit_check(sender=sender, data=data))
        except FieldErrors as refused:
            report.errors += [
                RowError(line, _FIELD_COLUMNS.get(name, name), message)
                for name, messages in refused.fields.items()
                for message in messages
            ]
    if report.errors:
        logger.info("visits file refused rows=%d errors=%d", report.rows, len(report.errors))
        return report
    with transaction.atomic():
        outcomes = [intake.visit_store(visit) for visit in checked]
    report.new = sum(outcome.created for outcome in outcomes)
    report.known = len(outcomes) - report.new
    logger.info("visits file stored rows=%d new=%d known=%d", report.rows, report.new, report.known)
    return report


def _rows(text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    if not header:
        raise VisitsFileError("The file is empty.")
    unknown = sorted(set(header) - set(COLUMNS))
    if unknown:
        raise VisitsFileError(f"Unknown column(s): {', '.join(unknown)}.")
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise VisitsFileError(f"Missing column(s): {', '.join(missing)}.")
    if len(set(header)) != len(header):
        raise VisitsFileError("A column is named twice.")
    reader.fieldnames = header
    rows = []
    try:
        for row in reader:
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue  # a blank line
            if None in row:
                raise VisitsFileError(f"Line {reader.line_num} has more cells than the header.")
            rows.append((reader.line_num, row))
            if len(rows) > MAX_ROWS:
                raise VisitsFileError(f"Over {MAX_ROWS} visits: split the file.")
    except csv.Error as exc:
        raise VisitsFileError(f"Line {reader.line_num} is not CSV: {exc}.") from exc
    if not rows:
        raise VisitsFileError("The file has no visits under its header.")
    return rows


def _fields(row: dict[str, str]) -> dict[str, object]:
    """A row as the API's JSON body: the same fields, the same checks."""
    value = {name: (row.get(name) or "").strip() for name in COLUMNS}
    consent = str(value.pop("consent_to_text")).lower()
    fields: dict[str, object] = {
        **{name: text for name, text in value.items() if name != "patient_name"},
        "name": value["patient_name"],
    }
    # Not a boolean: the API refuses it, and so does the row.
    fields["consent_to_text"] = (
        True if consent in _TRUE else False if consent in _FALSE else consent
    )
    return fields
