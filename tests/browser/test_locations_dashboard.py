"""An organisation admin opens the locations dashboard from the admin index
in a real headless Chromium (its screenshot is the one in the docs)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from moderation.decisions import services as moderation_decisions
from moderation.models import StaffMembership, StaffRole
from testimonials import transitions
from testimonials.models import Location, Organisation, RejectionReason, Status
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
