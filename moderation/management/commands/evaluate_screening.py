"""Measure screening against labelled data (the schema of
shared/data/README-screening.md): the same pipeline `manage.py screen`
runs, scored per kind. `--check` exits non-zero when a target is missed."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from moderation.screening.batch import BadLine, Screened, read_items, screen_items
from moderation.screening.evaluation import Report, evaluate


def default_path() -> Path:
    return Path(settings.BASE_DIR).parent / "shared" / "data" / "screening-dev.jsonl"


class Command(BaseCommand):
    help = "Screen a labelled JSON Lines file and print precision and recall for each kind."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, nargs="?", default=None)
        parser.add_argument(
            "--check", action="store_true", help="exit with status 1 when a target is missed"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"] or default_path()
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            screened: list[Screened] = list(screen_items(read_items(path)))
        except BadLine as exc:
            raise CommandError(str(exc)) from exc
        report = evaluate(screened)
        self.stdout.write(render(report, path))
        if options["check"] and report.missed:
            raise CommandError("Targets missed: " + "; ".join(report.missed))


def render(report: Report, path: Path) -> str:
    lines = [f"Screening evaluated on {report.items} items of {path}", ""]
    lines.append(f"{'measure':<44} {'n':>5} {'precision':>9} {'recall':>7} {'F1':>6}  target")
    lines.append("-" * 90)
    for row in report.rows:
        lines.append(
            f"{row.name:<44} {row.support:>5} {_pct(row.precision):>9} {_pct(row.recall):>7} "
            f"{_pct(row.f1):>6}  {row.target}"
        )
    lines.append("")
    for name, value, target in report.figures:
        lines.append(f"{name:<58} {value:>12}  {target}")
    lines.append("")
    if report.missed:
        lines.append("MISSED: " + "; ".join(report.missed))
    else:
        lines.append("All targets met.")
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
