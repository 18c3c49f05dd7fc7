"""Training the learned layer: deterministic, single-threaded, seconds on 2 cores.

Examples carry the labels that are known for them: a corpus item knows all
four kinds, a moderator's rejection for spam knows only that it is spam.
Each kind's classifier trains on the examples that know that kind. The
regularisation strength and the threshold of each kind are chosen on the
validation split, never on what the gate later measures.
"""

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from django.conf import settings
from django.utils import timezone
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

from moderation.screening.folding import fold
from moderation.screening.learned import features
from moderation.screening.learned.model import KINDS, LearnedModel, content_version

# The precision each kind's threshold must reach on validation; recall is then maximal.
TARGET_PRECISION = {"spam": 0.9, "abuse": 0.8, "profanity": 0.9, "medical_claim": 0.9}
# Below this a score never flags, whatever validation says. Validation comes
# from the same writers and templates as train; on text written apart (the
# dev set, the probe sets) lower thresholds flagged honest stories: under 0.5
# for every kind, under 0.6 for profanity (casual "hell"/"damn"-free venting).
LOWEST_THRESHOLD = {"spam": 0.5, "abuse": 0.5, "profanity": 0.6, "medical_claim": 0.5}
# When validation has no positive of a kind to choose on.
DEFAULT_THRESHOLD = 0.9
# Candidates for the inverse regularisation strength C, the best on validation
# (average precision) wins. On the corpus, 8 to 32 measured alike and better
# than less; one value keeps training within seconds on 2 busy cores.
REGULARISATION = (16.0,)
SEED = 0


def vectorizers() -> tuple[HashingVectorizer, HashingVectorizer]:
    """The features of `features.CONFIG`, as scikit-learn computes them."""
    common: dict[str, Any] = {
        "alternate_sign": False,
        "norm": "l2",
        "lowercase": True,
        "dtype": np.float32,
    }
    chars = HashingVectorizer(
        analyzer="char_wb",
        ngram_range=features.CHAR_NGRAMS,
        n_features=features.CHAR_BUCKETS,
        **common,
    )
    words = HashingVectorizer(
        analyzer="word",
        ngram_range=features.WORD_NGRAMS,
        n_features=features.WORD_BUCKETS,
        token_pattern=features.WORD_PATTERN,
        **common,
    )
    return chars, words


def vectorize(texts: list[str]) -> sp.csr_matrix:
    """One row per text: character buckets, then word buckets."""
    chars, words = vectorizers()
    return sp.hstack([chars.transform(texts), words.transform(texts)], format="csr")


@dataclass(frozen=True)
class Example:
    text: str
    labels: dict[str, bool]  # only the kinds known for this text


def example(text: str, labels: dict[str, bool]) -> Example:
    """A labelled text as screeners read it: folded (see `folding`)."""
    return Example(fold(text).text, labels)


def read_examples(path: Path) -> list[Example]:
    """A labelled JSON Lines file (the dev set's schema; the corpus adds fields)."""
    examples = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                item = json.loads(line)
                labels = item["labels"]
                kinds = TRAIN_ONLY_TEACHES if _train_only(item) else KINDS
                examples.append(example(item["body"], {kind: bool(labels[kind]) for kind in kinds}))
    return examples


# Items written after the test split was froze (`corpus/sources/train-only-*`)
# were briefed to teach spam and its look-alikes; their other labels stay in
# the corpus but teach nothing until a brief of their own covers them (taught
# as claims, a writer's "never coming back" complaints became claims).
TRAIN_ONLY_TEACHES = ("spam",)


def _train_only(item: dict[str, Any]) -> bool:
    return str(item.get("source", "")).startswith("train-only-")


def file_record(path: Path) -> dict[str, Any]:
    """How the artefact names a file it learned from: path, SHA-256, items."""
    data = path.read_bytes()
    try:
        shown = str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        shown = "/".join(path.resolve().parts[-4:])
    items = sum(1 for line in data.decode("utf-8").splitlines() if line.strip())
    return {"path": shown, "sha256": hashlib.sha256(data).hexdigest(), "items": items}


