import pytest

from moderation.screening import ScreeningContext
from moderation.screening.language import detect, screen


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The therapists were patient and my shoulder moves again.", "en"),
        ("Los fisioterapeutas fueron muy amables y mi hombro está mejor.", "es"),
        ("Os fisioterapeutas foram muito atenciosos e meu ombro melhorou.", "pt"),
        ("Les kinés ont été très patients et mon épaule va mieux.", "fr"),
        ("Die Therapeuten waren sehr geduldig und meine Schulter ist besser.", "de"),
    ],
)
def test_it_detects_the_language(text, code):
    assert detect(text)[0] == code


def test_it_flags_a_language_the_topic_does_not_publish_in():
    text = "Los fisioterapeutas fueron muy amables y mi hombro está mejor."
    [flag] = screen(text, ScreeningContext(languages=("en",)))
    assert (flag.kind, flag.severity, flag.start) == ("language", "low", None)
    assert "Spanish (es)" in flag.detail
    assert screen(text, ScreeningContext(languages=("en", "es"))) == []


def test_it_uses_the_default_languages_when_the_topic_names_none(settings):
    settings.SCREENING_DEFAULT_LANGUAGES = ["en"]
    text = "Die Therapeuten waren sehr geduldig und meine Schulter ist besser."
    assert [f.kind for f in screen(text, ScreeningContext())] == ["language"]


def test_it_does_not_guess_on_a_few_words():
    assert detect("ok I guess") is None
    assert screen("Muy bien, gracias", ScreeningContext(languages=("en",))) == []
