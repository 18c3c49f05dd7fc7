"""An organisation admin opens the locations dashboard from the admin index,
and the asks funnel from the dashboard, in a real headless Chromium (their
screenshots are the ones in the docs)."""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from moderation.decisions import services as moderation_decisions
from moderation.models import StaffMembership, StaffRole
from testimonials import transitions
from testimonials.models import (
    Ask,
    Invitation,
    Location,
    Organisation,
    RejectionReason,
    Status,
    Visit,
)
from tests.factories import ConsentTextFactory, TestimonialFactory, TopicFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)

# Per location, (days ago, rating, hours to a decision, outcome): six weeks
# of stories, low and high ratings declined alike, for content only.
STORIES = {
    "north": [
        (2, 5, 3, "publish"), (3, 2, 5, "publish"), (4, 1, 4, "off_topic"), (5, 4, None, ""),
        (9, 5, 20, "publish"), (10, 4, 6, "publish"), (12, 3, 9, "publish"),
        (16, 5, 2, "publish"), (18, 1, 30, "publish"), (20, 4, 4, "personal_data"),
        (25, 5, 7, "publish"), (27, 2, 12, "publish"), (33, 4, 3, "publish"),
        (38, 5, 8, "spam"),
    ],
    "south": [
        (1, 4, None, ""), (2, 5, 26, "publish"), (6, 2, 30, "publish"),
        (11, 5, 40, "off_topic"), (13, 1, 28, "publish"), (17, 4, 50, "publish"),
        (24, 3, 36, "publish"), (26, 5, 20, "publish"), (31, 2, 44, "publish"),
        (36, 4, 30, "duplicate"),
    ],
}  # fmt: skip


@pytest.fixture
def group():
    ConsentTextFactory()
    brand = Organisation.objects.create(slug="move-well", name="Move Well PT")
    other = Organisation.objects.create(slug="smile", name="Smile Dental")
    places = {
        "north": Location.objects.create(organisation=brand, slug="north", name="Move Well North"),
        "south": Location.objects.create(organisation=brand, slug="south", name="Move Well South"),
    }
    downtown = Location.objects.create(organisation=other, slug="downtown", name="Smile Downtown")
    topic = TopicFactory(slug="low-back-pain", organisation=brand)
    decider = UserFactory(username="root", is_staff=True, is_superuser=True)
    now = timezone.now()
    for slug, stories in STORIES.items():
        for days_ago, rating, hours, outcome in stories:
            _story(topic, places[slug], rating, now - days_ago * DAY, hours, outcome, decider)
    teeth = TopicFactory(slug="teeth", organisation=other)
    _story(teeth, downtown, 1, now - DAY, 1, RejectionReason.PROFANITY_ABUSE, decider)
    admin = UserFactory(username="olivia", is_staff=True)
    admin.set_password("olivia-pass-123")
    admin.save()
    StaffMembership.objects.create(
        user=admin, organisation=brand, role=StaffRole.ORGANISATION_ADMIN
    )
    return brand


def _story(topic, location, rating, arrived, hours, outcome, decider):
    with time_machine.travel(arrived, tick=False):
        story = TestimonialFactory(
            topic=topic, location=location, rating=rating, status=Status.SUBMITTED
        )
    with time_machine.travel(arrived + timedelta(minutes=1), tick=False):
        if outcome == RejectionReason.SPAM:
            for status in (Status.SCREENING, Status.REJECTED):
                story = transitions.transition(
                    story, to=status, actor=transitions.SCREENING, rejection_reason=outcome
                )
            return
        for status in (Status.SCREENING, Status.PENDING_REVIEW):
            story = transitions.transition(story, to=status, actor=transitions.SCREENING)
    if not outcome:
        return
    with time_machine.travel(arrived + hours * HOUR, tick=False):
        if outcome == "publish":
            moderation_decisions.testimonial_approve(public_id=story.public_id, moderator=decider)
        else:
            moderation_decisions.testimonial_reject(
                public_id=story.public_id, moderator=decider, reason=outcome
            )