@dataclass(frozen=True)
class Figures:
    positives: int
    predicted: int
    true_positives: int
    items: int

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.positives if self.positives else None

    @property
    def f1(self) -> float | None:
        """None when there was nothing to find and nothing was found."""
        if not self.positives and not self.predicted:
            return None
        return 2 * self.true_positives / (self.positives + self.predicted)

    def as_dict(self) -> dict[str, Any]:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 4)

        return {
            "items": self.items,
            "positives": self.positives,
            "predicted": self.predicted,
            "true_positives": self.true_positives,
            "precision": rounded(self.precision),
            "recall": rounded(self.recall),
            "f1": rounded(self.f1),
        }


def figures_at(
    scores: npt.NDArray[np.float64], truth: npt.NDArray[np.bool_], threshold: float
) -> Figures:
    predicted = scores >= threshold
    return Figures(
        positives=int(truth.sum()),
        predicted=int(predicted.sum()),
        true_positives=int((predicted & truth).sum()),
        items=len(truth),
    )


def evaluate(model: LearnedModel, examples: Sequence[Example]) -> dict[str, dict[str, Any]]:
    """Per kind, at the model's thresholds, on the examples that know the kind."""
    if not examples:
        return {kind: Figures(0, 0, 0, 0).as_dict() for kind in model.kinds}
    scores = model.score_many([example.text for example in examples])
    result = {}
    for column, kind in enumerate(model.kinds):
        known = [i for i, example in enumerate(examples) if kind in example.labels]
        truth = np.array([examples[i].labels[kind] for i in known], dtype=bool)
        result[kind] = figures_at(scores[known, column], truth, model.thresholds[kind]).as_dict()
    return result


def choose_threshold(
    scores: npt.NDArray[np.float64],
    truth: npt.NDArray[np.bool_],
    min_precision: float,
    ruled: npt.NDArray[np.bool_] | None = None,
    kind: str = "",
) -> float:
    """The threshold with the most recall at `min_precision` or better; when
    none reaches it, the one with the best precision-weighted F (beta 0.5).

    With `ruled` (the items the rules already flag for this kind), it is the
    pipeline that is measured: the rules' flags, and the model's where the
    rules found nothing, which is what a moderator sees.
    """
    if not truth.any():
        return DEFAULT_THRESHOLD
    ruled = np.zeros(len(truth), dtype=bool) if ruled is None else ruled
    open_scores = scores[~ruled]
    lowest = LOWEST_THRESHOLD.get(kind, max(LOWEST_THRESHOLD.values()))
    candidates = sorted({float(s) for s in open_scores if s >= lowest}, reverse=True)
    best: tuple[float, float] | None = None  # (recall, threshold)
    fallback: tuple[float, float] = (-1.0, DEFAULT_THRESHOLD)
    for threshold in candidates:
        predicted = ruled | (scores >= threshold)
        figures = figures_at(predicted.astype(np.float64), truth, 0.5)
        precision, recall = figures.precision or 0.0, figures.recall or 0.0
        if precision >= min_precision and (best is None or recall > best[0]):
            best = (recall, threshold)
        if precision + recall:
            f_half = 1.25 * precision * recall / (0.25 * precision + recall)
            if f_half > fallback[0]:
                fallback = (f_half, threshold)
    return round(best[1] if best else fallback[1], 4)


def _fit(
    matrix: Any, truth: npt.NDArray[np.bool_], regularisation: float
) -> tuple[npt.NDArray[np.float32], float]:
    classifier = LogisticRegression(
        C=regularisation,
        solver="liblinear",
        # 1e-3 measured the same average precision on validation as the
        # default 1e-4, in about half the time.
        tol=1e-3,
        class_weight="balanced",
        random_state=SEED,
        max_iter=2000,
    )
    classifier.fit(matrix, truth)
    return classifier.coef_[0].astype(np.float32), float(classifier.intercept_[0])


