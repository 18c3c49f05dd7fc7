import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from moderation.management.commands.evaluate_screening import default_path
from moderation.screening.batch import read_items, screen_items
from moderation.screening.evaluation import evaluate as evaluate_report
from moderation.screening.learned.active import active_model

DEV = default_path()
needs_dev_data = pytest.mark.skipif(not DEV.exists(), reason="shared/data is not beside the repo")


def evaluate(*args):
    out = StringIO()
    call_command("evaluate_screening", *args, stdout=out)
    return out.getvalue()


def _quality_misses(screened):
    """The targets missed, but for the timing one: speed is a benchmark
    figure (`make eval` prints it), and a busy machine would fail a test."""
    report = evaluate_report(screened)
    return [m for m in report.missed if not m.startswith("median screening time")]


@needs_dev_data
def test_it_meets_the_targets_on_the_dev_set():
    assert _quality_misses(list(screen_items(read_items(DEV)))) == []
    output = evaluate(str(DEV))
    for measure in ("pii spans (overlap", "profanity", "spam", "medical_claim", "duplicate pairs"):
        assert measure in output
    assert "negative-but-honest items auto-rejected" in output
    [version_line] = [line for line in output.splitlines() if "learned model version" in line]
    assert active_model().version in version_line


@needs_dev_data
def test_it_never_auto_rejects_a_negative_item_of_the_dev_set():
    for screened in screen_items(read_items(DEV)):
        labels = screened.item["labels"]
        if labels["sentiment"] == "negative" and not labels["spam"]:
            assert screened.result.action == "queue", screened.item["id"]


def _labelled(item_id, body, **labels):
    base = {"pii": [], "profanity": False, "abuse": False, "spam": False}
    base.update({"medical_claim": False, "sentiment": "neutral"})
    base.update(labels)
    return {"id": item_id, "body": body, "labels": base, "duplicate_of": None}


def test_check_fails_when_a_target_is_missed(tmp_path):
    path = tmp_path / "labelled.jsonl"
    items = [
        _labelled("a", "A perfectly ordinary story about my knee and the exercises.", spam=True),
        _labelled("b", "The staff were kind and the knee is better now, thank you."),
    ]
    path.write_text("\n".join(json.dumps(item) for item in items) + "\n")
    output = evaluate(str(path))
    assert "MISSED: spam recall 0.000 < 0.9" in output
    with pytest.raises(CommandError, match="Targets missed"):
        evaluate(str(path), "--check")


def test_it_scores_pii_spans_leniently_and_exactly(tmp_path):
    body = "Thanks to Dr. Okonkwo for everything."
    item = _labelled("a", body, pii=[{"start": 14, "end": 21, "type": "PERSON"}])
    path = tmp_path / "labelled.jsonl"
    path.write_text(json.dumps(item) + "\n")
    lines = evaluate(str(path)).splitlines()
    lenient = next(line for line in lines if line.startswith("pii spans (overlap"))
    exact = next(line for line in lines if line.startswith("pii spans (exact"))
    assert lenient[44:].split()[:3] == ["1", "1.000", "1.000"]
    assert exact[44:].split()[:3] == ["1", "0.000", "0.000"]


# Probe sets written after the dev set, to see how screening generalizes:
# probe-a guided the first fixes; probe-b was the honest figure for them and
# now meets every target after general fixes (name lists, spam wording) that
# were not tuned to its strings. probe-c was written before those fixes and
# left alone while making them: it is the honest figure now.
PROBES = Path(__file__).parent / "data"
# What probe-c still misses: spam recall (5 of 12 ads rejected, the rest go
# to a moderator), medical_claim precision (one false claim), abuse recall
# (0.5: put-downs with no insult word; abuse has had a target, R and P >= 0.8,
# since the learned layer) and pii recall (0.90): its given names of Thai,
# Balinese, Ethiopian and Chinese origin ("Somchai", "Wayan", "Tigist",
# "Xiaoling") opening a sentence were once in a hand-written name list grown
# from this very set; the list is gone and Faker's gazetteers do not hold them.
PROBE_C_KNOWN_MISSES = (
    "spam recall",
    "medical_claim precision",
    "abuse recall",
    "pii spans (overlap, same type) recall",
)


def _missed(name):
    screened = list(screen_items(read_items(PROBES / name)))
    return screened, _quality_misses(screened)


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("screening-probe-a.jsonl", ()),
        ("screening-probe-b.jsonl", ()),
        ("screening-probe-c.jsonl", PROBE_C_KNOWN_MISSES),
    ],
)
def test_it_meets_the_targets_on_the_probe_sets(name, allowed):
    screened, missed = _missed(name)
    assert [m for m in missed if not allowed or not m.startswith(allowed)] == []
    for one in screened:
        labels = one.item["labels"]
        if not labels["spam"]:
            assert one.result.action == "queue", one.item["id"]


def test_probe_c_still_rejects_some_spam_and_flags_nearly_all():
    # Auto-rejection needs the rules and the learned model to agree (three of
    # the twelve ads); the rest reach a moderator, flagged as spam.
    screened, _ = _missed("screening-probe-c.jsonl")
    spam = [one for one in screened if one.item["labels"]["spam"]]
    caught = sum(one.result.action == "auto_reject" for one in spam)
    assert caught >= 3, f"{caught} of {len(spam)}"
    flagged = sum(any(f.kind == "spam" for f in one.result.flags) for one in spam)
    assert flagged >= 10, f"{flagged} of {len(spam)}"


def test_every_ratio_carries_its_95_percent_wilson_interval():
    from moderation.screening.evaluation import wilson

    low, high = wilson(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)
    assert wilson(0, 0) is None
    assert wilson(10, 10)[1] == pytest.approx(1.0)


def test_it_breaks_figures_down_by_language_and_family(tmp_path):
    items = [
        {**_labelled("a", "Compre seguidores baratos em seguidores-baratos.com", spam=True),
         "language": "pt", "family": "spam/followers"},
        {**_labelled("b", "Vendo relojes réplica, escríbeme", spam=True),
         "language": "es", "family": "spam/replica"},
        {**_labelled("c", "The exercises helped my knee a lot, thank you all."),
         "language": "en", "family": "honest/positive"},
    ]  # fmt: skip
    path = tmp_path / "labelled.jsonl"
    path.write_text("".join(json.dumps(item) + "\n" for item in items))
    output = evaluate(str(path))
    by_language = output.split("By language")[1].split("By family")[0]
    assert [line.split()[0] for line in by_language.splitlines()[2:5]] == ["pt", "es", "en"]
    family_lines = output.split("By family")[1].splitlines()
    honest = next(line for line in family_lines if "honest/positive" in line)
    assert "1/1" in honest  # the honest story was left clean
    assert any("spam/followers (flagged spam)" in line for line in family_lines)
    assert "model version:" in output