def test_an_organisation_admin_compares_their_locations(live_server, page, group, screenshot_dir):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "olivia")
    page.fill("#id_password", "olivia-pass-123")
    page.click("input[type=submit]")
    page.click("#locations-dashboard-link")

    page.wait_for_selector("#dashboard-overview")
    assert page.inner_text("h1") == "Move Well PT: locations dashboard"
    rows = page.locator("#dashboard-overview tbody tr")
    assert rows.count() == 2
    north = page.locator("#overview-north")
    assert north.locator(".received").inner_text() == "14"
    assert north.locator(".reviewed").inner_text() == "13"
    assert page.locator("#overview-south .received").inner_text() == "10"
    assert page.locator("#location-north tbody tr[data-week]").count() == 8
    assert "Smile" not in page.inner_text("body")
    page.select_option("#dashboard-weeks", "4")
    page.click("#dashboard-choice input[type=submit]")
    page.wait_for_selector("#location-north")
    assert page.locator("#location-north tbody tr[data-week]").count() == 4
    page.select_option("#dashboard-weeks", "8")
    page.click("#dashboard-choice input[type=submit]")
    page.wait_for_selector("#location-north")
    page.screenshot(path=str(screenshot_dir / "dashboard.png"), full_page=True)


def _asks(location, *, clicked, submitted, total):
    """`total` asks sent this week at `location`: `clicked` of them opened
    their link, `submitted` of those shared a story."""
    topic = TopicFactory(slug=f"asks-{location.slug}", organisation=location.organisation)
    now = timezone.now()
    for n in range(total):
        visit = Visit.objects.create(
            organisation=location.organisation, location=location, external_id=f"{location}-{n}",
            completed_at=now - HOUR, status="scheduled",
        )  # fmt: skip
        invitation = Invitation.objects.create(
            topic=topic, email="", created_by_label="visit", expires_at=now + 30 * DAY,
            link_opened_at=now if n < clicked else None,
            used_at=now if n < submitted else None,
        )  # fmt: skip
        Ask.objects.create(
            visit=visit, organisation=location.organisation, due_at=now, status="invited",
            invitation=invitation, decided_at=now,
        )  # fmt: skip


def test_an_organisation_admin_opens_the_asks_funnel_from_the_dashboard(
    live_server, page, group, screenshot_dir
):
    north, south = Location.objects.filter(organisation=group).order_by("slug")
    _asks(north, clicked=2, submitted=1, total=4)
    _asks(south, clicked=0, submitted=0, total=1)
    _asks(Location.objects.get(slug="downtown"), clicked=1, submitted=1, total=1)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(f"{live_server.url}/admin/login/?next=/admin/dashboard/")
    page.fill("#id_username", "olivia")
    page.fill("#id_password", "olivia-pass-123")
    page.click("input[type=submit]")
    page.click("#asks-funnel-link")

    page.wait_for_selector("#funnel-north")
    assert page.inner_text("h1") == "Move Well PT: asks funnel"
    this_week = page.locator("#funnel-north tbody tr").first
    assert this_week.locator(".asked").inner_text() == "4"
    assert this_week.locator(".link-clicked").inner_text() == "2"
    assert this_week.locator(".clicked-rate").inner_text() == "50%"
    assert this_week.locator(".submitted-rate").inner_text() == "25%"
    assert page.locator("#funnel-south tbody tr").first.locator(".asked").inner_text() == "1"
    assert "Smile" not in page.inner_text("body")
    with page.expect_download() as download:
        page.click("#funnel-csv")
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[1].startswith("north,Move Well North,")
    assert len(lines) == 1 + 2 * 8
    assert errors == []
    page.screenshot(path=str(screenshot_dir / "asks-funnel.png"), full_page=True)
