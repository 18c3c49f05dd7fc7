"""`manage.py import_places`: an organisation's locations and clinicians from CSV."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from testimonials.models import Organisation
from testimonials.places import services as places


class Command(BaseCommand):
    help = (
        "Import locations and clinicians from a CSV file with the columns "
        f"{', '.join(places.COLUMNS)} (see docs/operating.md, 'Locations and clinicians "
        "from CSV'). A dry run by default: reports each line (create, update, unchanged or "
        "refused, with why) and writes nothing; --commit writes the good lines. A slug that "
        "exists is updated, so importing the same file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV file (UTF-8).")
        parser.add_argument(
            "--organisation",
            metavar="SLUG",
            help="The organisation of rows whose organisation column is empty (default: the "
            "only organisation, when there is one).",
        )
        parser.add_argument("--commit", action="store_true", help="Write; without it, a dry run.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot read it ({exc})") from exc
        default = None
        if options["organisation"]:
            default = Organisation.objects.filter(slug=options["organisation"]).first()
            if default is None:
                raise CommandError(
                    f"--organisation {options['organisation']}: no such organisation"
                )
        try:
            report = places.places_import(
                text=text,
                organisations=Organisation.objects.all(),
                default_organisation=default,
                commit=options["commit"],
            )
        except places.PlacesFileError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        out = self.stdout.write
        if not report.committed:
            out("Dry run: nothing was written. Run again with --commit to import.")
        if report.ignored_columns:
            out(f"Columns ignored: {', '.join(report.ignored_columns)}")
        for row in report.rows:
            out(row.describe())
        verb = "created" if report.committed else "to create"
        changed = "updated" if report.committed else "to update"
        out(
            f"{verb}: {report.count(places.CREATE)}, {changed}: {report.count(places.UPDATE)}, "
            f"unchanged: {report.count(places.UNCHANGED)}, refused: {len(report.refused)}"
        )
        if report.refused:
            raise CommandError(f"{len(report.refused)} line(s) refused: see above.")
