"""The pipeline runs the screeners written for the story's language and
says which concerns it could not check in any other."""

import pytest

from moderation import screening
from moderation.intake import screening as moderation_intake
from moderation.screening import ScreeningContext
from testimonials.models import Status
from tests.factories import TestimonialFactory, TopicFactory

BILINGUAL = ScreeningContext(languages=("en", "es"))


def kinds(result):
    return sorted({flag.kind for flag in result.flags})


def unscreened(result):
    return sorted(
        flag.detail.split(" in ")[0] for flag in result.flags if flag.kind == "unscreened"
    )


def test_a_spanish_cure_and_guarantee_are_claims():
    text = "Me curó por completo, resultados garantizados. Volví a correr a las tres semanas."
    result = screening.run(text, BILINGUAL)
    claims = [text[flag.start : flag.end] for flag in result.flags if flag.kind == "medical_claim"]
    assert claims == ["curó", "garantizados"]
    assert result.language == "es"
    assert unscreened(result) == []


@pytest.mark.parametrize(
    "text",
    [
        "No es ningún milagro, pero el dolor de espalda ha bajado bastante con los ejercicios.",
        "Ya no necesito pastillas para dormir, aunque todavía noto alguna molestia al levantarme.",
        "Dicen que te cura en dos sesiones, pero conmigo hicieron falta ocho y sigo mejorando.",
    ],
)
def test_spanish_claims_denied_or_personal_are_not_flagged(text):
    assert "medical_claim" not in kinds(screening.run(text, BILINGUAL))


@pytest.mark.parametrize(
    "text",
    [
        "¡Un milagro! Funciona con todo el mundo y es mejor que cualquier medicamento.",
        "Olvídate de la cirugía: esto revierte la artrosis en un mes, garantizado.",
    ],
)
def test_spanish_advertising_claims_are_flagged(text):
    assert "medical_claim" in kinds(screening.run(text, BILINGUAL))


def test_spanish_swearing_insults_and_threats_are_flagged():
    swearing = screening.run("Una mierda de servicio, me tuvieron esperando una hora.", BILINGUAL)
    assert kinds(swearing) == ["profanity"]
    threat = screening.run(
        "La recepcionista es una payasa y sé dónde vive, te vas a arrepentir de esto.", BILINGUAL
    )
    assert [flag.severity for flag in threat.flags if flag.kind == "abuse"].count("high") == 2
    assert "medium" in [flag.severity for flag in threat.flags if flag.kind == "abuse"]


def test_a_german_story_is_screened_for_abuse():
    # abuse now knows German insult words, so German is screened, not flagged
    text = "Die Behandlung war gut, aber der Therapeut war ein Vollidiot und sehr unfreundlich."
    result = screening.run(text, BILINGUAL)
    assert result.language == "de"
    assert unscreened(result) == []
    assert "abuse" in {flag.kind for flag in result.flags}
    assert result.action == "queue"


def test_an_insult_of_one_language_is_an_ordinary_word_in_another():
    text = "Quarante minutes de retard, mais le kiné a été très gentil avec moi."
    result = screening.run(text, BILINGUAL)
    assert result.language == "fr"
    assert "abuse" not in {flag.kind for flag in result.flags}


def test_a_language_without_any_lists_is_flagged_for_each_concern():
    text = "De behandeling was prima, mijn rug doet veel minder pijn dan eerst en ik slaap beter."
    result = screening.run(text, BILINGUAL)
    assert result.language == "nl"
    assert unscreened(result) == [
        "Not screened for abuse",
        "Not screened for medical claim",
        "Not screened for profanity",
    ]
    assert result.risk_score >= 10, "the moderator sees it is not routine"


def test_ordinary_german_words_are_not_english_swearing():
    text = "Das Licht im Raum war hell und die Therapeutin hat mir sehr gut geholfen, danke."
    assert "profanity" not in kinds(screening.run(text, BILINGUAL))
    english = screening.run("Hell, the first session hurt but it got better.", BILINGUAL)
    assert "profanity" in kinds(english)


def test_english_swearing_counts_in_a_spanish_story():
    text = "El fisio me dejó la espalda fatal, what the fuck, nunca más vuelvo a esa clínica."
    result = screening.run(text, BILINGUAL)
    assert "profanity" in kinds(result)


def test_when_the_language_cannot_be_told_every_screener_runs():
    result = screening.run("Miracle cure, joder!", BILINGUAL)
    assert result.language is None
    assert unscreened(result) == []
    assert {"profanity", "medical_claim"} <= set(kinds(result))


def test_the_service_stores_the_language_it_detected(db):
    topic = TopicFactory(languages=["en", "es"])
    story = TestimonialFactory(
        topic=topic,
        status=Status.SUBMITTED,
        body="Después de seis sesiones puedo atarme los zapatos sin dolor otra vez.",
    )
    moderation_intake.testimonial_screen(testimonial_id=story.pk)
    story.refresh_from_db()
    assert story.status == Status.PENDING_REVIEW
    assert story.language == "es"
    assert "language" not in story.flag_kinds
