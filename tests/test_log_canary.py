"""The session-wide search itself: it finds the canary however a log line
carries it, and any 12-character piece of a stored name, email or story,
and names the logger."""

import json
import logging

from tests.factories import PATIENT_EMAIL, PATIENT_NAME, PATIENT_STORY, TestimonialFactory
from tests.support.log_canary import (
    CANARY,
    PERSONAL_DATA,
    CanaryLogHandler,
    PersonalData,
    leaks_in_output,
)


def _detached(name: str) -> logging.Logger:
    """A logger whose lines reach only the handler under test, not the
    session's search (they carry the canary on purpose)."""
    logger = logging.getLogger(f"canary-self-test.{name}")
    logger.propagate = False
    return logger


def _logged(handler: CanaryLogHandler, logger_name: str, *args, **kwargs) -> None:
    logger = _detached(logger_name)
    logger.addHandler(handler)
    try:
        logger.warning(*args, **kwargs)
    finally:
        logger.removeHandler(handler)


def test_it_names_the_logger_of_a_message_that_carries_a_patients_name():
    handler = CanaryLogHandler()
    _logged(handler, "moderation.somewhere", "approved %s", f"Maria Lopez{CANARY.upper()}")
    assert [leak.where for leak in handler.leaks] == [
        "logger 'canary-self-test.moderation.somewhere'"
    ]


def test_it_finds_it_in_extra_fields_and_tracebacks():
    handler = CanaryLogHandler()
    _logged(handler, "a.extra", "saved", extra={"story": f"my story {CANARY}"})
    try:  # an OSError's message is written (config.log.message_is_safe)
        raise OSError(f"cannot open {CANARY}")
    except OSError:
        logger = _detached("a.traceback")
        logger.addHandler(handler)
        logger.exception("screening failed")
        logger.removeHandler(handler)
    assert [leak.where for leak in handler.leaks] == [
        "logger 'canary-self-test.a.extra'",
        "logger 'canary-self-test.a.traceback'",
    ]


def test_a_traceback_is_written_without_the_message_that_may_quote_a_patient():
    handler = CanaryLogHandler()
    try:
        raise ValueError(f"cannot parse {CANARY}")
    except ValueError:
        logger = _detached("a.traceback")
        logger.addHandler(handler)
        logger.exception("screening failed")
        logger.removeHandler(handler)
    assert handler.leaks == []
    assert "ValueError: (message withheld" in handler.pending[0][1]


def test_it_lets_ids_and_statuses_through():
    handler = CanaryLogHandler()
    _logged(handler, "moderation.tasks", "screening testimonial id=%s failed (%s)", 42, "KeyError")
    assert handler.records == 1
    assert handler.leaks == []


def test_it_searches_a_subprocess_output():
    lines = ["ready.", f'{{"message": "hello {CANARY}"}}']
    assert [leak.line for leak in leaks_in_output("process worker", lines)] == [lines[1]]


def test_the_factories_stories_names_and_emails_carry_it_in_several_places(db):
    story = TestimonialFactory()
    for text in (story.author_name, story.body, PATIENT_EMAIL):
        assert text.count(CANARY) >= 2, text
    assert story.display_name == "Maria L."


# --- Any piece of what the tests stored -----------------------------------------

STORY = "Mi fisioterapeuta Núñez me devolvió la espalda: seis sesiones y camino otra vez."


def _searched(data: PersonalData, *args, **kwargs) -> list[str]:
    handler = CanaryLogHandler(data)
    _logged(handler, "a.piece", *args, **kwargs)
    handler.search_pending()
    return [leak.where for leak in handler.leaks]


def test_it_finds_twelve_characters_of_a_stored_story_without_the_canary():
    data = PersonalData()
    data.add(STORY)
    assert _searched(data, "refused: %s", STORY[20:32]) == [
        "logger 'canary-self-test.a.piece' holds 'ñez me devol'"
    ]
    assert _searched(data, "refused: %s", STORY[20:31]) == [], "11 characters are not enough"


def test_it_finds_a_piece_in_an_extra_field_a_traceback_and_another_case():
    data = PersonalData()
    data.add(STORY)
    assert _searched(data, "saved", extra={"detail": STORY[-20:].upper()})
    try:
        raise ConnectionError(STORY[5:30])
    except ConnectionError:
        assert _searched(data, "screening failed", exc_info=True)


def test_an_email_address_leaks_by_its_local_part_not_its_domain():
    data = PersonalData()
    data.add("rosa.delgado@example.com", email=True)
    assert _searched(data, "sent to %s", "rosa.delgado@example.com")
    assert _searched(data, "sent to %s", "gado@example.com")
    assert _searched(data, "sent to %s", "ado@example.com") == []
    assert _searched(data, "from %s", "noreply@example.com") == []


def test_the_services_own_words_are_not_a_patients():
    data = PersonalData()
    data.add("Mine went from pending_review to published in a day.")
    assert _searched(data, "status %s -> %s", "pending_review", "published") == []
    assert _searched(data, "said %s", "Mine went from pending_review")


def test_it_finds_a_piece_in_a_processes_json_line_however_it_was_escaped():
    data = PersonalData()
    data.add(STORY)
    line = json.dumps({"message": f"refused {STORY[15:40]}"})
    assert "\\u" in line
    assert [leak.line for leak in leaks_in_output("process worker", [line], data)] == [line]
    assert leaks_in_output("process worker", ["ready.", "task succeeded: None"], data) == []


def test_a_processes_banner_is_searched_for_the_canary_only():
    data = PersonalData()
    data.add("I asked for a different user of the machine, please.")
    lines = [
        "Please specify a different user using the --uid option.",
        f"banner {CANARY}",
        "worker@host ready.",
        "Please specify a different user using the --uid option.",
    ]
    leaks = leaks_in_output("process worker", lines, data, startup_lines=3)
    assert [leak.line for leak in leaks] == [lines[1], lines[3]]


def test_what_the_tests_store_is_remembered(db):
    story = TestimonialFactory(body=STORY, email=PATIENT_EMAIL)
    for text in (STORY, PATIENT_NAME, PATIENT_STORY):
        assert text[-12:].casefold() in PERSONAL_DATA.windows
    local = PATIENT_EMAIL.split("@")[0].casefold()
    assert f"{local[-4:]}@example" in PERSONAL_DATA.windows
    assert f"{local[-3:]}@example." not in PERSONAL_DATA.windows
    assert story.pk
