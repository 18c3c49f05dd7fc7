import csv
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from moderation.decisions import services as moderation_decisions
from testimonials.models import StatusChange
from tests.factories import TestimonialFactory, UserFactory

CHANGELIST = "/admin/testimonials/testimonial/"


def review(testimonial):
    return reverse("admin:testimonials_testimonial_review", args=[testimonial.pk])


@pytest.fixture
def moderator_browser(moderator):
    browser = Client()
    assert browser.login(username="alice", password="alice-pass-123")
    return browser


@pytest.fixture
def flagged(topic):
    return TestimonialFactory(
        status="pending_review",
        body="Ask Jenna at www.my-blog.example.com <b>now</b>.",
        screening_flags=[
            {
                "kind": "pii",
                "entity": "PERSON",
                "severity": "medium",
                "start": 4,
                "end": 9,
                "detail": "A name.",
            },
            {
                "kind": "pii",
                "entity": "URL",
                "severity": "medium",
                "start": 13,
                "end": 36,
                "detail": "A web address.",
            },
        ],
        flag_kinds=",pii,",
        risk_score=60,
        email="maria@example.com",
        suggested_body="Ask [name] at [link] <b>now</b>.",
    )


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


def test_the_queue_shows_flag_badges_and_filters_by_flag(moderator_browser, flagged):
    TestimonialFactory(status="pending_review", body="No flags on this one at all.")
    html = moderator_browser.get(CHANGELIST).content.decode()
    assert '<span class="flag-badge flag-pii">pii</span>' in html
    filtered = moderator_browser.get(CHANGELIST + "?flag=pii").content.decode()
    assert "No flags on this one" not in filtered
    assert "Ask Jenna" in filtered


def test_the_admin_index_counts_stories_per_status(moderator_browser, topic):
    TestimonialFactory(status="pending_review")
    TestimonialFactory(status="pending_review")
    TestimonialFactory(status="published")
    html = moderator_browser.get("/admin/").content.decode()
    assert "<strong>2</strong> Pending review" in html
    assert "<strong>1</strong> Published" in html
    assert "Pendingreview" not in html


def test_the_admin_index_names_every_status_in_words(moderator_browser, topic):
    html = moderator_browser.get("/admin/").content.decode()
    shown = re.findall(r"<strong>\d+</strong> ([^<]+)</a>", html)
    assert shown == [
        "Submitted",
        "Screening",
        "Pending review",
        "Published",
        "Rejected",
        "Withdrawn",
        "Unpublished",
    ]


def test_the_review_page_highlights_each_flag_and_escapes_the_story(moderator_browser, flagged):
    response = moderator_browser.get(review(flagged))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<mark class="flag flag-pii" title="pii (PERSON), medium: A name.">Jenna</mark>' in html
    assert ">www.my-blog.example.com</mark>" in html
    assert "&lt;b&gt;now&lt;/b&gt;" in html
    assert "<b>now</b>" not in html
    assert "Ask [name] at [link] &lt;b&gt;now&lt;/b&gt;." in html, "the suggested redaction"


def test_opening_the_page_claims_the_item_and_others_see_who(
    moderator_browser, other_moderator, flagged
):
    moderator_browser.get(review(flagged))
    bob = Client()
    bob.force_login(other_moderator)
    html = bob.get(review(flagged)).content.decode()
    assert "<strong>alice</strong> is reviewing this story" in html
    assert "is reviewing this story" not in moderator_browser.get(review(flagged)).content.decode()


def test_approving_with_the_redaction_keeps_the_original_and_shows_the_diff(
    moderator_browser, flagged, client
):
    response = moderator_browser.post(
        review(flagged),
        {
            "action": "approve_edited",
            "version": flagged.version,
            "body": "Ask [name] at [link] now.",
        },
    )
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.status == "published"
    assert flagged.body.startswith("Ask Jenna")
    assert flagged.published_body == "Ask [name] at [link] now."
    html = moderator_browser.get(review(flagged)).content.decode()
    assert "<del>Jenna</del>" in html
    assert "<ins>[name]</ins>" in html
    page = client.get(f"/education/{flagged.topic.slug}/").content.decode()
    assert "Ask [name] at [link] now." in page
    assert "Jenna" not in page


def test_a_decision_moves_on_to_the_next_item(moderator_browser, flagged, topic):
    calm = TestimonialFactory(status="pending_review", risk_score=0)
    response = moderator_browser.post(review(flagged), {"action": "approve", "version": 1})
    assert response["Location"] == review(calm)
    last = moderator_browser.post(
        review(calm), {"action": "reject", "version": 1, "reason": "off_topic"}
    )
    assert last["Location"] == CHANGELIST


def test_a_stale_decision_on_the_page_is_refused_with_a_message(
    moderator_browser, other_moderator, flagged
):
    moderation_decisions.testimonial_reject(
        public_id=flagged.public_id, moderator=other_moderator, reason="spam"
    )
    response = moderator_browser.post(
        review(flagged), {"action": "approve", "version": 1}, follow=True
    )
    assert "Someone changed this item after you opened it" in response.content.decode()
    flagged.refresh_from_db()
    assert flagged.status == "rejected"


