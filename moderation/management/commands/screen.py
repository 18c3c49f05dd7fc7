import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moderation import screening


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
        earlier: list[screening.EarlierItem] = []
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    item_id, body = str(item["id"]), item["body"]
                except (json.JSONDecodeError, KeyError, TypeError) as exc:
                    raise CommandError(
                        f"{path}:{number}: not an object with id and body ({exc})"
                    ) from exc
                if not isinstance(body, str):
                    raise CommandError(f"{path}:{number}: body must be a string")
                context = screening.ScreeningContext(
                    topic=item.get("topic"),
                    author_name=item.get("author_name"),
                    rating=item.get("rating"),
                    language=item.get("language"),
                    earlier=tuple(earlier),
                )
                result = screening.run(body, context)
                self.stdout.write(
                    json.dumps(
                        {
                            "id": item_id,
                            "flags": result.flags_as_dicts(),
                            "risk_score": result.risk_score,
                            "action": result.action,
                        },
                        ensure_ascii=False,
                    )
                )
                earlier.append(screening.EarlierItem(id=item_id, body=body))
