"""`manage.py export_testimonials`: write stories out as CSV or JSON."""

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from testimonials.portability import exports


class Command(BaseCommand):
    help = (
        "Export stories with their moderation history as CSV or JSON, to a file or to "
        "standard output. --status all includes personal data (names, email addresses, "
        "unpublished texts). Every export is recorded (who, when, how many)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv", "json"], default="json")
        parser.add_argument(
            "--status",
            choices=["published", "all"],
            default="published",
            help="published: the stories public now; all: every story (default published).",
        )
        parser.add_argument("--output", help="A file to write; default: standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        label = f"command:{getpass.getuser()}"[:150]
        if options["output"]:
            path = Path(options["output"])
            try:
                with path.open("w", encoding="utf-8", newline="") as out:
                    count = exports.export_write(
                        scope=options["status"],
                        file_format=options["format"],
                        out=out,
                        actor_label=label,
                    )
            except OSError as exc:
                raise CommandError(f"{path}: cannot write it ({exc})") from exc
            self.stderr.write(f"Exported {count} stories to {path}.")
            return
        self.stdout.ending = ""
        count = exports.export_write(
            scope=options["status"],
            file_format=options["format"],
            out=self.stdout,
            actor_label=label,
        )
        self.stderr.write(f"Exported {count} stories.")
