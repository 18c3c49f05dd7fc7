"""Writes about places: importing an organisation's locations and clinicians
from a CSV file (`manage.py import_places` and the upload on the admin's
Location list both call `places_import`).

One row a location or a clinician; the columns (headers in any case and
order, unknown ones ignored):

- `kind`: `location` or `clinician` (required);
- `slug`: its identity, unique in the installation (required): importing the
  same file again changes nothing, and a row whose slug exists updates it;
- `name`: as shown publicly (required);
- `organisation`: the organisation's slug; empty: the one the caller names
  (`--organisation`), or the only organisation there is;
- `locations`: a clinician's locations, slugs separated by `;` (required for
  a new clinician; empty for an existing one keeps theirs); each must be a
  location of the same organisation, already there or made by a row of the
  same file;
- `publishes` (locations) and `active` (clinicians): `yes` or `no`; empty
  keeps what is stored (`yes` for a new one).

Every row is judged first and reported by line: to create, to update (with
the fields that change), unchanged, or refused with its reasons. Nothing is
written unless `commit` is set; then the good rows are written in one
transaction and the refused ones are left out. A slug that belongs to another
organisation is refused: a place never moves between organisations.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction

from testimonials.models import Clinician, Location, Organisation

KINDS = ("location", "clinician")
COLUMNS = ("kind", "slug", "name", "organisation", "locations", "publishes", "active")
REQUIRED_COLUMNS = ("kind", "slug", "name")
SLUG_MAX = 60
NAME_MAX = 120
LOCATION_SEPARATOR = ";"
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})

CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"


class PlacesFileError(ValueError):
    """The file as a whole cannot be read (no header, a required column missing)."""


@dataclass
class PlaceRow:
    """One row of the file, judged."""

    line: int
    kind: str
    slug: str
    name: str = ""
    organisation: Organisation | None = None
    publishes: bool | None = None
    active: bool | None = None
    location_slugs: list[str] = field(default_factory=list)
    action: str = CREATE
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """The report's line for this row, e.g. "line 3: location north: update (name)"."""
        kind = self.kind if self.kind in KINDS else "row"
        what = f"line {self.line}: {kind} {self.slug or '(no slug)'}"
        if self.errors:
            return f"{what}: refused: {'; '.join(self.errors)}"
        if self.action == UPDATE:
            return f"{what}: {self.action} ({', '.join(self.changes)})"
        return f"{what}: {self.action}"


@dataclass
class PlacesReport:
    rows: list[PlaceRow]
    ignored_columns: list[str]
    committed: bool = False

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)

    @property
    def refused(self) -> list[PlaceRow]:
        return [row for row in self.rows if row.errors]


def places_import(
    *,
    text: str,
    organisations: Iterable[Organisation],
    default_organisation: Organisation | None = None,
    commit: bool = False,
) -> PlacesReport:
    """Judge every row of the CSV `text` and, with `commit`, write the good
    ones. `organisations` are those the caller may import into (an
    organisation admin: theirs); a row naming another is refused as unknown.
    Raises `PlacesFileError` when the file cannot be read at all."""
    allowed = {organisation.slug: organisation for organisation in organisations}
    if default_organisation is None and len(allowed) == 1:
        default_organisation = next(iter(allowed.values()))
    with transaction.atomic():
        report = _judge(text, allowed=allowed, default=default_organisation)
        if commit:
            _write(report)
            report.committed = True
    return report


