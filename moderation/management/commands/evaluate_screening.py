"""Measure screening against labelled data (the schema of
shared/data/README-screening.md): the same pipeline `manage.py screen`
runs, scored per kind with 95% intervals, per language and per family.

With no file it measures the corpus's frozen `test` split and the
development set (`../shared/data/screening-dev.jsonl`, when it is beside the
repository). `--check` exits non-zero when a target is missed."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from moderation.screening.batch import BadLine, Screened, read_items, screen_items
from moderation.screening.evaluation import BOOLEAN_KINDS, Report, Row, evaluate

CORPUS_TEST = Path(__file__).resolve().parents[2] / "screening" / "corpus" / "test.jsonl"


def default_path() -> Path:
    return Path(settings.BASE_DIR).parent / "shared" / "data" / "screening-dev.jsonl"


def default_paths() -> list[Path]:
    return [path for path in (CORPUS_TEST, default_path()) if path.is_file()]


class Command(BaseCommand):
    help = "Screen labelled JSON Lines files and print precision and recall for each kind."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", type=Path, nargs="*")
        parser.add_argument(
            "--check", action="store_true", help="exit with status 1 when a target is missed"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["files"] or default_paths()
        if not paths:
            raise CommandError(f"No labelled data: neither {CORPUS_TEST} nor {default_path()}")
        missed: list[str] = []
        for path in paths:
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
            try:
                screened: list[Screened] = list(screen_items(read_items(path)))
            except BadLine as exc:
                raise CommandError(str(exc)) from exc
            report = evaluate(screened)
            self.stdout.write(render(report, path))
            self.stdout.write("")
            missed.extend(f"{path.name}: {miss}" for miss in report.missed)
        if options["check"] and missed:
            raise CommandError("Targets missed: " + "; ".join(missed))


def render(report: Report, path: Path) -> str:
    lines = [
        f"Screening evaluated on {report.items} items of {path}",
        f"model version: {', '.join(report.model_versions) or 'none'}",
        "",
        f"{'measure':<44} {'n':>5} {'precision':>9} {'recall':>7} {'F1':>6}  "
        f"{'P 95% interval':<14} {'R 95% interval':<14} target",
        "-" * 120,
    ]
    for row in report.rows:
        lines.append(
            f"{row.name:<44} {row.support:>5} {_pct(row.precision):>9} {_pct(row.recall):>7} "
            f"{_pct(row.f1):>6}  {_interval(row.precision_interval):<14} "
            f"{_interval(row.recall_interval):<14} {row.target}"
        )
    lines.append("")
    for name, value, target in report.figures:
        lines.append(f"{name:<58} {value:>12}  {target}")
    if report.by_language:
        lines += ["", "By language (precision/recall, labelled items; '-' where none):"]
        kinds = ("pii", *BOOLEAN_KINDS)
        lines.append(f"{'language':<10} {'items':>5}  " + "".join(f"{k:<20}" for k in kinds))
        for language, rows in report.by_language.items():
            items = _items_in(report, language)
            lines.append(
                f"{language:<10} {items:>5}  " + "".join(f"{_pair(rows[k]):<20}" for k in kinds)
            )
    if report.by_family:
        lines += ["", "By family (share of the family's items caught, or left clean):"]
        for row in report.by_family:
            lines.append(
                f"  {row.name:<50} {row.true_positives:>4}/{row.support:<4} {_pct(row.recall):>6}"
                f"  {_interval(row.recall_interval)}"
            )
    lines.append("")
    if report.missed:
        lines.append("MISSED: " + "; ".join(report.missed))
    else:
        lines.append("All targets met.")
    return "\n".join(lines)


def _items_in(report: Report, language: str) -> int:
    return report.language_items.get(language, 0)


def _pair(row: Row) -> str:
    if not row.support and not row.predicted:
        return "-"
    return f"{_pct(row.precision)}/{_pct(row.recall)} ({row.support})"


def _interval(interval: tuple[float, float] | None) -> str:
    return "-" if interval is None else f"{interval[0]:.3f}-{interval[1]:.3f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
