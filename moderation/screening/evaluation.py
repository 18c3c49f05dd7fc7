"""Scores for screening against labelled items (see
shared/data/README-screening.md for the labels and suggested metrics)."""

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from moderation.screening.batch import Screened

BOOLEAN_KINDS = ("profanity", "abuse", "spam", "medical_claim")


@dataclass(frozen=True)
class Row:
    name: str
    support: int  # labelled positives
    true_positives: int
    predicted: int
    target: str = ""
    # (minimum recall, minimum precision); None means not a target
    minimum: tuple[float | None, float | None] = (None, None)
    # For spans: predicted spans that match a label, when that differs from
    # the labelled spans found (one prediction may cover two labels).
    right: int | None = None

    @property
    def precision(self) -> float | None:
        right = self.true_positives if self.right is None else self.right
        return right / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.support if self.support else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if not p or not r:
            return None if p is None or r is None else 0.0
        return 2 * p * r / (p + r)

    def misses(self) -> list[str]:
        """Targets this row misses; a ratio with nothing to count misses none."""
        missed = []
        min_recall, min_precision = self.minimum
        if min_recall is not None and self.recall is not None and self.recall < min_recall:
            missed.append(f"{self.name} recall {self.recall:.3f} < {min_recall}")
        precision = self.precision
        if min_precision is not None and precision is not None and precision < min_precision:
            missed.append(f"{self.name} precision {precision:.3f} < {min_precision}")
        return missed


@dataclass
class Report:
    items: int
    rows: list[Row] = field(default_factory=list)
    figures: list[tuple[str, str, str]] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)


def _pii_spans(item: dict[str, Any]) -> list[tuple[int, int, str]]:
    return [(s["start"], s["end"], s["type"]) for s in item.get("labels", {}).get("pii", [])]


def _predicted_pii(screened: Screened) -> list[tuple[int, int, str]]:
    return [
        (f.start, f.end, f.entity or "")
        for f in screened.result.flags
        if f.kind == "pii" and f.start is not None and f.end is not None
    ]


