"""The screening corpus: splits that are what the sources say, a test split
frozen before any tuning, and no item or duplicate pair in two splits."""

import hashlib
import json
import re

import pytest

from moderation.screening.corpus import build

# test.jsonl as written on 2026-12-06, before any rule, feature or threshold
# was tuned on the corpus. Changing it means measuring on text someone has
# looked at: add fresh items to a new split instead.
FROZEN_TEST_SHA256 = "6b069b4bb5ff9c8fe8e0974cd69b0e2fee32412a9d096b9cf33ace285a736c01"


def _split(name):
    path = build.CORPUS / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_test_split_is_frozen():
    digest = hashlib.sha256((build.CORPUS / "test.jsonl").read_bytes()).hexdigest()
    assert digest == FROZEN_TEST_SHA256


def test_the_splits_are_what_the_sources_say():
    built = build.splits(build.all_items())
    for name in build.SPLITS:
        assert build.serialized(built[name]) == (build.CORPUS / f"{name}.jsonl").read_text(
            encoding="utf-8"
        ), f"{name}.jsonl is stale: python -m moderation.screening.corpus.build"


def test_items_written_after_the_freeze_only_train(tmp_path, monkeypatch):
    late = {
        "id": "late-1",
        "language": "en",
        "text": "Cheap replica watches, message me",
        "labels": {"profanity": False, "abuse": False, "spam": True, "medical_claim": False,
                   "sentiment": "neutral"},
    }  # fmt: skip
    item = build.built_item(late, source=f"{build.TRAIN_ONLY_PREFIX}extra")
    # An id that would hash into test goes to train all the same.
    item["id"] = next(f"late-{n}" for n in range(1000) if build.split_of(f"late-{n}") == "test")
    assert build.splits([item]) == {"train": [item], "validation": [], "test": []}
    for name in ("validation", "test"):
        assert not any(i["source"].startswith(build.TRAIN_ONLY_PREFIX) for i in _split(name))


def test_no_item_and_no_duplicate_pair_is_in_two_splits():
    where = {}
    for name in build.SPLITS:
        for item in _split(name):
            assert item["id"] not in where
            where[item["id"]] = name
    for name in build.SPLITS:
        for item in _split(name):
            if item["duplicate_of"]:
                assert where[item["duplicate_of"]] == name, item["id"]


def test_the_corpus_is_big_multilingual_and_says_what_was_generated():
    items = [item for name in build.SPLITS for item in _split(name)]
    assert len(items) >= 4000
    languages = {item["language"] for item in items}
    assert {"en", "es", "pt", "fr", "de", "it"} <= languages
    hands = {item["source"] for item in items if not item["generated"]}
    assert len(hands) >= 3
    assert all(item["source"].startswith("generated-") for item in items if item["generated"])
    for name in build.SPLITS:
        kinds = {k for item in _split(name) for k in build.BOOLEAN_LABELS if item["labels"][k]}
        assert kinds == set(build.BOOLEAN_LABELS), name


def test_markup_becomes_exact_spans():
    unmarked = build.unmark("[[PERSON:Jenna Morales]] lives at [[ADDRESS:12 rue X\n75011 Paris]].")
    assert unmarked.body == "Jenna Morales lives at 12 rue X\n75011 Paris."
    assert [(s["start"], s["end"], s["type"]) for s in unmarked.spans] == [
        (0, 13, "PERSON"),
        (23, 43, "ADDRESS"),
    ]


@pytest.mark.parametrize(
    "text", ["[[NAME:x]]", "[[PERSON:]]", "[[PERSON:a", "[[PERSON:[[URL:x]]]]"]
)
def test_bad_markup_is_refused(text):
    with pytest.raises(build.SourceError):
        build.unmark(text)


def test_no_corpus_text_repeats_a_development_set_text():
    """The development set measures too: a corpus item that repeats one of
    its texts (a writer's "Great!!" beside the dev set's) would train on the
    answer. Compared by words, ignoring case, punctuation and markup."""
    from moderation.management.commands.evaluate_screening import default_path
    from moderation.screening.batch import read_items

    def words(text):
        return " ".join(re.findall(r"\w+", text.lower()))

    dev = default_path()
    assert dev.exists(), dev
    dev_texts = {words(item["body"]) for item in read_items(dev)}
    repeated = [
        item["id"]
        for name in build.SPLITS
        for item in _split(name)
        if words(item["body"]) in dev_texts
    ]
    assert repeated == []
