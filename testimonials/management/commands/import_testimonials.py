"""`manage.py import_testimonials`: bring in another tool's stories."""

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from testimonials.portability import imports

T = TypeVar("T")


class Command(BaseCommand):
    help = (
        "Import the testimonials of another tool from a CSV or JSON export (or our own JSON "
        "export). A dry run by default: reports what would be imported and every bad row by "
        "line and reason, and writes nothing; --commit imports. Importing a file again adds "
        "nothing. See docs/operating.md, 'Import and export', for the columns read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV or JSON file.")
        parser.add_argument(
            "--format", choices=["csv", "json"], help="Default: from the file's extension."
        )
        parser.add_argument("--topic", help="The topic (slug) of rows without a topic column.")
        parser.add_argument(
            "--source",
            default="import",
            help='The tool it came from, stored with each story (default "import"; our own '
            'export: "export"). Part of each row\'s identity: use the same one again.',
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help=f"Read FIELD from COLUMN; the fields: {', '.join(imports.FIELDS)}.",
        )
        parser.add_argument("--commit", action="store_true", help="Write; without it, a dry run.")
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress bar (none off a terminal)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        file_format = options["format"] or path.suffix.lstrip(".").lower()
        if file_format not in ("csv", "json"):
            raise CommandError(f"{path}: give --format csv or --format json")
        source = options["source"].strip()
        if not source or len(source) > 60:
            raise CommandError("--source: a name of 1 to 60 characters")
        overrides: dict[str, str] = {}
        for pair in options["map"]:
            column, _, name = pair.partition("=")
            if not column.strip() or not name.strip():
                raise CommandError(f"--map {pair}: write COLUMN=FIELD")
            overrides[column.strip()] = name.strip()
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot read it ({exc})") from exc

        show = not options["no_progress"] and sys.stderr.isatty()

        def progress(description: str) -> Any:
            def wrap(items: Iterable[T]) -> Iterable[T]:
                return tqdm(items, desc=description, unit="row", file=sys.stderr, disable=not show)

            return wrap

        try:
            report = imports.import_read(
                text=text,
                file_format=file_format,
                source=source,
                topic_slug=options["topic"],
                mapping_overrides=overrides,
                progress=progress("Reading"),
            )
            if options["commit"]:
                imports.import_commit(report=report, progress=progress("Importing"))
        except imports.ImportFileError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self._print(report, path=path, file_format=file_format, committed=options["commit"])

    def _print(
        self, report: imports.ImportReport, *, path: Path, file_format: str, committed: bool
    ) -> None:
        out = self.stdout.write
        if not committed:
            out("Dry run: nothing was written. Run again with --commit to import.")
        out(f"File: {path} ({file_format}), source: {report.source}")
        columns = ", ".join(f'{name} <- "{header}"' for name, header in report.columns.items())
        out(f"Columns read: {columns}")
        out(f"Rows: {report.rows}")
        verb = "imported" if committed else "to import"
        count = report.created if committed else len(report.good)
        out(f"  {verb}: {count}")
        if report.without_consent:
            out(
                f"    without consent evidence: {report.without_consent} (shown nowhere until "
                "the patient authorizes it; the patient is asked by email once a moderator "
                "approves it)"
            )
        if report.never_publishable:
            out(
                f"    without consent and without an email address: {report.never_publishable} "
                "(no one can ask the patient: these can never be published)"
            )
        out(f"  already imported: {report.already_imported}")
        out(f"  bad: {len(report.bad)}")
        if report.bad:
            out("Bad rows (not imported):")
            for bad in report.bad:
                out(f"  {bad.where}: {'; '.join(bad.reasons)}")
