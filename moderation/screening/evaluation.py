"""Scores for screening against labelled items (see
shared/data/README-screening.md for the labels and suggested metrics).

Every ratio comes with its 95% Wilson interval: on a few dozen items a
recall of 0.90 may be anything from 0.75 to 0.96, and a reader should see
that. Items of the corpus (`moderation/screening/corpus/`) carry `source`,
`family` and `language`, and the report breaks the figures down by each.
"""

import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from moderation.screening.batch import Screened
from moderation.screening.language_detection import detect

BOOLEAN_KINDS = ("profanity", "abuse", "spam", "medical_claim")
# (minimum recall, minimum precision) per kind, the targets.
TARGETS: dict[str, tuple[float, float]] = {
    "profanity": (0.9, 0.9),
    "spam": (0.9, 0.9),
    "medical_claim": (0.9, 0.9),
    "abuse": (0.8, 0.8),
}
PII_TARGET = (0.95, 0.85)
# Text in the style of a third-party PII test-data generator: the corpus's
# generated personal-data items.
THIRD_PARTY_PII_TARGET = (0.90, 0.80)
THIRD_PARTY_PII_SOURCE = "generated-pii"
DUPLICATE_TARGET = (0.95, 0.9)
# The family prefix of each boolean kind in the corpus (`spam/crypto`, ...).
FAMILY_KIND = {"spam": "spam", "abuse": "abuse", "profanity": "profanity", "claim": "medical_claim"}
Z95 = 1.959964


def wilson(successes: int, total: int) -> tuple[float, float] | None:
    """The 95% Wilson score interval of successes/total."""
    if total == 0:
        return None
    share = successes / total
    denominator = 1 + Z95**2 / total
    centre = (share + Z95**2 / (2 * total)) / denominator
    half = Z95 * math.sqrt(share * (1 - share) / total + Z95**2 / (4 * total**2)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


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
    def precision_interval(self) -> tuple[float, float] | None:
        right = self.true_positives if self.right is None else self.right
        return wilson(right, self.predicted)

    @property
    def recall_interval(self) -> tuple[float, float] | None:
        return wilson(self.true_positives, self.support)

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
    # The model versions that screened the items (one, unless it changed).
    model_versions: list[str] = field(default_factory=list)
    # language -> kind -> row; family -> row of the family's own kind
    by_language: dict[str, dict[str, Row]] = field(default_factory=dict)
    by_family: list[Row] = field(default_factory=list)
    language_items: dict[str, int] = field(default_factory=dict)


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
    rows = _pii_span_rows(screened)
    third_party = [one for one in screened if _is_third_party_pii(one.item)]
    if third_party:
        gold, found, predicted, right = _count_spans(third_party, _overlap, None)
        rows.append(
            Row("third-party-style pii spans (overlap)", gold, found, predicted,
                "R>=0.90 P>=0.80", THIRD_PARTY_PII_TARGET, right)
        )  # fmt: skip
    return rows


def _is_third_party_pii(item: dict[str, Any]) -> bool:
    return str(item.get("source", "")).startswith(THIRD_PARTY_PII_SOURCE)


def _count_spans(
    screened: Sequence[Screened],
    match: Callable[[tuple[int, int, str], tuple[int, int, str]], bool],
    entity: str | None,
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


def _pii_span_rows(screened: Sequence[Screened]) -> list[Row]:
    def count(
        match: Callable[[tuple[int, int, str], tuple[int, int, str]], bool], entity: str | None
    ) -> tuple[int, int, int, int]:
        return _count_spans(screened, match, entity)

    rows = []
    gold, found, predicted, right = count(_overlap, None)
    rows.append(
        Row("pii spans (overlap, same type)", gold, found, predicted, "R>=0.95 P>=0.85",
            PII_TARGET, right)
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
        report.rows.append(_kind_row(kind, screened, with_target=True))
    report.model_versions = sorted(
        {str(getattr(one.result, "model_version", "") or "none") for one in screened}
    )
    report.by_language = _by_language(screened)
    for one in screened:
        language = str(one.item.get("language") or "?")
        report.language_items[language] = report.language_items.get(language, 0) + 1
    report.by_family = _by_family(screened)

    # Items generated from one template are near-copies of each other by
    # construction, and the generator does not label them so: duplicate
    # pairs are scored on written items only.
    written = {one.item["id"] for one in screened if not one.item.get("generated")}
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
    if len(written) < len(screened):
        gold_pairs = {pair for pair in gold_pairs if set(pair) <= written}
        predicted_pairs = {pair for pair in predicted_pairs if set(pair) <= written}
    report.rows.append(
        Row(
            name="duplicate pairs" + (" (written items)" if len(written) < len(screened) else ""),
            support=len(gold_pairs),
            true_positives=len(gold_pairs & predicted_pairs),
            predicted=len(predicted_pairs),
            target="R>=0.95 P>=0.9",
            minimum=DUPLICATE_TARGET,
        )
    )
    with_language = [one for one in screened if one.item.get("language")]
    if with_language:
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


def _labelled(item: dict[str, Any], kind: str) -> bool:
    return bool(item.get("labels", {}).get(kind))


def _flagged(one: Screened, kind: str) -> bool:
    return any(flag.kind == kind for flag in one.result.flags)


def _kind_row(kind: str, screened: Sequence[Screened], *, with_target: bool = False) -> Row:
    gold = [_labelled(one.item, kind) for one in screened]
    predicted = [_flagged(one, kind) for one in screened]
    if not with_target:
        return _boolean_row(kind, gold, predicted)
    recall, precision = TARGETS[kind]
    return _boolean_row(kind, gold, predicted, f"R>={recall} P>={precision}", (recall, precision))


def _by_language(screened: Sequence[Screened]) -> dict[str, dict[str, Row]]:
    groups: dict[str, list[Screened]] = defaultdict(list)
    for one in screened:
        groups[str(one.item.get("language") or "?")].append(one)
    table: dict[str, dict[str, Row]] = {}
    for language, items in sorted(groups.items(), key=lambda pair: -len(pair[1])):
        gold, found, predicted, right = _count_spans(items, _overlap, None)
        row = {"pii": Row("pii", gold, found, predicted, right=right)}
        row.update({kind: _kind_row(kind, items) for kind in BOOLEAN_KINDS})
        table[language] = row
    return table


def _by_family(screened: Sequence[Screened]) -> list[Row]:
    """For a family of one kind (`spam/crypto`), how many of its items were
    flagged for that kind; for honest stories and hedged claims, how many
    were flagged for any kind they are not labelled with (true_positives
    counts the clean ones)."""
    groups: dict[str, list[Screened]] = defaultdict(list)
    for one in screened:
        if one.item.get("family"):
            groups[str(one.item["family"])].append(one)
    rows = []
    for family, items in sorted(groups.items()):
        kind = FAMILY_KIND.get(family.split("/", 1)[0])
        if kind is not None:
            labelled = [one for one in items if _labelled(one.item, kind)]
            caught = sum(_flagged(one, kind) for one in labelled)
            rows.append(Row(f"{family} (flagged {kind})", len(labelled), caught, caught))
            continue
        clean = sum(
            not any(_flagged(one, k) and not _labelled(one.item, k) for k in BOOLEAN_KINDS)
            for one in items
        )
        rows.append(Row(f"{family} (no wrong flag)", len(items), clean, clean))
    return rows


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.3f}" if whole else "0/0"
