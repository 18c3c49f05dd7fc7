"""Folding: screeners read plain letters, flags point at the original text."""

import pytest

from moderation import screening
from moderation.screening import ScreeningContext
from moderation.screening.folding import fold, unmasked

ZWSP = "\u200b"
RLO, PDF = "\u202e", "\u202c"


def _run(text: str) -> screening.ScreeningResult:
    return screening.run(text, ScreeningContext(language="en"))


def _spans(text: str, kind: str) -> list[str]:
    return [
        text[flag.start : flag.end]
        for flag in _run(text).flags
        if flag.kind == kind and flag.start is not None and flag.end is not None
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Write to maria" + ZWSP + "@example.com please", "maria" + ZWSP + "@example.com"),
        (
            "Write to ma" + RLO + "ria@exam" + PDF + "ple.com please",
            "ma" + RLO + "ria@exam" + PDF + "ple.com",
        ),
        (
            "Write to ｍａｒｉａ＠ｅｘａｍｐｌｅ．ｃｏｍ please",
            "ｍａｒｉａ＠ｅｘａｍｐｌｅ．ｃｏｍ",
        ),
        ("Write to mаria@exаmple.com please", "mаria@exаmple.com"),  # Cyrillic а
        ("Call me on ５４１-５５５-０１４２ any time", "５４１-５５５-０１４２"),
        (
            "Call me on 541" + ZWSP + "-555-" + ZWSP + "0142 any time",
            "541" + ZWSP + "-555-" + ZWSP + "0142",
        ),
    ],
)
def test_a_pii_span_found_in_folded_text_covers_the_original_characters(text, expected):
    assert _spans(text, "pii") == [expected]


@pytest.mark.parametrize(
    "original",
    [
        "café" + ZWSP + " crème",  # removed character
        "ﬁne ｆｕｌｌ width",  # NFKC: one character becomes two, and back
        "e\u0301cole",  # a combining mark composed
        "sh!t and a$$ and f*ck",  # masks
        "f.u.c.k it",  # spelled out
        "Мама мыла раму and рaypal",  # look-alikes in a mixed word only
    ],
)
def test_every_folded_span_maps_to_the_original_characters(original):
    folded = fold(original)
    for start in range(len(folded.text)):
        for end in range(start + 1, len(folded.text) + 1):
            begin, finish = folded.original_span(start, end)
            assert 0 <= begin < finish <= len(original)
    whole = folded.original_span(0, len(folded.text))
    assert original[whole[0] : whole[1]].strip() == original.strip()


def test_folding_reads_what_a_person_reads():
    assert fold("this sh*t works").text == "this shit works"
    assert fold("f***ing great").text == "fucking great"
    assert fold("a$$holes, b!tch, sh1t, h3ll").text == "assholes, bitch, shit, hell"
    assert fold("f.u.c.k you").text == "fuck you"
    assert fold("ｓｐａｍ").text == "spam"
    assert fold("fuсk").text == "fuck"  # Cyrillic с
    assert fold("maria" + ZWSP + "@example.com").text == "maria@example.com"


def test_folding_leaves_what_is_not_masked():
    for text in (
        "$50 off at L4-L5, 10am, b12, @maria, 3rd visit, 2x a week",
        "Мама мыла раму",  # Russian stays Russian
        "Η φυσιοθεραπεία με βοήθησε",  # Greek stays Greek
        "the *best* clinic, I paid $$$",
        "café crème",
    ):
        assert fold(text).text == text


def test_a_mask_becomes_only_a_listed_word():
    assert unmasked("sh!t") == "shit"
    assert unmasked("m3rda") == "merda"
    assert unmasked("p*tain") == "putain"
    assert unmasked("c@zzo") == "cazzo"
    assert unmasked("h3llo") is None
    assert unmasked("a**") is None  # too little left to tell which word
    assert unmasked("a$$") == "ass"
    assert fold("Is it bitcoin? Or sh!t?").text == "Is it bitcoin? Or shit?"


@pytest.mark.parametrize(
    ("variant", "clean", "kind"),
    [
        ("This sh" + ZWSP + "it works", "This shirt works", "profanity"),
        ("This shіt works", "This shift works", "profanity"),  # Cyrillic і
        ("This ｓｈｉｔ works", "This ｓｈｉｆｔ works", "profanity"),
        ("This sh!t works", "This shot works", "profanity"),
        (
            "Your staff are a bunch of f'ing a$$holes",
            "Your staff are a bunch of helpers",
            "profanity",
        ),
        ("You are an іdіot", "You are an adult", "abuse"),  # Cyrillic і
        ("You are an id" + ZWSP + "iot", "You are an individual", "abuse"),
        # The twin has no shop link: a link to "cheap-coins.com" is an advert
        # whatever is bought there, and the model says so.
        ("Buy bitсoin now at cheap-coins.com", "Bought a bike once my knee healed", "spam"),
        ("It сured my back", "It helped my back", "medical_claim"),
    ],
)
def test_disguised_variants_are_flagged_and_their_clean_twins_are_not(variant, clean, kind):
    assert kind in {flag.kind for flag in _run(variant).flags}
    assert kind not in {flag.kind for flag in _run(clean).flags}
