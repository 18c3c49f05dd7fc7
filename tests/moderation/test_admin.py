import pytest
from django.test import Client

from testimonials.models import StatusChange
from tests.factories import TestimonialFactory

CHANGELIST = "/admin/testimonials/testimonial/"


@pytest.fixture
def moderator_browser(moderator):
    browser = Client()
    assert browser.login(username="alice", password="alice-pass-123")
    return browser


def test_the_admin_opens_on_the_review_queue(moderator_browser, topic):
    TestimonialFactory(status="pending_review", body="Waiting for a decision, please.")
    TestimonialFactory(status="published", body="Already out on the page.")
    response = moderator_browser.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Waiting for a decision" in html
    assert "Already out on the page" not in html
    assert (
        "Already out on the page"
        in moderator_browser.get(CHANGELIST + "?status=all").content.decode()
    )


def test_the_approve_action_calls_the_same_service_and_audits(moderator_browser, moderator, topic):
    testimonial = TestimonialFactory(status="pending_review")
    response = moderator_browser.post(
        CHANGELIST,
        {"action": "approve_selected", "_selected_action": [testimonial.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 approved." in response.content.decode()
    testimonial.refresh_from_db()
    assert testimonial.status == "published"
    assert StatusChange.objects.get().actor == moderator


def test_the_reject_action_needs_a_reason(moderator_browser, topic):
    testimonial = TestimonialFactory(status="pending_review")
    response = moderator_browser.post(
        CHANGELIST, {"action": "reject_selected", "_selected_action": [testimonial.pk]}, follow=True
    )
    assert "Choose a rejection reason first." in response.content.decode()
    testimonial.refresh_from_db()
    assert testimonial.status == "pending_review"
    moderator_browser.post(
        CHANGELIST,
        {
            "action": "reject_selected",
            "_selected_action": [testimonial.pk],
            "reason": "spam",
            "note": "",
        },
    )
    testimonial.refresh_from_db()
    assert (testimonial.status, testimonial.rejection_reason) == ("rejected", "spam")


def test_an_action_on_an_item_no_longer_waiting_says_so(moderator_browser, topic):
    testimonial = TestimonialFactory(status="withdrawn")
    response = moderator_browser.post(
        CHANGELIST + "?status=all",
        {"action": "approve_selected", "_selected_action": [testimonial.pk]},
        follow=True,
    )
    assert "cannot become published" in response.content.decode()
    testimonial.refresh_from_db()
    assert testimonial.status == "withdrawn"


def test_the_review_page_shows_flags_with_their_text(moderator_browser, topic):
    testimonial = TestimonialFactory(
        status="pending_review",
        body="See www.my-blog.example.com for more.",
        screening_flags=[
            {
                "kind": "pii",
                "entity": "URL",
                "severity": "medium",
                "start": 4,
                "end": 27,
                "detail": "A web address.",
            }
        ],
    )
    html = moderator_browser.get(f"{CHANGELIST}{testimonial.pk}/change/").content.decode()
    assert "<q>www.my-blog.example.com</q>" in html
    assert 'See <mark title="URL">www.my-blog.example.com</mark> for more.' in html


def test_the_story_is_escaped_around_its_highlights(topic):
    from moderation.admin import highlight

    flags = [{"kind": "abuse", "start": 10, "end": 15, "severity": "medium", "detail": "x"}]
    assert highlight("<b>hi</b> idiot", flags) == (
        '&lt;b&gt;hi&lt;/b&gt; <mark title="abuse">idiot</mark>'
    )


def test_the_suggested_redaction_is_approved_in_one_action(moderator_browser, topic):
    testimonial = TestimonialFactory(
        status="pending_review", body="Ask for Bree!", suggested_body="Ask for [name]!"
    )
    moderator_browser.post(
        CHANGELIST,
        {"action": "approve_with_suggestion", "_selected_action": [testimonial.pk]},
        follow=True,
    )
    testimonial.refresh_from_db()
    assert (testimonial.status, testimonial.published_body) == ("published", "Ask for [name]!")


def test_moderators_cannot_manage_topics_or_accounts(moderator_browser):
    assert moderator_browser.get("/admin/testimonials/topic/add/").status_code == 403
    assert moderator_browser.get("/admin/auth/user/").status_code == 403
    assert moderator_browser.get("/admin/testimonials/consenttext/add/").status_code == 403


def test_nobody_deletes_or_adds_stories_in_the_admin(admin_user, topic):
    browser = Client()
    browser.force_login(admin_user)
    testimonial = TestimonialFactory(status="pending_review")
    assert browser.get(f"{CHANGELIST}{testimonial.pk}/delete/").status_code == 403
    assert browser.get(f"{CHANGELIST}add/").status_code == 403


def test_staff_without_the_moderator_role_cannot_decide(patient_user, topic):
    patient_user.is_staff = True
    patient_user.save()
    browser = Client()
    browser.force_login(patient_user)
    testimonial = TestimonialFactory(status="pending_review")
    response = browser.post(
        CHANGELIST, {"action": "approve_selected", "_selected_action": [testimonial.pk]}
    )
    assert response.status_code == 403
    testimonial.refresh_from_db()
    assert testimonial.status == "pending_review"