def test_reject_on_the_page_needs_a_reason(moderator_browser, flagged):
    response = moderator_browser.post(
        review(flagged), {"action": "reject", "version": 1}, follow=True
    )
    assert "Reason: Choose one of" in response.content.decode()
    flagged.refresh_from_db()
    assert flagged.status == "pending_review"


def test_the_page_checks_a_decision_as_the_api_does(moderator_browser, moderator_client, flagged):
    """An approval with a blank edited text and a rejection whose note is
    longer than the API takes: refused on the page with the API's own
    words, and nothing is stored."""
    api = moderator_client.post(
        f"/api/v1/moderation/testimonials/{flagged.public_id}/approve",
        {"body": "", "version": 1},
        format="json",
    )
    assert api.status_code == 400
    [blank] = api.json()["body"]

    page = moderator_browser.post(
        review(flagged), {"action": "approve_edited", "version": 1, "body": ""}, follow=True
    )
    assert f"Body: {blank}" in page.content.decode()

    long_note = "x" * 2001
    api = moderator_client.post(
        f"/api/v1/moderation/testimonials/{flagged.public_id}/reject",
        {"reason": "spam", "note": long_note},
        format="json",
    )
    assert api.status_code == 400
    [too_long] = api.json()["note"]
    page = moderator_browser.post(
        review(flagged),
        {"action": "reject", "version": 1, "reason": "spam", "note": long_note},
        follow=True,
    )
    assert f"Note: {too_long}" in page.content.decode()

    flagged.refresh_from_db()
    assert flagged.status == "pending_review"
    assert flagged.published_body == ""
    assert flagged.rejection_note == ""
    assert (
        not StatusChange.objects.filter(testimonial=flagged)
        .exclude(to_status="pending_review")
        .exists()
    )


def test_notes_and_history_show_on_the_page(moderator_browser, flagged):
    moderator_browser.post(
        review(flagged), {"action": "note", "note": "Check with the front desk."}
    )
    moderator_browser.post(
        review(flagged),
        {"action": "reject", "version": 1, "reason": "other", "note": "Needs consent check"},
    )
    html = moderator_browser.get(review(flagged)).content.decode()
    assert "<strong>alice</strong> noted: “Check with the front desk.”" in html
    assert "pending_review → rejected (other): “Needs consent check”" in html


def test_earlier_stories_from_the_same_email_are_linked(moderator_browser, flagged, topic):
    later = TestimonialFactory(status="pending_review", email="maria@example.com")
    html = moderator_browser.get(review(later)).content.decode()
    assert review(flagged) in html


def test_unpublish_and_reopen_from_the_page(moderator_browser, topic):
    published = TestimonialFactory(status="published")
    moderator_browser.post(
        review(published), {"action": "unpublish", "version": 1, "reason": "personal_data"}
    )
    published.refresh_from_db()
    assert published.status == "unpublished"
    moderator_browser.post(
        review(published), {"action": "reopen", "version": 2, "note": "redact instead"}
    )
    published.refresh_from_db()
    assert published.status == "pending_review"


