from moderation import screening
from moderation.screening import Flag, ScreeningContext, decide, priority, redact, risk_score


def test_risk_counts_each_kind_once_at_its_worst():
    names = [Flag("pii", "medium", "name", 0, 1, entity="PERSON") for _ in range(4)]
    assert risk_score(names) == 30
    assert risk_score([*names, Flag("abuse", "high", "threat")]) == 90
    assert risk_score([Flag(k, "high", "x") for k in ("a", "b", "c")]) == 100


def test_priority_follows_the_score_only():
    assert [priority(s) for s in (None, 90, 30, 10, 0)] == [
        "urgent",
        "urgent",
        "high",
        "normal",
        "routine",
    ]


def test_only_clear_spam_is_auto_rejected():
    assert decide([Flag("spam", "high", "advert")]) == "auto_reject"
    assert decide([Flag("spam", "medium", "maybe")]) == "queue"
    assert decide([Flag("abuse", "high", "threat"), Flag("pii", "high", "ssn")]) == "queue"


def test_redact_replaces_each_pii_span_with_its_placeholder():
    text = "Thanks Dr. Vance, call 555-0100."
    flags = [
        Flag("pii", "medium", "n", 7, 16, entity="PERSON"),
        Flag("pii", "medium", "p", 23, 31, entity="PHONE"),
        Flag("profanity", "low", "x", 0, 6),
    ]
    assert redact(text, flags) == "Thanks [name], call [phone]."
    assert redact(text, flags[2:]) == ""


def test_run_gives_flags_in_text_order_with_a_suggestion():
    text = "Call Bettina at 541-555-0142, this sh*t works."
    result = screening.run(text, ScreeningContext())
    assert [(f.kind, f.start) for f in result.flags] == [
        ("pii", 5),
        ("pii", 16),
        ("profanity", 35),
    ]
    assert result.suggested_body == "Call [name] at [phone], this sh*t works."
    assert result.action == "queue"