def _sigmoid(logits: Any) -> npt.NDArray[np.float64]:
    return 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64).ravel()))


def train(
    train_examples: Sequence[Example],
    validation_examples: Sequence[Example],
    *,
    validation_rule_kinds: Sequence[set[str]] | None = None,
    provenance: dict[str, Any] | None = None,
) -> LearnedModel:
    """A model for every kind, its thresholds chosen on `validation_examples`
    (together with the kinds the rules flag on each, when given)."""
    train_matrix = vectorize([example.text for example in train_examples])
    validation_matrix = vectorize([example.text for example in validation_examples])
    evidence = np.array([features.enough_words(example.text) for example in validation_examples])
    weights = np.zeros((len(KINDS), features.N_FEATURES), dtype=np.float32)
    intercepts = np.zeros(len(KINDS), dtype=np.float32)
    thresholds: dict[str, float] = {}
    chosen: dict[str, float] = {}
    figures: dict[str, dict[str, Any]] = {}
    for row, kind in enumerate(KINDS):
        known = _known(train_examples, kind)
        truth = np.array([train_examples[i].labels[kind] for i in known], dtype=bool)
        held = _known(validation_examples, kind)
        held_truth = np.array([validation_examples[i].labels[kind] for i in held], dtype=bool)
        if truth.all() or not truth.any():
            # Nothing to tell apart: a constant score that never flags.
            intercepts[row], thresholds[kind] = -10.0, 1.0
            figures[kind] = figures_at(np.zeros(len(held)), held_truth, 1.0).as_dict()
            continue
        fits = []
        for regularisation in REGULARISATION:
            coef, intercept = _fit(train_matrix[known], truth, regularisation)
            held_scores = _sigmoid(validation_matrix[held] @ coef + intercept)
            quality = (
                float(average_precision_score(held_truth, held_scores)) if held_truth.any() else 0.0
            )
            fits.append((quality, regularisation, coef, intercept))
        # The best on validation; on a tie, the strongest regularisation.
        best = max(fits, key=lambda fit: (fit[0], -fit[1]))
        _, chosen[kind], weights[row], intercepts[row] = best
        held_scores = _sigmoid(validation_matrix[held] @ weights[row] + intercepts[row])
        # What screening does: too short a text is never the model's to flag.
        held_scores[~evidence[held]] = 0.0
        ruled = None
        if validation_rule_kinds is not None:
            ruled = np.array([kind in validation_rule_kinds[i] for i in held], dtype=bool)
        thresholds[kind] = choose_threshold(
            held_scores, held_truth, TARGET_PRECISION[kind], ruled, kind=kind
        )
        figures[kind] = figures_at(held_scores, held_truth, thresholds[kind]).as_dict()
        if ruled is not None:
            with_rules = ruled | (held_scores >= thresholds[kind])
            figures[kind]["with_rules"] = figures_at(
                with_rules.astype(np.float64), held_truth, 0.5
            ).as_dict()
    metadata: dict[str, Any] = {
        "version": content_version(weights, intercepts, thresholds),
        "trained_at": timezone.now().isoformat(timespec="seconds"),
        "kinds": list(KINDS),
        "features": features.CONFIG,
        "classifier": "logistic regression (liblinear, balanced classes)",
        "regularisation": chosen,
        "thresholds": thresholds,
        "items": {"train": len(train_examples), "validation": len(validation_examples)},
        "validation_figures": figures,
        **(provenance or {}),
    }
    return LearnedModel(KINDS, weights, intercepts, thresholds, metadata)


def _known(examples: Sequence[Example], kind: str) -> list[int]:
    return [i for i, example in enumerate(examples) if kind in example.labels]


def examples_from(paths: Iterable[Path]) -> list[Example]:
    return [example for path in paths for example in read_examples(path)]
