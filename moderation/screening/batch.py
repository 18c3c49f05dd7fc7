"""Screening a JSON Lines file without a database: what `manage.py screen`
prints and `manage.py evaluate_screening` measures. Earlier lines count as
existing testimonials for duplicate detection, as stored keys do in the
Celery task."""

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from moderation import screening
from moderation.screening.duplicate import DuplicateIndex


class BadLine(ValueError):
    pass


@dataclass(frozen=True)
class Screened:
    item: dict[str, Any]
    result: screening.ScreeningResult
    seconds: float

    def as_output(self) -> dict[str, Any]:
        return {
            "id": str(self.item["id"]),
            "flags": self.result.flags_as_dicts(),
            "risk_score": self.result.risk_score,
            "action": self.result.action,
            "model_version": self.result.model_version,
        }


def read_items(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                item_id, body = str(item["id"]), item["body"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise BadLine(f"{path}:{number}: not an object with id and body ({exc})") from exc
            if not isinstance(body, str):
                raise BadLine(f"{path}:{number}: body must be a string")
            item["id"] = item_id
            yield item


def screen_items(items: Iterator[dict[str, Any]]) -> Iterator[Screened]:
    earlier = DuplicateIndex()
    languages = tuple(settings.SCREENING_DEFAULT_LANGUAGES)
    for item in items:
        started = time.perf_counter()
        context = screening.ScreeningContext(
            topic=item.get("topic"),
            author_name=item.get("author_name"),
            rating=item.get("rating"),
            languages=languages,
            earlier=tuple(earlier.candidates(item["body"])),
        )
        result = screening.run(item["body"], context)
        seconds = time.perf_counter() - started
        earlier.add(screening.EarlierItem(id=item["id"], body=item["body"]))
        yield Screened(item=item, result=result, seconds=seconds)