def _overlap(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    return a[2] == b[2] and a[0] < b[1] and b[0] < a[1]


def _pii_rows(screened: Sequence[Screened]) -> list[Row]:
    def count(
        match: Callable[[tuple[int, int, str], tuple[int, int, str]], bool], entity: str | None
    ) -> tuple[int, int, int, int]:
        gold_total = gold_found = predicted_total = predicted_right = 0
        for one in screened:
            gold = [s for s in _pii_spans(one.item) if entity in (None, s[2])]
            predicted = [s for s in _predicted_pii(one) if entity in (None, s[2])]
            gold_total += len(gold)
            predicted_total += len(predicted)
            gold_found += sum(any(match(g, p) for p in predicted) for g in gold)
            predicted_right += sum(any(match(g, p) for g in gold) for p in predicted)
        return gold_total, gold_found, predicted_total, predicted_right

    rows = []
    gold, found, predicted, right = count(_overlap, None)
    rows.append(
        Row("pii spans (overlap, same type)", gold, found, predicted, "R>=0.95 P>=0.85",
            (0.95, 0.85), right)
    )  # fmt: skip
    gold, found, predicted, right = count(lambda g, p: g == p, None)
    rows.append(Row("pii spans (exact start, end, type)", gold, found, predicted, right=right))
    entities = sorted({s[2] for one in screened for s in _pii_spans(one.item)})
    for entity in entities:
        gold, found, predicted, right = count(_overlap, entity)
        rows.append(Row(f"  {entity} (overlap)", gold, found, predicted, right=right))
    has_gold = [bool(_pii_spans(one.item)) for one in screened]
    has_predicted = [bool(_predicted_pii(one)) for one in screened]
    rows.append(_boolean_row("items with pii", has_gold, has_predicted))
    return rows


def _boolean_row(
    name: str,
    gold: Sequence[bool],
    predicted: Sequence[bool],
    target: str = "",
    minimum: tuple[float | None, float | None] = (None, None),
) -> Row:
    return Row(
        name=name,
        support=sum(gold),
        true_positives=sum(g and p for g, p in zip(gold, predicted, strict=True)),
        predicted=sum(predicted),
        target=target,
        minimum=minimum,
    )


def evaluate(screened: Sequence[Screened]) -> Report:
    report = Report(items=len(screened))
    report.rows.extend(_pii_rows(screened))
    for kind in BOOLEAN_KINDS:
        gold = [bool(one.item.get("labels", {}).get(kind)) for one in screened]
        predicted = [any(f.kind == kind for f in one.result.flags) for one in screened]
        minimum: tuple[float | None, float | None] = (None, None) if kind == "abuse" else (0.9, 0.9)
        target = "" if kind == "abuse" else "R>=0.9 P>=0.9"
        report.rows.append(_boolean_row(kind, gold, predicted, target, minimum))

    gold_pairs = {
        (one.item["id"], one.item["duplicate_of"])
        for one in screened
        if one.item.get("duplicate_of")
    }
    predicted_pairs = {
        (one.item["id"], f.duplicate_of)
        for one in screened
        for f in one.result.flags
        if f.kind == "duplicate"
    }
    report.rows.append(
        Row(
            name="duplicate pairs",
            support=len(gold_pairs),
            true_positives=len(gold_pairs & predicted_pairs),
            predicted=len(predicted_pairs),
            target="R>=0.95",
            minimum=(0.95, None),
        )
    )
    with_language = [one for one in screened if one.item.get("language")]
    if with_language:
        from moderation.screening.language import detect

        detected = [detect(one.item["body"]) for one in with_language]
        judged = [
            (found[0], one.item["language"])
            for found, one in zip(detected, with_language, strict=True)
            if found is not None
        ]
        correct = sum(code == label for code, label in judged)
        report.figures.append(
            ("language detected correctly (items of 4+ words)", _share(correct, len(judged)), "")
        )
    for row in report.rows:
        report.missed.extend(row.misses())

    spam = [bool(one.item.get("labels", {}).get("spam")) for one in screened]
    rejected = [one.result.action == "auto_reject" for one in screened]
    report.rows.append(_boolean_row("auto_reject (against spam labels)", spam, rejected))
    wrongly_rejected = sum(r and not s for r, s in zip(rejected, spam, strict=True))
    report.figures.append(("non-spam items auto-rejected", str(wrongly_rejected), "target 0"))
    if wrongly_rejected:
        report.missed.append(f"{wrongly_rejected} non-spam items auto-rejected")
    negative = [
        one
        for one in screened
        if one.item.get("labels", {}).get("sentiment") == "negative"
        and not one.item.get("labels", {}).get("spam")
    ]
    negative_rejected = sum(one.result.action == "auto_reject" for one in negative)
    report.figures.append(
        (
            f"negative-but-honest items auto-rejected (of {len(negative)})",
            _share(negative_rejected, len(negative)),
            "must be 0",
        )
    )
    if negative_rejected:
        report.missed.append(f"{negative_rejected} negative items auto-rejected")
    expected = [one.item.get("expected_action") for one in screened]
    agree = sum(e == one.result.action for e, one in zip(expected, screened, strict=True))
    report.figures.append(("action equals expected_action", _share(agree, len(screened)), ""))

    versions = sorted({one.result.model_version for one in screened if one.result.model_version})
    report.figures.append(("learned model version", ", ".join(versions) or "none", ""))

    times = sorted(one.seconds * 1000 for one in screened)
    median = statistics.median(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    report.figures.append(("screening time per item, median (ms)", f"{median:.2f}", "<= 5 ms"))
    report.figures.append(("screening time per item, p95 (ms)", f"{p95:.2f}", ""))
    if median > 5:
        report.missed.append(f"median screening time {median:.2f} ms > 5 ms")
    return report


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.3f}" if whole else "0/0"
