"""Building, judging, activating and rolling back learned models.

The moderators' decisions are labels: a rejection for spam, abuse or a
health claim is a positive of that kind, an approval (the text as
published) is a negative of every kind. Rejections for personal data teach
nothing here: personal data is the rules' and gazetteers' work, not a kind
this model scores. Screening's own auto-rejections are not decisions.

`retrain()` trains a candidate on the corpus' train split and the
decisions older than the recent window, and activates it only if it does
at least as well as the active model, kind by kind, on the frozen test
split and on the recent decisions. No text leaves the installation.
"""

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from moderation import screening
from moderation.models import ScreeningModel
from moderation.screening import ScreeningContext
from moderation.screening.learned import active, training
from moderation.screening.learned.model import KINDS, LearnedModel
from moderation.screening.learned.training import Example
from testimonials.models import RejectionReason, Status, Testimonial

logger = logging.getLogger(__name__)

REJECTION_KINDS: dict[str, str] = {
    RejectionReason.SPAM.value: "spam",
    RejectionReason.PROFANITY_ABUSE.value: "abuse",
    RejectionReason.MEDICAL_CLAIM.value: "medical_claim",
}


class CorpusMissing(Exception):
    pass


class NothingToRollBack(Exception):
    pass


@dataclass(frozen=True)
class Decision:
    decided_at: datetime
    example: Example


def clinic_decisions() -> list[Decision]:
    """Every moderator's approval or content rejection, oldest first."""
    rows = (
        Testimonial.objects.filter(decided_by__isnull=False, decided_at__isnull=False)
        .filter(
            status__in=(Status.PUBLISHED, Status.UNPUBLISHED, Status.WITHDRAWN, Status.REJECTED)
        )
        .order_by("decided_at", "pk")
        .values_list("status", "rejection_reason", "body", "published_body", "decided_at")
        .iterator()
    )
    decisions = []
    for status, reason, body, published_body, decided_at in rows:
        if decided_at is None:
            continue  # excluded by the query; says so to the type checker
        if status == Status.REJECTED:
            kind = REJECTION_KINDS.get(reason)
            if kind is None or not body:
                continue
            decisions.append(Decision(decided_at, training.example(body, {kind: True})))
        elif published_body or body:
            negatives = dict.fromkeys(KINDS, False)
            decisions.append(
                Decision(decided_at, training.example(published_body or body, negatives))
            )
    return decisions


def split_decisions(
    decisions: list[Decision], now: datetime
) -> tuple[list[Example], list[Example]]:
    """(older ones, to learn from; recent ones, to judge by)."""
    since = now - timedelta(days=settings.SCREENING_RETRAIN_RECENT_DAYS)
    older = [d.example for d in decisions if d.decided_at < since]
    recent = [d.example for d in decisions if d.decided_at >= since]
    return older, recent


def corpus_file(corpus_dir: Path, split: str) -> Path:
    path = corpus_dir / f"{split}.jsonl"
    if not path.is_file():
        raise CorpusMissing(f"no {split} split at {path}")
    return path


def build(
    train_files: list[Path],
    validation_files: list[Path],
    extra_train: list[Example] | None = None,
) -> LearnedModel:
    """A model from corpus files (and the clinic's decisions), with its provenance."""
    extra = extra_train or []
    provenance = {
        "train_files": [training.file_record(path) for path in train_files],
        "validation_files": [training.file_record(path) for path in validation_files],
        "trained_on": {
            "corpus_items": sum(
                record["items"] for record in map(training.file_record, train_files)
            ),
            "clinic_decisions": len(extra),
        },
    }
    validation = training.examples_from(validation_files)
    return training.train(
        [*training.examples_from(train_files), *extra],
        validation,
        validation_rule_kinds=rule_kinds([example.text for example in validation]),
        provenance=provenance,
    )


def rule_kinds(texts: list[str]) -> list[set[str]]:
    """The kinds the rule screeners flag on each text: the model's threshold
    is chosen for what it adds to them."""
    rules = [(name, one) for name, one in screening.named_screeners() if name != "learned"]
    return [
        {flag.kind for flag in screening.run(text, ScreeningContext(), rules).flags}
        for text in texts
    ]


