"""The admin index's week: numbers read from the audit trail, shown as a
chart a clinic manager reads at a glance."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from moderation.accounts.scopes import EVERYWHERE
from moderation.decisions import services as moderation_decisions
from moderation.decisions import statistics
from moderation.templatetags.moderation_tags import duration_words
from testimonials import transitions
from testimonials.models import RejectionReason, Status
from testimonials.stories import withdrawal
from tests.factories import TestimonialFactory

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def arrive(at):
    with time_machine.travel(at, tick=False):
        return TestimonialFactory(status=Status.SUBMITTED)


def screen(testimonial, at, to=Status.PENDING_REVIEW, **fields):
    with time_machine.travel(at, tick=False):
        testimonial.refresh_from_db()
        for status in (Status.SCREENING, to):
            testimonial = transitions.transition(
                testimonial, to=status, actor=transitions.SCREENING, **fields
            )
    return testimonial


def approve(testimonial, moderator, at):
    with time_machine.travel(at, tick=False):
        moderation_decisions.testimonial_approve(
            public_id=testimonial.public_id, moderator=moderator
        )


def reject(testimonial, moderator, at):
    with time_machine.travel(at, tick=False):
        moderation_decisions.testimonial_reject(
            public_id=testimonial.public_id, moderator=moderator, reason="off_topic"
        )


@pytest.fixture
def week(db, moderator):
    """Seven stories around the week before NOW (see each line)."""
    # Arrived before the week, decided in it: a decision, not a receipt.
    old = arrive(NOW - 10 * DAY)
    screen(old, NOW - 10 * DAY + MINUTE)
    reject(old, moderator, NOW - 2 * DAY)
    # Published four hours after it arrived.
    quick = arrive(NOW - 3 * DAY)
    screen(quick, NOW - 3 * DAY + MINUTE)
    approve(quick, moderator, NOW - 3 * DAY + 4 * HOUR)
    # Rejected two hours after it arrived.
    declined = arrive(NOW - DAY)
    screen(declined, NOW - DAY + MINUTE)
    reject(declined, moderator, NOW - DAY + 2 * HOUR)
    # Still waiting for a moderator.
    waiting = arrive(NOW - DAY)
    screen(waiting, NOW - DAY + MINUTE)
    # Published after six hours, then withdrawn by the patient.
    regretted = arrive(NOW - 2 * DAY)
    screen(regretted, NOW - 2 * DAY + MINUTE)
    approve(regretted, moderator, NOW - 2 * DAY + 6 * HOUR)
    with time_machine.travel(NOW - DAY, tick=False):
        regretted.refresh_from_db()
        withdrawal.testimonial_withdraw(testimonial=regretted)
    # Everything happened before the week.
    before = arrive(NOW - 8 * DAY)
    screen(before, NOW - 8 * DAY + MINUTE)
    # Spam, rejected by screening: screened, but no moderator decided.
    spam = arrive(NOW - DAY)
    screen(spam, NOW - DAY + MINUTE, to=Status.REJECTED, rejection_reason=RejectionReason.SPAM)


def test_it_counts_the_week_from_the_audit_trail(week):
    numbers = statistics.week_numbers(scope=EVERYWHERE, now=NOW)
    assert numbers.start == NOW - 7 * DAY
    assert (
        numbers.received,
        numbers.screened,
        numbers.decided,
        numbers.published,
        numbers.withdrawn,
    ) == (5, 5, 4, 2, 1)
    # Decisions took 8 days, 4 h, 2 h and 6 h: the median is 5 h.
    assert numbers.median_time_to_decision == 5 * HOUR


def test_a_quiet_week_has_no_median(week):
    numbers = statistics.week_numbers(scope=EVERYWHERE, now=NOW + 30 * DAY)
    assert (numbers.received, numbers.decided, numbers.median_time_to_decision) == (0, 0, None)


def test_the_admin_index_draws_the_week(week, moderator):
    browser = Client()
    browser.force_login(moderator)
    with time_machine.travel(NOW, tick=False):
        response = browser.get("/admin/")
    html = response.content.decode()
    chart = html[html.index('id="week-numbers"') :]
    assert 'id="week-median">5 h</strong>' in chart
    for key, value, width in [
        ("received", 5, 300),
        ("screened", 5, 300),
        ("decided", 4, 240),
        ("published", 2, 120),
        ("withdrawn", 1, 60),
    ]:
        bar = chart[chart.index(f'data-key="{key}"') :]
        assert bar.startswith(f'data-key="{key}" data-value="{value}"')
        assert f'width="{width}"' in bar[: bar.index("</g>")]
    assert "Received: 5. Screened: 5. Decided: 4. Published: 2. Withdrawn: 1." in chart
    assert "style=" not in chart, "the CSP allows no inline style"
    assert "<script" not in chart


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        (timedelta(minutes=35), "35 min"),
        (timedelta(hours=5, minutes=12), "5 h 12 min"),
        (timedelta(hours=47), "47 h"),
        (timedelta(days=3, hours=4, minutes=10), "3 days 4 h"),
        (None, "no decisions this week"),
    ],
)
def test_the_median_reads_at_a_glance(duration, words):
    assert duration_words(duration) == words
