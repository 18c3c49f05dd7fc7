import pytest

from moderation.screening import ScreeningContext
from moderation.screening.profanity import screen


def swears(text):
    return [text[f.start : f.end] for f in screen(text, ScreeningContext())]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("This sh*t works, my back is fine now.", "sh*t"),
        ("The wait was f**king long.", "f**king"),
        ("They worked my a$$ off and I'm grateful.", "a$$"),
        ("Front desk is a b!tch to deal with.", "b!tch"),
        ("total bullsh1t billing", "bullsh1t"),
        ("my knee hurt like hell for a week", "hell"),
        ("damn good therapists", "damn"),
        ("what a crappy parking lot", "crappy"),
        ("I was pissed about the bill", "pissed"),
        ("wtf is this invoice", "wtf"),
        ("The SOB never called back.", "SOB"),
        ("shiiiit that hurt", "shiiiit"),
        ("Qué mierda de servicio.", "mierda"),
        ("Joder, qué espera tan larga.", "Joder"),
        ("Que merda de atendimento.", "merda"),
        ("a half-assed exam", "assed"),
        # apostrophe abbreviations: folding does not expand them, the list has them
        ("the f'ing parking", "f'ing"),
        ("that f'er at billing", "f'er"),
    ],
)
def test_it_finds_swear_words_masked_or_not(text, word):
    assert swears(text) == [word]


@pytest.mark.parametrize(
    "text",
    [
        "The freaking parking was full again.",
        "Heck of a drive, but the class was great.",
        "The first clinic sucked and the smell stinks.",
        "I felt a small prick from the needle and then nothing.",
        "They assessed my hip, then the assistant helped.",
        "Hello everyone, the shell of my knee cap is fine. Rated 5* and 10/10.",
        "Lots of hard work; a passing grade for the staff.",
        "I sob a little when I think how bad it was.",
    ],
)
def test_it_leaves_minced_oaths_and_lookalike_words_alone(text):
    assert swears(text) == []


def test_mild_words_are_low_and_strong_ones_medium():
    flags = screen("damn, this f*cking knee", ScreeningContext())
    assert [f.severity for f in flags] == ["low", "medium"]


def test_a_number_alone_is_never_a_masked_word():
    assert swears("My log: http://rehab.example.org/log/455 and room 455.") == []
    assert swears("They worked my a55 off.") == ["a55"]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("ptn, ils m'ont facturé deux fois.", "ptn"),
        ("alv, me cobraron dos veces.", "alv"),
        ("Qué pinche espera.", "pinche"),
        ("Che stronzata, due ore di attesa.", "stronzata"),
        ("Das war beschissen organisiert.", "beschissen"),
    ],
)
def test_abbreviations_and_words_of_other_languages(text, word):
    assert swears(text) == [word]
