"""The learned layer in the pipeline: small models trained here on small
corpora the tests write, never the shipped artefact's exact scores."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from moderation import screening
from moderation.management.commands.evaluate_screening import default_path
from moderation.screening import Flag, ScreeningContext, decide
from moderation.screening.batch import read_items
from moderation.screening.learned import active, features, services, training
from moderation.screening.learned.model import LearnedModel, content_version
from tests.moderation.screening import small_corpus

PROBES = Path(__file__).parents[1] / "data"
LEARNED = "moderation.screening.learned.screen"
CLEAR_SPAM = "Buy now http://a.example.biz http://b.example.biz http://c.example.biz"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return small_corpus.write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def small_model(corpus):
    return services.build([corpus / "train.jsonl"], [corpus / "validation.jsonl"])


def use(model: LearnedModel, tmp_path, settings) -> LearnedModel:
    """Make `model` the shipped artefact for this test."""
    path = tmp_path / f"{model.version}.npz"
    services.write_artifact(model, path)
    settings.SCREENING_MODEL_ARTIFACT = path
    return model


def with_thresholds(model: LearnedModel, threshold: float) -> LearnedModel:
    thresholds = dict.fromkeys(model.kinds, threshold)
    return LearnedModel(
        model.kinds,
        model.weights,
        model.intercepts,
        thresholds,
        model.metadata | {"version": f"{model.version[:8]}-t{threshold}", "thresholds": thresholds},
    )


def always(kind_score: float, model: LearnedModel) -> LearnedModel:
    """A model that gives every text this score for every kind."""
    logit = float(np.log(kind_score / (1 - kind_score)))
    return LearnedModel(
        model.kinds,
        np.zeros_like(model.weights),
        np.full(len(model.kinds), logit, dtype=np.float32),
        dict.fromkeys(model.kinds, 0.5),
        model.metadata | {"version": f"always-{kind_score}"},
    )


def scoring(model: LearnedModel, **kind_scores: float) -> LearnedModel:
    """A model that gives every text these scores (0.01 for a kind not named),
    every threshold 0.5."""
    logits = [
        float(np.log(p / (1 - p))) for p in (kind_scores.get(kind, 0.01) for kind in model.kinds)
    ]
    thresholds = dict.fromkeys(model.kinds, 0.5)
    version = "scoring-" + "-".join(f"{kind}{score}" for kind, score in kind_scores.items())
    return LearnedModel(
        model.kinds,
        np.zeros_like(model.weights),
        np.array(logits, dtype=np.float32),
        thresholds,
        model.metadata | {"version": version, "thresholds": thresholds},
    )


def model_kinds(text: str) -> list[str]:
    return [flag.kind for flag in screening.run(text, ScreeningContext()).flags if flag.score]


def test_training_is_deterministic_and_the_version_names_the_content(corpus, small_model):
    again = services.build([corpus / "train.jsonl"], [corpus / "validation.jsonl"])
    assert again.version == small_model.version
    assert np.array_equal(again.weights, small_model.weights)
    assert set(small_model.thresholds) == {"spam", "abuse", "profanity", "medical_claim"}
    files = small_model.metadata["train_files"]
    assert files[0]["items"] == 36 + 4 * 12
    assert len(files[0]["sha256"]) == 64
    restored = LearnedModel.from_bytes(small_model.to_bytes())
    text = "Zorbex tonic crates ship weekly."
    assert restored.scores(text) == pytest.approx(small_model.scores(text))


def test_a_model_flag_carries_its_score_and_the_words_that_weighed_most(
    small_model, tmp_path, settings
):
    use(small_model, tmp_path, settings)
    text = "Zorbex tonic and quvilo drops, ask for the zorbex crate price list."
    result = screening.run(text, ScreeningContext())
    [spam] = [flag for flag in result.flags if flag.kind == "spam"]
    assert spam.score is not None
    assert small_model.thresholds["spam"] <= spam.score <= 1
    assert spam.score == round(spam.score, 3)
    assert (spam.start, spam.end) == (None, None)
    assert spam.detail.startswith(f"Model: spam {spam.score:.2f} (")
    assert '"zorbex"' in spam.detail
    assert spam.as_dict()["score"] == spam.score
    assert result.model_version == small_model.version


def test_rule_flags_have_no_score_in_their_dict():
    assert "score" not in Flag("spam", "high", "advert").as_dict()


def test_a_rule_hit_is_never_removed_and_never_doubled_by_the_model(
    small_model, tmp_path, settings
):
    # A model that flags nearly everything, to stress the rule: what the
    # rules found stays, and the model adds only kinds no rule found.
    use(with_thresholds(small_model, 0.01), tmp_path, settings)
    texts = [CLEAR_SPAM + " zorbex crate", "This sh*t works, a miracle cure, you idiots."]
    for path in sorted(PROBES.glob("screening-probe-*.jsonl")):
        texts += [item["body"] for item in read_items(path)]
    every = list(settings.SCREENING_SCREENERS)
    assert LEARNED in every
    rules_only = [path for path in every if path != LEARNED]
    for text in texts:
        settings.SCREENING_SCREENERS = every
        with_model = screening.run(text, ScreeningContext())
        settings.SCREENING_SCREENERS = rules_only
        without = screening.run(text, ScreeningContext())
        rule_flags = [flag for flag in with_model.flags if flag.score is None]
        assert rule_flags == without.flags, text
        model_kinds = [flag.kind for flag in with_model.flags if flag.score is not None]
        assert len(model_kinds) == len(set(model_kinds))
        assert not set(model_kinds) & {flag.kind for flag in without.flags}, text


def test_a_text_of_fewer_than_three_words_is_never_the_models_to_flag(
    small_model, tmp_path, settings
):
    use(scoring(small_model, spam=0.99, abuse=0.99), tmp_path, settings)
    for short in ["Great!!", "Muy buenos", "10/10", "👍👍👍"]:
        assert model_kinds(short) == [], short
        # The score is still read and kept with the result.
        assert screening.run(short, ScreeningContext()).model_version.startswith("scoring-")
    assert sorted(model_kinds("Great care here")) == ["abuse", "spam"]


def test_where_a_story_makes_a_health_claim_the_model_alone_needs_more_to_call_it_spam(
    small_model, tmp_path, settings
):
    from moderation.screening.learned import SPAM_THRESHOLD_WITH_A_CLAIM

    claim = "This clinic is a miracle, they can cure anyone of back pain."
    plain = "Ask for the crate price list on the clinic website."
    # Sure enough of spam for a story with no claim, not for one with a claim
    # (found by the rules here; the model's own claim score counts the same).
    unsure = (0.5 + SPAM_THRESHOLD_WITH_A_CLAIM) / 2
    use(scoring(small_model, spam=unsure), tmp_path, settings)
    assert "medical_claim" in [f.kind for f in screening.run(claim, ScreeningContext()).flags]
    assert "spam" not in model_kinds(claim)
    assert model_kinds(plain) == ["spam"]
    use(scoring(small_model, spam=unsure, medical_claim=0.9), tmp_path, settings)
    assert sorted(model_kinds(plain)) == ["medical_claim"]
    sure = (SPAM_THRESHOLD_WITH_A_CLAIM + 1) / 2
    use(scoring(small_model, spam=sure), tmp_path, settings)
    assert "spam" in model_kinds(claim)


def test_the_model_loads_with_no_network_and_every_result_names_its_version(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network blocked by the test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    active._artifact.cache_clear()
    shipped = active.shipped_model()
    assert len(shipped.version) == 12
    for text in ("Great care for my back.", CLEAR_SPAM, "Hola, me ayudaron mucho."):
        assert screening.run(text, ScreeningContext()).model_version == shipped.version


def test_auto_reject_needs_the_rules_and_a_confident_model(settings):
    settings.SCREENING_MODEL_AUTO_REJECT_SCORE = 0.8
    rule = Flag("spam", "high", "An advert: a link.")
    assert decide([rule], spam_score=0.95) == "auto_reject"
    assert decide([rule], spam_score=0.5) == "queue"
    model_flag = Flag("spam", "high", "Model: spam 0.99", score=0.99)
    assert decide([model_flag], spam_score=0.99) == "queue"
    assert decide([Flag("spam", "medium", "maybe")], spam_score=0.99) == "queue"


def test_the_pipeline_asks_the_model_before_auto_rejecting(small_model, tmp_path, settings):
    settings.SCREENING_MODEL_AUTO_REJECT_SCORE = 0.8
    use(always(0.2, small_model), tmp_path, settings)
    assert screening.run(CLEAR_SPAM, ScreeningContext()).action == "queue"
    use(always(0.95, small_model), tmp_path, settings)
    assert screening.run(CLEAR_SPAM, ScreeningContext()).action == "auto_reject"


def test_an_honest_negative_story_is_never_auto_rejected_even_by_a_model_sure_of_spam(
    small_model, tmp_path, settings
):
    use(always(0.999, small_model), tmp_path, settings)
    paths = sorted(PROBES.glob("screening-probe-*.jsonl"))
    dev = default_path()
    negatives = [
        item
        for path in [*paths, *([dev] if dev.exists() else [])]
        for item in read_items(path)
        if item["labels"]["sentiment"] == "negative" and not item["labels"]["spam"]
    ]
    assert len(negatives) >= 20
    for item in negatives:
        result = screening.run(item["body"], ScreeningContext())
        assert result.action == "queue", item["id"]


def test_thresholds_reach_the_target_precision_on_validation_when_they_can():
    scores = np.array([0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.55])
    truth = np.array([True, True, False, True, True, False, False])
    # 0.7 keeps precision 4/5 = 0.8; 0.6 would drop it to 4/6.
    assert training.choose_threshold(scores, truth, 0.8) == 0.7
    assert training.choose_threshold(scores, truth, 0.9) == 0.9
    assert training.choose_threshold(scores, np.zeros(7, dtype=bool), 0.9) == 0.9


def test_screening_computes_the_same_features_as_scikit_learn_without_importing_it():
    texts = [item["body"] for path in PROBES.glob("*.jsonl") for item in read_items(path)]
    texts += ["", "a", "日本語のテキスト 😀", "Ça va? ÜBER straße İstanbul", "x" * 300]
    matrix = training.vectorize(texts)
    for row, text in enumerate(texts):
        columns, values = features.vector(text)
        expected = matrix[row]
        assert np.array_equal(np.sort(expected.indices), columns), text
        assert np.allclose(expected.toarray()[0, columns], values, atol=1e-6), text


def test_the_worker_side_of_the_model_does_not_load_scikit_learn():
    code = (
        "import django, sys; django.setup(); "
        "from moderation import screening; "
        "screening.run('Great care.', screening.ScreeningContext()); "
        "print('sklearn' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    env.setdefault("DJANGO_SECRET_KEY", "test")
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert output.stdout.strip().splitlines()[-1] == "False"


def test_the_shipped_model_is_what_its_metadata_says():
    shipped = active.shipped_model()
    assert shipped.version == content_version(
        shipped.weights, shipped.intercepts, shipped.thresholds
    )
    assert shipped.weights.dtype == np.float32
    assert [f["path"] for f in shipped.metadata["train_files"]] == [
        "moderation/screening/corpus/train.jsonl"
    ]
    assert [f["path"] for f in shipped.metadata["validation_files"]] == [
        "moderation/screening/corpus/validation.jsonl"
    ]
    for kind, value in shipped.thresholds.items():
        assert training.LOWEST_THRESHOLD[kind] <= value <= 1, kind


def test_items_written_after_the_freeze_teach_spam_only(tmp_path):
    labels = {"profanity": False, "abuse": False, "spam": False, "medical_claim": True}
    path = tmp_path / "train.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"body": "It cured my back for good", "labels": labels, "source": source})
            for source in ("hand-europa", "train-only-hard-negatives")
        )
    )
    written_before, written_after = training.read_examples(path)
    assert written_before.labels == {kind: labels[kind] for kind in training.KINDS}
    assert written_after.labels == {"spam": False}