def write_artifact(model: LearnedModel, path: Path) -> None:
    """The .npz, and beside it its metadata as readable JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(model.to_bytes())
    path.with_suffix(".json").write_text(
        json.dumps(model.metadata, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def _f1(figures: dict[str, Any]) -> float:
    # Nothing to find and nothing found is as good as it gets.
    return 1.0 if figures["f1"] is None else float(figures["f1"])


def shortfalls(
    candidate: dict[str, dict[str, Any]], current: dict[str, dict[str, Any]], where: str
) -> list[str]:
    tolerance = settings.SCREENING_RETRAIN_TOLERANCE
    return [
        f"{kind} F1 on {where} {_f1(candidate[kind]):.3f} < active {_f1(current[kind]):.3f}"
        for kind in KINDS
        if _f1(candidate[kind]) < _f1(current[kind]) - tolerance
    ]


def retrain(*, corpus_dir: Path | None = None, now: datetime | None = None) -> ScreeningModel:
    """Train a candidate; activate it only if it measures at least as well as
    the active model on the frozen test split and on recent decisions.
    Returns its row, active or refused (with `refused_because`)."""
    corpus_dir = corpus_dir or Path(settings.SCREENING_CORPUS_DIR)
    now = now or timezone.now()
    train_file = corpus_file(corpus_dir, "train")
    validation_file = corpus_file(corpus_dir, "validation")
    test_examples = training.read_examples(corpus_file(corpus_dir, "test"))
    older, recent = split_decisions(clinic_decisions(), now)
    candidate = build([train_file], [validation_file], older)
    current = active.active_model()
    figures = {
        "test": {
            "candidate": training.evaluate(candidate, test_examples),
            "active": training.evaluate(current, test_examples),
        },
        "recent_decisions": {
            "candidate": training.evaluate(candidate, recent),
            "active": training.evaluate(current, recent),
            "items": len(recent),
            "days": settings.SCREENING_RETRAIN_RECENT_DAYS,
        },
        "validation": candidate.metadata["validation_figures"],
        "compared_with": current.version,
    }
    refused = shortfalls(
        figures["test"]["candidate"], figures["test"]["active"], "the test split"
    ) + shortfalls(
        figures["recent_decisions"]["candidate"],
        figures["recent_decisions"]["active"],
        "recent decisions",
    )
    existing = ScreeningModel.objects.filter(version=candidate.version).first()
    if existing is not None:
        return existing  # trained on the same data as a model we already have
    row = ScreeningModel.objects.create(
        version=candidate.version,
        trained_on=candidate.metadata["trained_on"]
        | {"train_files": candidate.metadata["train_files"]},
        metrics=figures,
        artifact=candidate.to_bytes(),
        refused_because="; ".join(refused),
    )
    if refused:
        logger.info("screening model %s refused: %s", row.version, row.refused_because)
        return row
    activate(row)
    logger.info("screening model %s activated (was %s)", row.version, current.version)
    return row


def activate(row: ScreeningModel) -> ScreeningModel:
    """Make `row` the model that screens; the one before becomes its `previous`."""
    with transaction.atomic():
        current = ScreeningModel.objects.select_for_update().filter(is_active=True).first()
        if current is not None and current.pk == row.pk:
            return row
        if current is not None:
            current.is_active = False
            current.save(update_fields=["is_active"])
        row.previous = current
        row.is_active = True
        row.activated_at = timezone.now()
        row.save(update_fields=["previous", "is_active", "activated_at"])
    return row


def rollback() -> ScreeningModel | None:
    """Re-activate the model that screened before the active one; None when
    that was the model shipped with the code."""
    with transaction.atomic():
        current = ScreeningModel.objects.select_for_update().filter(is_active=True).first()
        if current is None:
            raise NothingToRollBack("the model shipped with the code is screening already")
        previous = current.previous
        current.is_active = False
        current.save(update_fields=["is_active"])
        if previous is not None:
            previous.is_active = True
            previous.activated_at = timezone.now()
            previous.save(update_fields=["is_active", "activated_at"])
    return previous


def active_description() -> str:
    model = active.active_model()
    return f"{model.version} (trained {model.metadata.get('trained_at', '?')})"
