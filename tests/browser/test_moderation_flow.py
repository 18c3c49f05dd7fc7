"""A moderator clears the queue in a real headless Chromium."""

import pytest

from moderation.accounts import moderators as moderation_moderators
from tests.factories import ConsentTextFactory, TestimonialFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REDACTABLE = "Jenna at the front desk and my therapist were wonderful, call me on 541-555-0123."
REDACTED = "[name] at the front desk and my therapist were wonderful, call me on [phone]."
PHONE_AT = REDACTABLE.index("541-555-0123")
OFF_TOPIC = "The parking lot needs repainting and the coffee machine was broken again today."


@pytest.fixture
def queue():
    topic = TopicFactory()
    ConsentTextFactory()
    moderation_moderators.moderator_create(username="alice", password="alice-pass-123")
    flagged = TestimonialFactory(
        topic=topic,
        status="pending_review",
        body=REDACTABLE,
        suggested_body=REDACTED,
        risk_score=60,
        flag_kinds=",pii,",
        screening_flags=[
            {
                "kind": "pii",
                "entity": "PERSON",
                "severity": "medium",
                "start": 0,
                "end": 5,
                "detail": "A name.",
            },
            {
                "kind": "pii",
                "entity": "PHONE",
                "severity": "high",
                "start": PHONE_AT,
                "end": PHONE_AT + 12,
                "detail": "A phone number.",
            },
        ],
    )
    off_topic = TestimonialFactory(
        topic=topic, status="pending_review", body=OFF_TOPIC, risk_score=0
    )
    return topic, flagged, off_topic


def test_a_moderator_redacts_one_story_and_rejects_another(
    live_server, page, queue, screenshot_dir
):
    topic, flagged, off_topic = queue
    page.goto(f"{live_server.url}/admin/login/?next=/admin/testimonials/testimonial/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "alice-pass-123")
    page.click("input[type=submit]")

    page.wait_for_selector("#result_list")
    assert page.locator("#result_list tbody tr").count() == 2
    assert page.locator("#result_list .flag-badge.flag-pii").count() == 1
    page.screenshot(path=str(screenshot_dir / "queue.png"), full_page=True)

    page.click(f"text={REDACTABLE[:40]}")
    page.wait_for_selector("#story mark.flag")
    marks = page.locator("#story mark.flag")
    assert marks.count() == 2
    assert marks.nth(0).inner_text() == "Jenna"
    assert marks.nth(1).inner_text() == "541-555-0123"
    assert "A phone number." in (marks.nth(1).get_attribute("title") or "")
    assert page.input_value("#edited-body") == REDACTED
    page.screenshot(path=str(screenshot_dir / "review.png"), full_page=True)

    page.keyboard.press("e")
    assert page.evaluate("document.activeElement.id") == "edited-body"
    page.fill("#edited-body", "[name] at the front desk and my therapist were wonderful, […].")
    page.click("#approve-edited-button")

    page.wait_for_selector(f"text={OFF_TOPIC[:30]}")
    assert "Story published." in page.inner_text(".messagelist")
    page.keyboard.press("r")
    page.select_option("#reject-reason", "off_topic")
    page.click("#reject-button")
    page.wait_for_selector(".messagelist")
    assert "The queue is empty." in page.inner_text(".messagelist")

    page.goto(f"{live_server.url}/education/{topic.slug}/")
    text = page.inner_text("main")
    assert "[name] at the front desk and my therapist were wonderful, […]." in text
    assert "Jenna" not in text
    assert "541-555-0123" not in text
    assert "parking lot" not in text
    flagged.refresh_from_db()
    off_topic.refresh_from_db()
    assert (flagged.status, flagged.body) == ("published", REDACTABLE), "the original is kept"
    assert (off_topic.status, off_topic.rejection_reason) == ("rejected", "off_topic")
