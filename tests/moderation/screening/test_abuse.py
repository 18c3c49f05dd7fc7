import pytest

from moderation.screening import ScreeningContext
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
        "Retire already, grandpa, your hands shake.",
        "People like that shouldn't be hired here.",
        "She can't even speak English properly.",
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
