import pytest

from moderation.screening import ScreeningContext, run
from moderation.screening.abuse import screen


def abuse(text):
    return screen(text, ScreeningContext())


@pytest.mark.parametrize(
    "text",
    [
        "The new therapist is a complete moron.",
        "Whoever runs billing is an imbecile.",
        "That receptionist is dumb as a box of rocks.",
        "Fire the clown at the front desk.",
        "The stupidest doctor I have met.",
        "My physio is a fat lazy slob.",
        "That senile doctor should not be treating anyone.",
        "People like that shouldn't be hired here.",
        "Go back where you came from.",
        "Send them back to wherever they came from.",
        "They should ship that nurse back to her own country.",
    ],
)
def test_it_flags_insults_and_demeaning_remarks(text):
    flags = abuse(text)
    assert flags
    assert {f.severity for f in flags} == {"medium"}


@pytest.mark.parametrize(
    "text",
    [
        "I know where she lives and I will be waiting.",
        "He's going to pay for what he did to my knee.",
        "Somebody is going to get hurt if this happens again.",
        "Fix my bill by Friday. You've been warned.",
    ],
)
def test_it_flags_threats_including_veiled_ones_as_high(text):
    assert "high" in {f.severity for f in abuse(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Rude receptionist and a cold room.",
        "He ignored me when I said it hurt.",
        "Avoid therapist Kessler, he rushes everything.",
        "Learn to do a proper exam before charging people.",
        "The staff seemed incompetent with the new billing system.",
        "I felt like an idiot for waiting so long to come in.",
        "The app is stupid and crashes constantly.",
        "My knee hurt like a bitch for a week.",
        "They treated my knee-jerk reflex test like a formality.",
        "I will never come back here.",
        "My old records went back to wherever they came from, so I filled in the form again.",
        "She went back to her own country for the summer and we missed her.",
    ],
)
def test_criticism_of_service_or_behaviour_is_not_abuse(text):
    assert abuse(text) == []


# Each general family, with a clean twin that shares its words but aims at
# no one: the rules aim at precision, the learned layer adds recall.
@pytest.mark.parametrize(
    ("aimed", "clean"),
    [
        # a superlative put-down counts when it lands on a person, not a thing
        ("The laziest receptionist I have ever met.", "The ugliest waiting room I have seen."),
        ("He is the dumbest therapist in town.", "The dumbest thing I did was wait so long."),
        # an adjective that demeans age, aimed at a person
        ("That senile doctor should retire.", "Senile dementia runs in my family."),
        # excluding a kind of person from the job
        ("People like that shouldn't be nurses.", "People like her are rare in this job."),
        # hateful generalisation about a group
        ("Women shouldn't be surgeons.", "Women are always welcome in the strength class."),
        # a swear word aimed at someone, not at a pain
        ("That nurse is a total bitch.", "My knee hurt like a bitch after the first session."),
        # name-calling with an animal, never the animal alone
        ("The doctor is an arrogant pig.", "They showed me a pig's heart valve model."),
    ],
)
def test_each_insult_family_flags_the_aimed_remark_and_not_its_twin(aimed, clean):
    assert abuse(aimed)
    assert abuse(clean) == []


@pytest.mark.parametrize(
    ("threat", "clean"),
    [
        ("I know where he parks, tell him that.", "I know where to park now, thanks."),
        ("He'd better watch his back.", "He told me to watch my posture."),
        ("They're going to pay for this.", "They're going to pay for the brace."),
        ("Somebody should slash his tires.", "Somebody fixed the tyres of my wheelchair."),
    ],
)
def test_threats_of_harm_are_high_and_their_twins_are_clean(threat, clean):
    assert "high" in {f.severity for f in abuse(threat)}
    assert abuse(clean) == []


def test_a_masked_swear_word_reaches_abuse_as_the_plain_word():
    # folding turns "sh1t" and "b!tch" into the words, so abuse lists them plainly
    for text in ("Kyle is a useless piece of sh1t.", "What a b!tch that nurse is."):
        assert "abuse" in {f.kind for f in run(text, ScreeningContext()).flags}
    assert "abuse" not in {f.kind for f in run("A piece of shortbread.", ScreeningContext()).flags}


# Insult vocabulary, exclusion and warnings in the other languages clinics
# receive, each beside a clean twin.
@pytest.mark.parametrize(
    ("aimed", "clean", "language"),
    [
        ("O fisioterapeuta é um palhaço.", "O fisioterapeuta foi paciente.", "pt"),
        ("Ce kiné est un vrai crétin.", "Quarante minutes de retard, mais gentil.", "fr"),
        ("Der Therapeut ist ein kompletter Trottel.", "Der Therapeut war sehr geduldig.", "de"),
        ("Il fisioterapista è un pagliaccio.", "Pane e burro a colazione, poi la seduta.", "it"),
        (
            "Die sollten dahin zurück, wo sie herkommen.",
            "Ich ging dahin zurück, wo die Übungen erklärt wurden.",
            "de",
        ),
        (
            "Jemand sollte Frau Dr. Weber eine Lektion erteilen.",
            "Frau Dr. Weber gab mir eine Lektion in Ergonomie.",
            "de",
        ),
        ("Consider this your only warning.", "The only warning sign was a stiff neck.", "en"),
    ],
)
def test_each_family_holds_in_other_languages(aimed, clean, language):
    context = ScreeningContext(language=language)
    assert screen(aimed, context)
    assert screen(clean, context) == []
