"""`manage.py screen FILE.jsonl`: the screening pipeline on a file, without a database."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moderation.screening.batch import BadLine, read_items, screen_items


class Command(BaseCommand):
    help = (
        "Run the screening pipeline over a JSON Lines file (id, body, optional topic, "
        "author_name, rating, language) without touching the database; prints one JSON "
        "object per line. Earlier lines count as existing testimonials."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            for screened in screen_items(read_items(path)):
                self.stdout.write(json.dumps(screened.as_output(), ensure_ascii=False))
        except BadLine as exc:
            raise CommandError(str(exc)) from exc