def _read(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        raise PlacesFileError("The file is empty: the first line names the columns.")
    names = [cell.strip().lower() for cell in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise PlacesFileError(
            f"Missing column(s): {', '.join(missing)}. The columns: {', '.join(COLUMNS)}."
        )
    ignored = [cell for cell in header if cell.strip().lower() not in COLUMNS]
    rows: list[tuple[int, dict[str, str]]] = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        values = {
            name: cell.strip() for name, cell in zip(names, cells, strict=False) if name in COLUMNS
        }
        rows.append((reader.line_num, values))
    return rows, ignored


def _judge(
    text: str, *, allowed: dict[str, Organisation], default: Organisation | None
) -> PlacesReport:
    raw_rows, ignored = _read(text)
    rows = [_row(line, values, allowed=allowed, default=default) for line, values in raw_rows]
    first_line: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row.kind, row.slug)
        if row.slug and key in first_line:
            row.errors.append(f"the same {row.kind} as line {first_line[key]}")
        first_line.setdefault(key, row.line)
    locations = [row for row in rows if row.kind == "location"]
    clinicians = [row for row in rows if row.kind == "clinician"]
    _judge_locations(locations)
    # A clinician may work at a location a good row of this file makes.
    made_here = {
        (row.organisation.pk, row.slug)
        for row in locations
        if not row.errors and row.organisation is not None
    }
    _judge_clinicians(clinicians, made_here=made_here)
    for row in rows:
        if row.errors:
            row.action = REFUSED
    return PlacesReport(rows=rows, ignored_columns=ignored)


def _row(
    line: int,
    values: dict[str, str],
    *,
    allowed: dict[str, Organisation],
    default: Organisation | None,
) -> PlaceRow:
    kind = values.get("kind", "").lower()
    row = PlaceRow(line=line, kind=kind, slug=values.get("slug", ""), name=values.get("name", ""))
    if kind not in KINDS:
        row.errors.append(f"kind must be {' or '.join(KINDS)}, not {kind or 'empty'!r}")
    if not row.slug:
        row.errors.append("no slug")
    else:
        try:
            validate_slug(row.slug)
        except ValidationError:
            row.errors.append("the slug may hold only letters, digits, '-' and '_'")
        if len(row.slug) > SLUG_MAX:
            row.errors.append(f"the slug is longer than {SLUG_MAX} characters")
    if not row.name:
        row.errors.append("no name")
    elif len(row.name) > NAME_MAX:
        row.errors.append(f"the name is longer than {NAME_MAX} characters")
    named = values.get("organisation", "")
    if named:
        row.organisation = allowed.get(named)
        if row.organisation is None:
            row.errors.append(f"no organisation {named!r} (create it in the admin first)")
    elif default is not None:
        row.organisation = default
    else:
        row.errors.append("which organisation? Fill the organisation column or name one")
    row.publishes = _yes_no(values.get("publishes", ""), "publishes", row.errors)
    row.active = _yes_no(values.get("active", ""), "active", row.errors)
    row.location_slugs = [
        slug.strip()
        for slug in values.get("locations", "").split(LOCATION_SEPARATOR)
        if slug.strip()
    ]
    return row


def _yes_no(value: str, column: str, errors: list[str]) -> bool | None:
    folded = value.lower()
    if not folded:
        return None
    if folded in YES:
        return True
    if folded in NO:
        return False
    errors.append(f"{column} must be yes or no, not {value!r}")
    return None


def _judge_locations(rows: list[PlaceRow]) -> None:
    stored = Location.objects.in_bulk([row.slug for row in rows], field_name="slug")
    for row in rows:
        existing = stored.get(row.slug)
        if existing is None:
            row.action = CREATE
            continue
        if row.organisation is not None and existing.organisation_id != row.organisation.pk:
            row.errors.append("this slug is taken by a location of another organisation")
            continue
        row.action = UPDATE
        if row.name != existing.name:
            row.changes.append("name")
        if row.publishes is not None and row.publishes != existing.publishes:
            row.changes.append("publishes")
        if not row.changes:
            row.action = UNCHANGED


def _judge_clinicians(rows: list[PlaceRow], *, made_here: set[tuple[int, str]]) -> None:
    stored = Clinician.objects.prefetch_related("locations").in_bulk(
        [row.slug for row in rows], field_name="slug"
    )
    named = {slug for row in rows for slug in row.location_slugs}
    known = set(
        Location.objects.filter(slug__in=named).values_list("organisation_id", "slug")
    ) | set(made_here)
    for row in rows:
        existing = stored.get(row.slug)
        if row.organisation is not None:
            organisation_id = row.organisation.pk
            unknown = [slug for slug in row.location_slugs if (organisation_id, slug) not in known]
            if unknown:
                row.errors.append(
                    f"no location {', '.join(repr(slug) for slug in unknown)} in this organisation"
                )
        if existing is None:
            row.action = CREATE
            if not row.location_slugs:
                row.errors.append(
                    f"name the clinician's locations (slugs separated by '{LOCATION_SEPARATOR}')"
                )
            continue
        if row.organisation is not None and existing.organisation_id != row.organisation.pk:
            row.errors.append("this slug is taken by a clinician of another organisation")
            continue
        row.action = UPDATE
        if row.name != existing.name:
            row.changes.append("name")
        if row.active is not None and row.active != existing.is_active:
            row.changes.append("active")
        current = {location.slug for location in existing.locations.all()}
        if row.location_slugs and set(row.location_slugs) != current:
            row.changes.append("locations")
        if not row.changes:
            row.action = UNCHANGED


def _write(report: PlacesReport) -> None:
    # Locations first: a clinician's row may name one made further down the file.
    for kind in KINDS:
        for row in report.rows:
            organisation = row.organisation
            if row.kind != kind or row.errors or row.action == UNCHANGED or organisation is None:
                continue
            if kind == "location":
                _write_location(row, organisation)
            else:
                _write_clinician(row, organisation)


def _write_location(row: PlaceRow, organisation: Organisation) -> None:
    location, created = Location.objects.get_or_create(
        slug=row.slug,
        defaults={
            "organisation": organisation,
            "name": row.name,
            "publishes": True if row.publishes is None else row.publishes,
        },
    )
    if not created:
        location.name = row.name
        if row.publishes is not None:
            location.publishes = row.publishes
        location.save(update_fields=["name", "publishes"])


def _write_clinician(row: PlaceRow, organisation: Organisation) -> None:
    clinician, created = Clinician.objects.get_or_create(
        slug=row.slug,
        defaults={
            "organisation": organisation,
            "name": row.name,
            "is_active": True if row.active is None else row.active,
        },
    )
    if not created:
        clinician.name = row.name
        if row.active is not None:
            clinician.is_active = row.active
        clinician.save(update_fields=["name", "is_active"])
    if row.location_slugs:
        clinician.locations.set(
            Location.objects.filter(organisation=organisation, slug__in=row.location_slugs)
        )
