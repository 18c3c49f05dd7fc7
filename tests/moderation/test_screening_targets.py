"""Screening held to the issue's targets on the corpus's frozen test split.

The split was written before anything was tuned on the corpus and is never
read while changing rules, features or thresholds (its hash is pinned in
test_screening_corpus.py); these are the figures `make eval` reports.
"""

import pytest

from moderation.screening.batch import read_items, screen_items
from moderation.screening.corpus import build
from moderation.screening.evaluation import evaluate

# name of the report row -> (minimum recall, minimum precision)
TARGETS = {
    "pii spans (overlap, same type)": (0.95, 0.85),
    "third-party-style pii spans (overlap)": (0.90, 0.80),
    "profanity": (0.9, 0.9),
    "spam": (0.9, 0.9),
    "medical_claim": (0.9, 0.9),
    "abuse": (0.8, 0.8),
    "duplicate pairs (written items)": (0.95, 0.9),
}


@pytest.fixture(scope="module")
def screened():
    return list(screen_items(read_items(build.CORPUS / "test.jsonl")))


@pytest.fixture(scope="module")
def report(screened):
    return evaluate(screened)


@pytest.mark.parametrize("name", TARGETS)
def test_each_kind_meets_its_target_on_the_frozen_test_split(report, name):
    row = next(row for row in report.rows if row.name == name)
    min_recall, min_precision = TARGETS[name]
    assert row.recall is not None
    assert row.recall >= min_recall, (name, row.recall)
    assert row.precision is not None
    assert row.precision >= min_precision, (name, row.precision)


def test_no_honest_story_is_auto_rejected(screened):
    wrongly = [
        one.item["id"]
        for one in screened
        if one.result.action == "auto_reject" and not one.item["labels"]["spam"]
    ]
    assert wrongly == []
    negatives = [one for one in screened if one.item["labels"]["sentiment"] == "negative"]
    assert len(negatives) > 100


def test_every_result_names_its_model_version(screened):
    versions = {one.result.model_version for one in screened}
    assert len(versions) == 1
    assert all(versions)
