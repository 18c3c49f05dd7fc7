"""Record numbers and birth dates in forms the rules learned late, each with a clean twin."""

import pytest

from moderation.screening import ScreeningContext
from moderation.screening.pii import find_pii


def found(text):
    return [(f.entity, text[f.start : f.end]) for f in find_pii(text, ScreeningContext())]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Dossier n° ABC-2023-4410, merci de le retrouver.", "ABC-2023-4410"),
        ("Meine Fallnummer ist XYZ-2022-556677, bitte prüfen.", "XYZ-2022-556677"),
    ],
)
def test_a_case_or_file_number_after_its_lead_in_is_a_record_number(text, value):
    assert found(text) == [("MEDICAL_RECORD_NUMBER", value)]


@pytest.mark.parametrize(
    "text",
    [
        "Dossier complet reçu, merci beaucoup.",
        "Im Fall einer Absage rufe ich an.",
    ],
)
def test_the_same_lead_ins_without_a_number_stay_clean(text):
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The form wants my date of birth. It's 5th March 1961. Odd.", "5th March 1961"),
        ("It asks for date of birth, mine is 1982-11-03. Thanks.", "1982-11-03"),
    ],
)
def test_a_birth_date_given_as_its_or_mine_after_the_lead_in(text, value):
    assert found(text) == [("DATE_OF_BIRTH", value)]


def test_a_date_that_is_not_the_birth_date_stays_clean():
    assert found("It's 5th March 1961 on the letter, mine is lost.") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Get paid weekly, sign up at quickcash.example.ng.", "quickcash.example.ng"),
        ("Download the app: fastloans.portal.ke today", "fastloans.portal.ke"),
    ],
)
def test_a_host_under_any_country_code_is_a_url(text, value):
    assert found(text) == [("URL", value)]


@pytest.mark.parametrize(
    "text",
    [
        "It was 5 p.m. on a Tuesday, i.e. late.",
        "Knee.better.ok thanks to the team.",
    ],
)
def test_dotted_abbreviations_and_run_on_words_are_no_urls(text):
    assert found(text) == []
