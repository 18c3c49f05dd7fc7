"""The rules with no database: the fingerprint, and redaction versus a
change of meaning."""

import pytest

from testimonials.consent import rules
from testimonials.consent.rules import content_sha256, is_redaction, word_diff

ORIGINAL = "Jenna at the desk was lovely. Call me on 541-555-0123! The pain is not gone yet."


@pytest.mark.parametrize(
    "edited",
    [
        ORIGINAL,
        "jenna AT the desk was lovely; call me on 541-555-0123. The pain is not gone yet",
        "[name] at the desk was lovely. Call me on [phone]! The pain is not gone yet.",
        "[Name] at the desk was lovely. […] The pain is not gone yet.",
        "[…] The pain is not gone yet.",
        "Jenna at the desk was lovely. [...]",
        "[redacted] [removed] at the desk was lovely. [...] The pain is not gone yet.",
        "[name] at the desk was lovely. [phone] [link] The pain is not gone yet.",
    ],
)
def test_it_counts_marked_removals_and_cosmetic_changes_as_redactions(edited):
    assert is_redaction(ORIGINAL, edited)


@pytest.mark.parametrize(
    ("edited", "why"),
    [
        (
            "Jenna at the desk was lovely. Call me on 541-555-0123! The pain is gone yet.",
            "a 'not' dropped without a marker",
        ),
        ("Jenna at the desk was lovely.", "a whole tail dropped without a marker"),
        ("The staff at the desk were lovely. [...]", "words added"),
        ("[…] The pain is gone. [...]", "a removal inside a sentence without a marker"),
        ("[…] The pain is not gone yet. Jenna at the desk was lovely.", "reordered"),
        ("[it cured me] The pain is not gone yet.", "a bracket that is no placeholder"),
        ("[name] at the desk was lovely. [...] The pain is not gone yet, truly.", "a word added"),
        ("Jenna at the desk was very lovely. [...]", "an intensifier added"),
    ],
)
def test_it_counts_anything_else_as_a_change_of_meaning(edited, why):
    assert not is_redaction(ORIGINAL, edited), why


def test_it_ignores_markup_the_patient_typed():
    assert is_redaction("Ask Jenna at <b>now</b>.", "Ask [name] at now.")


def test_it_handles_repeated_words_by_leaving_room_for_later_runs():
    original = "good day, good night, good morning"
    assert is_redaction(original, "good [...] good morning")
    assert is_redaction(original, "[...] good night [...]")
    assert not is_redaction(original, "good morning good")


def test_the_fingerprint_binds_the_text_and_the_name_without_ambiguity():
    one = content_sha256(text="b\nc", display_name="a")
    other = content_sha256(text="c", display_name="a\nb")
    assert one != other
    assert len(one) == 64
    assert content_sha256(text="x", display_name="Maria L.") != content_sha256(
        text="x", display_name="M. L."
    )


def test_the_diff_shows_what_went_and_what_came():
    parts = word_diff("my back pain is gone", "my back pain is finally gone")
    assert [(p.op, p.text) for p in parts] == [
        ("equal", "my back pain is"),
        ("added", "finally"),
        ("equal", "gone"),
    ]


@pytest.mark.parametrize(
    ("discloser", "organisation", "location", "expected"),
    [
        ("Its staff.", "Move Well PT", "North", "Move Well PT (North): Its staff."),
        ("Its staff.", "Move Well PT", "Move Well PT", "Move Well PT: Its staff."),
        ("Move Well PT and its staff.", "Move Well PT", "", "Move Well PT and its staff."),
        (
            "Move Well PT and its staff.",
            "Move Well PT",
            "North",
            "North: Move Well PT and its staff.",
        ),
        ("Its staff.", "", "", "Its staff."),
    ],
    ids=["both", "same-name", "org-in-text", "org-in-text-location", "none"],
)
def test_the_discloser_names_each_place_once(discloser, organisation, location, expected):
    assert (
        rules.discloser_named(discloser, organisation=organisation, location=location) == expected
    )
