"""The locations dashboard: an organisation's locations side by side, per
ISO week and in the transparency figures, for its admins and superusers,
and never a figure of another organisation."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from moderation.accounts.scopes import staff_scope
from moderation.dashboard import selectors
from moderation.decisions import services as moderation_decisions
from moderation.models import StaffMembership, StaffRole
from testimonials import transitions
from testimonials.models import Location, Organisation, RejectionReason, Status
from tests.factories import TestimonialFactory, TopicFactory, UserFactory

# A Wednesday: this ISO week (2026-W11) began on Monday March 9.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DASHBOARD = "/admin/dashboard/"


def at(day, hour):
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


def arrive(topic, location, rating, when):
    with time_machine.travel(when, tick=False):
        return TestimonialFactory(
            topic=topic, location=location, rating=rating, status=Status.SUBMITTED
        )


def screen(story, when, to=Status.PENDING_REVIEW, **fields):
    with time_machine.travel(when, tick=False):
        story.refresh_from_db()
        for status in (Status.SCREENING, to):
            story = transitions.transition(story, to=status, actor=transitions.SCREENING, **fields)
    return story


def approve(story, moderator, when):
    with time_machine.travel(when, tick=False):
        moderation_decisions.testimonial_approve(public_id=story.public_id, moderator=moderator)


def reject(story, moderator, when, reason=RejectionReason.OFF_TOPIC):
    with time_machine.travel(when, tick=False):
        moderation_decisions.testimonial_reject(
            public_id=story.public_id, moderator=moderator, reason=reason
        )


@pytest.fixture
def group(db, admin_user):
    """Move Well (North, South) and, in the same installation, Smile Dental
    (Smile Downtown), each with stories over the last two weeks."""
    brand = Organisation.objects.create(slug="move-well", name="Move Well PT")
    north = Location.objects.create(organisation=brand, slug="north", name="Move Well North")
    south = Location.objects.create(organisation=brand, slug="south", name="Move Well South")
    topic = TopicFactory(slug="back-pain", organisation=brand)
    other = Organisation.objects.create(slug="smile", name="Smile Dental")
    downtown = Location.objects.create(organisation=other, slug="downtown", name="Smile Downtown")
    other_topic = TopicFactory(slug="whitening", organisation=other)

    # North, last week: published after 4 h (rated 5) and after 24 h (rated 2).
    quick = arrive(topic, north, 5, at(3, 9))
    screen(quick, at(3, 9) + MINUTE)
    approve(quick, admin_user, at(3, 13))
    slow = arrive(topic, north, 2, at(4, 9))
    screen(slow, at(4, 9) + MINUTE)
    approve(slow, admin_user, at(5, 9))
    # North, this week: rejected after 2 h (rated 1), one waiting (rated 2).
    declined = arrive(topic, north, 1, at(10, 9))
    screen(declined, at(10, 9) + MINUTE)
    reject(declined, admin_user, at(10, 11))
    waiting = arrive(topic, north, 2, at(10, 10))
    screen(waiting, at(10, 10) + MINUTE)
    # South, this week: published after 6 h (rated 4), and spam screening rejected.
    liked = arrive(topic, south, 4, at(9, 10))
    screen(liked, at(9, 10) + MINUTE)
    approve(liked, admin_user, at(9, 16))
    spam = arrive(topic, south, None, at(9, 11))
    screen(spam, at(9, 11) + MINUTE, to=Status.REJECTED, rejection_reason=RejectionReason.SPAM)
    # Smile Downtown, this week: three stories, one rejected for abuse.
    for hour in (9, 10, 11):
        story = arrive(other_topic, downtown, 1, at(10, hour))
        screen(story, at(10, hour) + MINUTE)
    reject(story, admin_user, at(10, 12), reason=RejectionReason.PROFANITY_ABUSE)
    return brand, other


def organisation_admin(organisation, username="olivia"):
    user = UserFactory(username=username, is_staff=True)
    StaffMembership.objects.create(
        user=user, organisation=organisation, role=StaffRole.ORGANISATION_ADMIN
    )
    return user


def figures(place):
    return [
        (
            week.label,
            week.received,
            week.screened,
            week.decided,
            week.published,
            week.median_time_to_decision,
        )
        for week in place.weeks
    ]


def test_each_location_by_week(group):
    brand, _other = group

    dashboard = selectors.organisation_dashboard(organisation=brand, weeks=3, now=NOW)

    north, south = dashboard.locations
    assert (north.location.slug, south.location.slug) == ("north", "south")
    assert figures(north) == [
        ("2026-W11", 2, 2, 1, 0, 2 * HOUR),
        ("2026-W10", 2, 2, 2, 2, 14 * HOUR),  # the median of 4 h and 24 h
        ("2026-W09", 0, 0, 0, 0, None),
    ]
    assert figures(south) == [
        ("2026-W11", 2, 2, 1, 1, 6 * HOUR),
        ("2026-W10", 0, 0, 0, 0, None),
        ("2026-W09", 0, 0, 0, 0, None),
    ]
    period = north.period
    assert (period.received, period.screened, period.decided, period.published) == (4, 4, 3, 2)
    assert period.median_time_to_decision == 4 * HOUR  # of 2 h, 4 h and 24 h


def test_a_week_outside_the_window_is_left_out(group):
    brand, _other = group

    dashboard = selectors.organisation_dashboard(organisation=brand, weeks=1, now=NOW)

    north = dashboard.locations[0]
    assert figures(north) == [("2026-W11", 2, 2, 1, 0, 2 * HOUR)]
    assert north.period.received == 2


def test_the_transparency_figures_of_each_location(group):
    brand, _other = group

    north, south = selectors.organisation_dashboard(organisation=brand, now=NOW).locations

    by_rating = {row.rating: (row.reviewed, row.published, row.declined) for row in north.ratings}
    assert by_rating == {
        "1": (1, 0, 1),
        "2": (1, 1, 0),  # the waiting one is not reviewed yet
        "3": (0, 0, 0),
        "4": (0, 0, 0),
        "5": (1, 1, 0),
        "none": (0, 0, 0),
    }
    assert (north.reviewed, north.published) == (3, 2)
    assert north.low_rated_share_reviewed == 67
    assert north.low_rated_share_published == 50
    assert (north.low_rated_declined_rate, north.high_rated_declined_rate) == (50, 0)
    assert north.declined_reasons == [("Not about the treatment or the clinic", 1)]
    assert south.declined_reasons == [("Spam or advertising", 1)]
    assert (south.low_rated_share_reviewed, south.low_rated_declined_rate) == (0, None)


def test_a_few_queries_whatever_the_number_of_locations(group):
    brand, _other = group
    for n in range(5):
        Location.objects.create(organisation=brand, slug=f"extra-{n}", name=f"Extra {n}")

    with CaptureQueriesContext(connection) as queries:
        dashboard = selectors.organisation_dashboard(organisation=brand, weeks=8, now=NOW)

    assert len(dashboard.locations) == 7
    assert len(queries) <= 5


def test_an_organisation_admin_sees_their_organisation_and_nothing_of_another(group):
    brand, other = group
    browser = Client()
    browser.force_login(organisation_admin(brand))

    with time_machine.travel(NOW, tick=False):
        page = browser.get(DASHBOARD)
        other_page = browser.get(f"{DASHBOARD}?organisation={other.slug}")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Move Well PT: locations dashboard" in html
    overview = html[html.index('id="overview-north"') :]
    overview = overview[: overview.index("</tr>")]
    for cell, value in [
        ("received", "4"),
        ("screened", "4"),
        ("decided", "3"),
        ("published", "2"),
        ("median", "4 h"),
        ("reviewed", "3"),
        ("low-reviewed", "67%"),
        ("low-published", "50%"),
        ("low-declined", "50%"),
        ("high-declined", "0%"),
    ]:
        assert f'<td class="{cell}">{value}</td>' in overview, cell
    assert 'id="location-south"' in html
    assert "Spam or advertising: <strong>1</strong>" in html
    for foreign in ("Smile", "downtown", "Offensive", "profanity", "Profanity or abuse"):
        assert foreign not in html, foreign
    assert other_page.status_code == 404, "another organisation's dashboard is not there"
    assert "style=" not in html[html.index('id="dashboard-choice"') :], "the CSP: no inline style"


def test_a_superuser_chooses_among_every_organisation(group, admin_user):
    _brand, other = group
    browser = Client()
    browser.force_login(admin_user)

    with time_machine.travel(NOW, tick=False):
        page = browser.get(f"{DASHBOARD}?organisation={other.slug}&weeks=4")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Smile Dental: locations dashboard" in html
    row = html[html.index('id="overview-downtown"') :]
    assert '<td class="received">3</td>' in row[: row.index("</tr>")]
    assert "Profanity or abuse: <strong>1</strong>" in html
    assert "Move Well North" not in html
    assert '<option value="move-well">Move Well PT</option>' in html
    assert html.count("data-week=") == 4


def test_only_organisation_admins_and_superusers_see_it(group):
    brand, _other = group
    moderator = UserFactory(username="mo", is_staff=True)
    StaffMembership.objects.create(user=moderator, organisation=brand, role=StaffRole.MODERATOR)
    reviewer = UserFactory(username="rev", is_staff=True)
    StaffMembership.objects.create(user=reviewer, organisation=brand, role=StaffRole.REVIEWER)
    admin_of_brand = organisation_admin(brand)

    for user, expected in [(moderator, 403), (reviewer, 403), (admin_of_brand, 200)]:
        browser = Client()
        browser.force_login(user)
        assert browser.get(DASHBOARD).status_code == expected, user.username
        index = browser.get("/admin/").content.decode()
        assert ('id="locations-dashboard-link"' in index) == (expected == 200), user.username
    assert Client().get(DASHBOARD).status_code == 302, "to the sign-in page"


def test_the_organisations_an_admin_may_see(group, admin_user):
    brand, other = group
    user = organisation_admin(brand)

    assert selectors.administered_organisations(staff_scope(user)) == [brand]
    assert {o.slug for o in selectors.administered_organisations(staff_scope(admin_user))} >= {
        brand.slug,
        other.slug,
    }


def test_the_weeks_are_the_clinics(db, settings, admin_user):
    """Sunday evening in New York is Monday in UTC: the story counts in the
    clinic's week that was ending."""
    settings.CLINIC_TIME_ZONE = "America/New_York"
    brand = Organisation.objects.create(slug="east-coast", name="East Coast PT")
    harbor = Location.objects.create(organisation=brand, slug="harbor", name="Harbor")
    topic = TopicFactory(slug="knee", organisation=brand)
    sunday_evening = at(9, 2)  # Sunday March 8, 10 pm in New York (EDT)
    story = arrive(topic, harbor, 4, sunday_evening)
    screen(story, sunday_evening + MINUTE)
    approve(story, admin_user, sunday_evening + HOUR)

    dashboard = selectors.organisation_dashboard(organisation=brand, weeks=2, now=NOW)

    assert figures(dashboard.locations[0]) == [
        ("2026-W11", 0, 0, 0, 0, None),
        ("2026-W10", 1, 1, 1, 1, HOUR),
    ]