def test_bulk_approve_takes_only_low_risk_items(moderator_browser, flagged, topic):
    calm = TestimonialFactory(status="pending_review", risk_score=0)
    response = moderator_browser.post(
        CHANGELIST,
        {"action": "approve_low_risk", "_selected_action": [calm.pk, flagged.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "1 approved." in html
    assert "1 skipped: risk above 10" in html
    calm.refresh_from_db()
    flagged.refresh_from_db()
    assert (calm.status, flagged.status) == ("published", "pending_review")
    assert StatusChange.objects.filter(to_status="published").count() == 1


def test_the_suggested_redaction_is_approved_in_one_action(moderator_browser, topic):
    testimonial = TestimonialFactory(
        status="pending_review", body="Ask for Bree!", suggested_body="Ask for [name]!"
    )
    plain = TestimonialFactory(status="pending_review", body="Nothing to redact in this one.")
    response = moderator_browser.post(
        CHANGELIST,
        {"action": "approve_with_suggestion", "_selected_action": [testimonial.pk, plain.pk]},
        follow=True,
    )
    testimonial.refresh_from_db()
    plain.refresh_from_db()
    assert (testimonial.status, testimonial.published_body) == ("published", "Ask for [name]!")
    assert plain.status == "pending_review"
    assert "Screening suggested no redaction." in response.content.decode()


def test_bulk_reject_as_spam_audits_each_item(moderator_browser, moderator, topic):
    items = [TestimonialFactory(status="pending_review") for _ in range(3)]
    moderator_browser.post(
        CHANGELIST, {"action": "reject_as_spam", "_selected_action": [t.pk for t in items]}
    )
    changes = StatusChange.objects.filter(to_status="rejected")
    assert changes.count() == 3
    assert {c.testimonial_id for c in changes} == {t.pk for t in items}
    assert all(c.actor == moderator and c.reason == "spam" for c in changes)


def test_the_reject_action_with_a_chosen_reason(moderator_browser, topic):
    testimonial = TestimonialFactory(status="pending_review")
    response = moderator_browser.post(
        CHANGELIST, {"action": "reject_selected", "_selected_action": [testimonial.pk]}, follow=True
    )
    assert "Choose a rejection reason first." in response.content.decode()
    moderator_browser.post(
        CHANGELIST,
        {"action": "reject_selected", "_selected_action": [testimonial.pk], "reason": "duplicate"},
    )
    testimonial.refresh_from_db()
    assert (testimonial.status, testimonial.rejection_reason) == ("rejected", "duplicate")


def test_the_audit_trail_exports_as_csv_for_a_date_range(moderator_browser, moderator, flagged):
    moderation_decisions.testimonial_approve(public_id=flagged.public_id, moderator=moderator)
    response = moderator_browser.get(
        "/admin/testimonials/statuschange/export/?start=2000-01-01&end=2100-01-01"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "at",
        "testimonial",
        "from_status",
        "to_status",
        "actor",
        "reason",
        "details",
    ]
    assert rows[1][1:6] == [
        str(flagged.public_id),
        "pending_review",
        "published",
        "alice",
        "approved",
    ]
    empty = moderator_browser.get(
        "/admin/testimonials/statuschange/export/?start=2000-01-01&end=2000-01-02"
    )
    assert len(list(csv.reader(io.StringIO(b"".join(empty.streaming_content).decode())))) == 1
    backwards = moderator_browser.get(
        "/admin/testimonials/statuschange/export/?start=2020-01-02&end=2020-01-01"
    )
    assert backwards.status_code == 302


def test_the_audit_trail_cannot_be_edited_or_deleted(admin_user, moderator, flagged):
    moderation_decisions.testimonial_approve(public_id=flagged.public_id, moderator=moderator)
    browser = Client()
    browser.force_login(admin_user)
    change = StatusChange.objects.get()
    assert browser.get(f"/admin/testimonials/statuschange/{change.pk}/delete/").status_code == 403
    assert (
        browser.post(
            f"/admin/testimonials/statuschange/{change.pk}/change/", {"reason": "x"}
        ).status_code
        == 403
    )
    change.refresh_from_db()
    assert change.reason == "approved"


# --- Roles ---------------------------------------------------------------------

ADMIN_ONLY_PAGES = [
    "/admin/testimonials/topic/add/",
    "/admin/testimonials/consenttext/add/",
    "/admin/auth/user/",
    "/admin/auth/user/add/",
    "/admin/auth/group/",
    "/admin/moderation/apitoken/",
    "/admin/moderation/apitoken/add/",
]


@pytest.mark.parametrize("page", ADMIN_ONLY_PAGES)
def test_moderators_cannot_manage_topics_consent_accounts_or_settings(moderator_browser, page):
    assert moderator_browser.get(page).status_code == 403


@pytest.mark.parametrize("page", ADMIN_ONLY_PAGES)
def test_admins_manage_topics_consent_and_accounts(admin_user, page):
    browser = Client()
    browser.force_login(admin_user)
    assert browser.get(page).status_code == 200


def test_clinic_admins_group_manages_topics_but_does_not_moderate(db, topic):
    from moderation.accounts.groups import clinic_admins_group_ensure

    manager = UserFactory(username="dana", is_staff=True)
    manager.groups.add(clinic_admins_group_ensure())
    browser = Client()
    browser.force_login(manager)
    assert browser.get("/admin/testimonials/topic/add/").status_code == 200
    assert browser.get("/admin/auth/user/add/").status_code == 200
    testimonial = TestimonialFactory(status="pending_review")
    assert browser.post(review(testimonial), {"action": "approve", "version": 1}).status_code == 403


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
    assert (
        browser.post(
            CHANGELIST, {"action": "approve_low_risk", "_selected_action": [testimonial.pk]}
        ).status_code
        == 403
    )
    assert browser.post(review(testimonial), {"action": "approve", "version": 1}).status_code == 403
    testimonial.refresh_from_db()
    assert testimonial.status == "pending_review"


def test_anonymous_visitors_are_sent_to_the_login(client, flagged):
    response = client.get(review(flagged))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize(
    "model",
    [
        "testimonials/statuschange",
        "moderation/moderatornote",
        "testimonials/dataexport",
        "testimonials/authorization",
        "testimonials/webhookdelivery",
    ],
)
def test_evidence_is_shown_but_never_added_or_changed_in_the_admin(admin_client, model):
    """Audit rows, notes, export records, authorizations and deliveries are
    evidence: even a superuser can list them, never add one."""
    assert admin_client.get(f"/admin/{model}/").status_code == 200
    assert admin_client.get(f"/admin/{model}/add/").status_code == 403
