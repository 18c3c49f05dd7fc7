"""The shared plumbing of the generated corpus: items kept as pieces, written
as source lines and read back.

Every generated text is a list of pieces, each either plain text or one
personal-data value (`Piece`), so the `[[TYPE:value]]` markup, the body and
its spans agree by construction. `write` turns items into the source lines of
`sources/generated-*.jsonl` (format in README.md); `self_check` re-reads a
written file, parses its markup on its own and with `build.unmark`, and
asserts it says exactly what was built; `report` prints what a file holds.
"""

import json
import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from moderation.screening.corpus.build import ENTITIES, unmark

LANGUAGES = ("en", "es", "pt", "fr", "de", "it")
TOPICS = (
    "neck-pain",
    "sciatica",
    "dry-needling-low-back-pain",
    "sports-injuries",
    "post-surgery-rehab",
    "plantar-fasciitis",
    "headaches",
    "shoulder-pain",
)

Piece = tuple[str, str | None]


@dataclass
class Item:
    """One source line, kept as pieces so markup, body and spans agree."""

    id: str
    language: str
    family: str
    topic: str
    author_name: str
    rating: int | None
    pieces: list[Piece]
    labels: dict[str, Any]
    duplicate_of: str | None = None

    def markup(self) -> str:
        return "".join(text if kind is None else f"[[{kind}:{text}]]" for text, kind in self.pieces)

    def body_and_spans(self) -> tuple[str, list[dict[str, Any]]]:
        spans: list[dict[str, Any]] = []
        length = 0
        for text, kind in self.pieces:
            if kind is not None:
                spans.append({"start": length, "end": length + len(text), "type": kind})
            length += len(text)
        return "".join(text for text, _ in self.pieces), spans

    def source_line(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "language": self.language,
            "family": self.family,
            "topic": self.topic,
            "author_name": self.author_name,
            "rating": self.rating,
            "text": self.markup(),
            "labels": self.labels,
            "duplicate_of": self.duplicate_of,
            "generated": True,
        }


def merged(pieces: list[Piece]) -> list[Piece]:
    """Adjacent plain pieces joined, so duplicates can edit whole sentences."""
    result: list[Piece] = []
    for text, kind in pieces:
        if kind is None and result and result[-1][1] is None:
            result[-1] = (result[-1][0] + text, None)
        elif text:
            result.append((text, kind))
    return result


def write(path: Path, items: list[Item]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = (json.dumps(item.source_line(), ensure_ascii=False) for item in items)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


_MARKUP = re.compile(r"\[\[([A-Z_]+):(.*?)\]\]", re.DOTALL)
_FAMILY = re.compile(r"^(honest|spam|abuse|profanity|claim|hedged|pii|duplicate)/[a-z-]+$")


class GeneratedItemError(AssertionError):
    """A written item that is not what was built, or not a valid source line."""


def check(condition: object, context: object) -> None:
    if not condition:
        raise GeneratedItemError(repr(context))


def self_check(path: Path, built: list[Item], prefix: str) -> None:
    """Re-read a written file and assert it is valid and says exactly what was built."""
    expected = {item.id: item for item in built}
    seen: list[str] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    check(len(lines) == len(built), f"{path.name}: {len(lines)} lines for {len(built)} items")
    for line in lines:
        raw = json.loads(line)
        item_id = raw["id"]
        check(re.fullmatch(rf"{prefix}-\d{{5}}", item_id), item_id)
        check(item_id not in seen, f"duplicate id {item_id}")
        check(raw["generated"] is True, item_id)
        check(raw["language"] in LANGUAGES, item_id)
        check(raw["topic"] in TOPICS, item_id)
        check(_FAMILY.match(raw["family"]), (item_id, raw["family"]))
        check(raw["rating"] is None or raw["rating"] in range(1, 6), item_id)
        check(isinstance(raw["author_name"], str), item_id)
        item_labels = raw["labels"]
        check(
            set(item_labels) == {"profanity", "abuse", "spam", "medical_claim", "sentiment"},
            item_id,
        )
        for name in ("profanity", "abuse", "spam", "medical_claim"):
            check(isinstance(item_labels[name], bool), (item_id, name))
        check(item_labels["sentiment"] in ("positive", "neutral", "negative"), item_id)
        if item_labels["spam"]:
            check(item_labels["sentiment"] == "neutral", item_id)
        original = raw["duplicate_of"]
        check(original is None or original in seen, (item_id, original))
        text = raw["text"]
        # An independent parse of the markup, then the build's own, against what was built.
        body_parts: list[str] = []
        spans: list[dict[str, Any]] = []
        position = length = 0
        for match in _MARKUP.finditer(text):
            kind, value = match.group(1), match.group(2)
            check(kind in ENTITIES, (item_id, kind))
            clean = "[[" not in value and "]]" not in value and not value.endswith("]")
            check(value and value == value.strip() and clean, (item_id, value))
            before = text[position : match.start()]
            body_parts += [before, value]
            spans.append(
                {
                    "start": length + len(before),
                    "end": length + len(before) + len(value),
                    "type": kind,
                }
            )
            length += len(before) + len(value)
            position = match.end()
        rest = text[position:]
        check("[[" not in rest and "]]" not in rest, item_id)
        body = "".join(body_parts) + rest
        check(all("[[" not in part and "]]" not in part for part in body_parts[::2]), item_id)
        built_body, built_spans = expected[item_id].body_and_spans()
        check((body, spans) == (built_body, built_spans), item_id)
        unmarked = unmark(text)
        check((unmarked.body, unmarked.spans) == (built_body, built_spans), item_id)
        check(all(a["end"] <= b["start"] for a, b in pairwise(spans)), item_id)
        family = raw["family"]
        if family == "pii/none":
            check(not spans, item_id)
        elif family.startswith("pii/"):
            check(family[4:].upper().replace("-", "_") in {span["type"] for span in spans}, item_id)
        if family.startswith("spam/"):
            check(item_labels["spam"], item_id)
        elif family != "duplicate/near":
            check(not item_labels["spam"], item_id)
        if family.startswith("claim/"):
            check(item_labels["medical_claim"], item_id)
        if family.startswith("abuse/"):
            check(item_labels["abuse"], item_id)
        if family.startswith("profanity/"):
            check(item_labels["profanity"], item_id)
        if family == "hedged/claim" or family.startswith("honest/"):
            check(not item_labels["medical_claim"] and not item_labels["abuse"], item_id)
        seen.append(item_id)


def report(items: list[Item], name: str) -> None:
    by_language = Counter(item.language for item in items)
    by_family = Counter(item.family for item in items)
    by_type = Counter(kind for item in items for _, kind in item.pieces if kind is not None)
    with_data = sum(1 for item in items if any(kind for _, kind in item.pieces))
    print(f"{name}: {len(items)} items, {with_data} with personal data")
    print("  languages: " + ", ".join(f"{k} {v}" for k, v in sorted(by_language.items())))
    print("  families: " + ", ".join(f"{k} {v}" for k, v in sorted(by_family.items())))
    print("  spans: " + ", ".join(f"{k} {v}" for k, v in sorted(by_type.items())))
    flags = Counter(
        label for item in items for label, value in item.labels.items() if value is True
    )
    sentiments = Counter(item.labels["sentiment"] for item in items)
    print("  labels: " + ", ".join(f"{k} {v}" for k, v in sorted(flags.items())))
    print("  sentiment: " + ", ".join(f"{k} {v}" for k, v in sorted(sentiments.items())))
