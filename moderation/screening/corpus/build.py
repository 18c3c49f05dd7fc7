"""Build the corpus splits from the sources (see README.md beside this file).

    python -m moderation.screening.corpus.build          # write the splits
    python -m moderation.screening.corpus.build --check  # exit 1 if stale

Each source line carries its personal data as `[[TYPE:value]]` markup; the
build removes the markup and records exact spans, in the schema of the
development set (../shared/data/README-screening.md) plus `source`,
`family` and `generated`. An item's split comes from a hash of its group
(the item, or the original it duplicates), so it never moves when other
items are added, and no duplicate pair straddles two splits.
"""

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent
SOURCES = CORPUS / "sources"
SPLITS = ("train", "validation", "test")
# Cumulative shares out of 100: train 60, validation 20, test 20.
SPLIT_BOUNDS = ((60, "train"), (80, "validation"), (100, "test"))
# Sources written after the test split was frozen, to train on only: they
# never enter validation or test, so those stay what they were.
TRAIN_ONLY_PREFIX = "train-only-"

ENTITIES = frozenset(
    {"PERSON", "PHONE", "EMAIL", "ADDRESS", "DATE_OF_BIRTH", "MEDICAL_RECORD_NUMBER", "SSN", "URL"}
)
BOOLEAN_LABELS = ("profanity", "abuse", "spam", "medical_claim")
SENTIMENTS = frozenset({"positive", "neutral", "negative"})
_MARKUP = re.compile(r"\[\[([A-Z_]+):(.*?)\]\]", re.DOTALL)


class SourceError(ValueError):
    """A source line that cannot be built; names the file and the id."""


@dataclass(frozen=True)
class Unmarked:
    body: str
    spans: list[dict[str, Any]]


def unmark(text: str) -> Unmarked:
    """The text without markup, and the span of each marked value in it."""
    parts: list[str] = []
    spans: list[dict[str, Any]] = []
    length = 0
    position = 0
    for match in _MARKUP.finditer(text):
        entity, value = match.group(1), match.group(2)
        if entity not in ENTITIES:
            raise SourceError(f"unknown entity {entity!r}")
        if not value.strip() or "[[" in value:
            raise SourceError(f"empty or nested markup {match.group(0)!r}")
        before = text[position : match.start()]
        parts.append(before)
        length += len(before)
        spans.append({"start": length, "end": length + len(value), "type": entity})
        parts.append(value)
        length += len(value)
        position = match.end()
    rest = text[position:]
    if "[[" in rest or "]]" in rest:
        raise SourceError("unclosed markup")
    parts.append(rest)
    return Unmarked(body="".join(parts), spans=spans)


def source_items(path: Path) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SourceError(f"{path.name}:{number}: not JSON ({exc})") from None
        if "brief" in raw and "id" not in raw:
            continue
        try:
            yield built_item(raw, source=path.stem)
        except (SourceError, KeyError, TypeError) as exc:
            raise SourceError(f"{path.name}:{number} ({raw.get('id')}): {exc}") from None


def built_item(raw: dict[str, Any], *, source: str) -> dict[str, Any]:
    unmarked = unmark(raw["text"])
    labels = raw["labels"]
    for name in BOOLEAN_LABELS:
        if not isinstance(labels[name], bool):
            raise SourceError(f"label {name} is not true/false")
    if labels["sentiment"] not in SENTIMENTS:
        raise SourceError(f"sentiment {labels['sentiment']!r}")
    rating = raw.get("rating")
    if rating is not None and not (isinstance(rating, int) and 1 <= rating <= 5):
        raise SourceError(f"rating {rating!r}")
    return {
        "id": str(raw["id"]),
        "topic": raw.get("topic") or "neck-pain",
        "author_name": raw.get("author_name") or "",
        "rating": rating,
        "body": unmarked.body,
        "language": raw["language"],
        "labels": {
            "pii": unmarked.spans,
            **{name: labels[name] for name in BOOLEAN_LABELS},
            "sentiment": labels["sentiment"],
        },
        "duplicate_of": raw.get("duplicate_of"),
        "expected_action": "auto_reject" if labels["spam"] else "queue",
        "source": source,
        "family": raw.get("family") or "",
        "generated": bool(raw.get("generated", False)),
    }


def split_of(group: str) -> str:
    share = int(hashlib.sha256(f"split:{group}".encode()).hexdigest(), 16) % 100
    return next(name for bound, name in SPLIT_BOUNDS if share < bound)


def all_items() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for path in sorted(SOURCES.glob("*.jsonl")):
        items.extend(source_items(path))
    by_id: dict[str, dict[str, Any]] = {}
    for item in items:
        if item["id"] in by_id:
            raise SourceError(f"id {item['id']} appears twice")
        original = item["duplicate_of"]
        if original is not None and original not in by_id:
            raise SourceError(f"{item['id']}: duplicate_of {original} is not an earlier item")
        by_id[item["id"]] = item
    return items


def group_of(item: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> str:
    while item["duplicate_of"] is not None:
        item = by_id[item["duplicate_of"]]
    return str(item["id"])


def splits(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    by_id = {item["id"]: item for item in items}
    result: dict[str, list[dict[str, Any]]] = {name: [] for name in SPLITS}
    for item in items:
        if str(item["source"]).startswith(TRAIN_ONLY_PREFIX):
            result["train"].append(item)
            continue
        result[split_of(group_of(item, by_id))].append(item)
    return result


def serialized(items: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail if a split file is stale")
    args = parser.parse_args(argv)
    built = splits(all_items())
    stale = []
    for name, items in built.items():
        path = CORPUS / f"{name}.jsonl"
        text = serialized(items)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
            continue
        path.write_text(text, encoding="utf-8")
    for name, items in built.items():
        languages = Counter(item["language"] for item in items)
        print(
            f"{name}: {len(items)} items; "
            + ", ".join(f"{k} {v}" for k, v in sorted(languages.items()))
        )
    if stale:
        print("stale: " + ", ".join(stale) + " (run: python -m moderation.screening.corpus.build)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
