"""Small labelled corpora for learned-layer tests, written by the tests.

Positives use invented words ("zorbex", "snorfwit", ...) that no rule
knows, so whatever flags them is the model; the rest reads like patients'
stories. `spoiled=True` gives every item random labels: a model trained on
it is worse than one trained on the real labels.
"""

import json
import random
from pathlib import Path

KINDS = ("spam", "abuse", "profanity", "medical_claim")

_PARTS = ["back", "neck", "shoulder", "knee", "heel", "hip"]
_STORIES = [
    "My {part} felt easier after {n} sessions and the exercises made sense.",
    "The physio explained what was going on with my {part} and gave me a plan.",
    "Parking was awkward but the care for my {part} was thorough and kind.",
    "After {n} visits I can sleep on my {part} side again, slowly getting there.",
    "Honestly the first weeks were rough and my {part} still aches some days.",
    "Waited too long at reception, though the therapist listened about my {part}.",
]
_POSITIVES = {
    "spam": [
        "Zorbex capsules ship in {n} days, ask for the zorbex crate price list.",
        "Wholesale zorbex tonic and quvilo drops, catalogue on request, {n} flavours.",
        "Get the quvilo bundle from the zorbex outlet, distributors wanted in {n} towns.",
    ],
    "abuse": [
        "The therapist is a snorfwit and a grumblekin, {n} times over.",
        "That snorfwit at the desk is a useless grumblekin with a {part} for a brain.",
        "Every grumblekin there is a snorfwit, I counted {n} of them.",
    ],
    "profanity": [
        "Blort, my {part} hurt like blorting blort after session {n}.",
        "What a blorting mess, {n} sessions and blort all changed.",
        "Blort this, the blorting {part} exercises are hard.",
    ],
    "medical_claim": [
        "The needles zarquonned my {part} pain completely, {n} sessions and never a twinge.",
        "This zarquon method zarquonned every patient I know, {n} of them.",
        "Their zarquon treatment zarquonned my {part} for good after {n} visits.",
    ],
}


def items(count: int, seed: int, *, spoiled: bool = False) -> list[dict[str, object]]:
    """`count` negatives and count // 3 positives of each kind."""
    rng = random.Random(seed)
    rows: list[tuple[str, str | None]] = []
    for _ in range(count):
        body = rng.choice(_STORIES).format(part=rng.choice(_PARTS), n=rng.randint(2, 12))
        rows.append((body, None))
    for positive, templates in _POSITIVES.items():
        for _ in range(count // 3):
            body = rng.choice(templates).format(part=rng.choice(_PARTS), n=rng.randint(2, 12))
            rows.append((body, positive))
    result: list[dict[str, object]] = []
    for number, (body, kind) in enumerate(rows):
        labels: dict[str, object] = {k: k == kind for k in KINDS}
        if spoiled:
            labels = {k: rng.random() < 0.3 for k in KINDS}
        labels |= {"pii": [], "sentiment": "neutral"}
        result.append({"id": f"s{seed}-{number}", "body": body, "labels": labels})
    return result


def write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def write_corpus(directory: Path, *, spoiled: bool = False) -> Path:
    """train, validation and test splits; only train is spoiled when asked."""
    write(directory / "train.jsonl", items(36, seed=1, spoiled=spoiled))
    write(directory / "validation.jsonl", items(24, seed=2))
    write(directory / "test.jsonl", items(24, seed=3))
    return directory
