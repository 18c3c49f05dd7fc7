"""Name forms found by general rules, each with a clean twin that must stay clean."""

import pytest

from moderation.screening import ScreeningContext
from moderation.screening.pii import find_pii


def people(text):
    return [
        text[f.start : f.end] for f in find_pii(text, ScreeningContext()) if f.entity == "PERSON"
    ]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Dott.ssa Ferrante mi ha seguito per mesi.", "Dott.ssa Ferrante"),
        ("Dopo l'intervento la dott.ssa Varesi mi ha seguita.", "dott.ssa Varesi"),
        ("L'ostéopathe M. Lavergne m'a bien conseillé.", "M. Lavergne"),
        ("Seit einem Jahr hilft mir Mag. Steiner mit Übungen.", "Mag. Steiner"),
    ],
)
def test_a_title_abbreviated_with_a_dot_marks_a_name(text, name):
    assert people(text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "Il dott. ssa non esiste, ho letto male.",
        "We met in room M. The door was locked.",
        "Ich mag Übungen mit dem Band.",
        "Ich mag. Das ist alles.",
    ],
)
def test_the_same_abbreviations_without_a_name_stay_clean(text):
    assert people(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Paloma en recepción perdió mis papeles.", "Paloma"),
        ("Lily am Empfang war sehr freundlich.", "Lily"),
        ("Amber à l'accueil a perdu mon ordonnance.", "Amber"),
    ],
)
def test_a_name_opening_a_sentence_before_the_reception_desk(text, name):
    assert people(text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "Amber en la pantalla, luego verde.",
        "Lily am Teich war schön.",
    ],
)
def test_a_word_name_opening_a_sentence_elsewhere_stays_clean(text):
    assert people(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Great clinic. Kaveri explained everything twice.", "Kaveri"),
        ("Back pain gone. Tobenna gave me a home plan.", "Tobenna"),
        ("Yolande me ayudó con la rodilla.", "Yolande"),
        ("Die Übungen halfen. Wiebke war aber sehr nett.", "Wiebke"),
        ("Il dolore è sparito, Ottavio mi ha spiegato tutto.", "Ottavio"),
        ("Wirklich gut. Jolanda ist klasse.", "Jolanda"),
        ("Gracias a todos. Maribel es un crack.", "Maribel"),
    ],
)
def test_a_word_that_does_what_people_do_is_a_name(text, name):
    assert people(text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "Needling helped my back a bit.",
        "Die Osteopathin ist nett und kompetent.",
        "Nach meiner Hüft-OP hat mich das Team begleitet.",
        "Quem me atendeu ontem foi ótimo.",
        "Die Physiotherapie ist klasse.",
        "El ejercicio es un crack para la espalda.",
        "Great clinic. Stretching explained nothing, but it worked.",
    ],
)
def test_a_noun_or_question_word_before_the_same_verbs_stays_clean(text):
    assert people(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Entregar para ROSANA VIEIRA, Rua das Flores 12.", "ROSANA VIEIRA"),
        ("Livrer à julien moreau, 4 rue Haute.", "julien moreau"),
        ("Please ship to Kwabena Asante at the clinic.", "Kwabena Asante"),
    ],
)
def test_the_name_a_parcel_goes_to_is_a_name(text, name):
    assert people(text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "Deliver to the back door, please.",
        "Entregar para a recepção, por favor.",
        "Livrer à domicile, c'est possible?",
    ],
)
def test_a_delivery_to_a_place_stays_clean(text):
    assert people(text) == []


@pytest.mark.parametrize(
    ("text", "surname"),
    [
        ("Thank you all. Yours faithfully, K. Okonkwo", "Okonkwo"),
        ("See you next month. Best wishes, Tamsin", "Tamsin"),
    ],
)
def test_the_name_under_a_letter_sign_off_is_a_name(text, surname):
    assert [name for name in people(text) if surname in name]


def test_a_sign_off_without_a_name_stays_clean():
    assert people("Yours faithfully, and thanks again. Best wishes, everyone.") == []
