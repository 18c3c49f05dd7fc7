"""The session-wide canary search itself: it finds the canary however a log
line carries it, and names the logger."""

import logging

from tests.factories import TestimonialFactory
from tests.support.log_canary import CANARY, CanaryLogHandler, leaks_in_output


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
    try:
        raise ValueError(f"cannot parse {CANARY}")
    except ValueError:
        logger = _detached("a.traceback")
        logger.addHandler(handler)
        logger.exception("screening failed")
        logger.removeHandler(handler)
    assert [leak.where for leak in handler.leaks] == [
        "logger 'canary-self-test.a.extra'",
        "logger 'canary-self-test.a.traceback'",
    ]


def test_it_lets_ids_and_statuses_through():
    handler = CanaryLogHandler()
    _logged(handler, "moderation.tasks", "screening testimonial id=%s failed (%s)", 42, "KeyError")
    assert handler.records == 1
    assert handler.leaks == []


def test_it_searches_a_subprocess_output():
    lines = ["ready.", f'{{"message": "hello {CANARY}"}}']
    assert [leak.line for leak in leaks_in_output("process worker", lines)] == [lines[1]]


def test_the_factories_stories_and_names_carry_it(db):
    story = TestimonialFactory()
    assert CANARY in story.author_name
    assert CANARY in story.body
