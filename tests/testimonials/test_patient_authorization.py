"""What the patient does with their authorization on their page (and the
API): read their copy, approve an edit, narrow it, renew it."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from moderation.models import PatientNotification
from testimonials.models import Authorization, ConsentNotice, PublicationChange, Testimonial
from testimonials.stories import withdrawal
from testimonials.stories.patient_links import patient_secret
from tests.factories import PATIENT_NAME

STORY = "After four sessions my back stopped aching, though mornings are still stiff."
MEANING = "After four sessions my back stopped aching completely."


def page_url(testimonial):
    return f"/stories/{testimonial.public_id}/{patient_secret(testimonial.public_id)}/"


def api_url(testimonial):
    return f"/api/v1/testimonials/{testimonial.public_id}/{patient_secret(testimonial.public_id)}/"


def shown(api_client, **params):
    response = api_client.get("/api/v1/published/", params)
    return [item["body"] for item in response.json()["results"]]


@pytest.fixture
def story(publish):
    return publish(body=STORY, email="maria@example.com")


def test_the_page_is_the_patients_copy_of_what_they_signed(client, story, consent):
    html = client.get(page_url(story)).content.decode()
    authorization = Authorization.objects.get(testimonial=story)
    assert 'data-state="active"' in html
    assert authorization.content_sha256 in html
    assert "The clinic&#x27;s own pages; Partner websites; The widget on other websites" in html
    assert "Your right to revoke." in html
    assert "do not depend on whether you sign" in html
    assert "may no longer be protected by federal privacy rules" in html
    assert authorization.expires_at.strftime("%B") in html
    assert consent.text in html


def test_the_patient_approves_an_edit_made_on_their_page_with_a_signature(
    client, api_client, moderator, story, committed
):
    from moderation.decisions import services as moderation_decisions

    committed(
        moderation_decisions.testimonial_edit_published,
        public_id=story.public_id,
        moderator=moderator,
        body=MEANING,
    )
    story.refresh_from_db()
    assert shown(api_client) == []
    notice = ConsentNotice.objects.get(kind="approve_edit")
    assert notice.authorization.testimonial == story
    html = client.get(page_url(story)).content.decode()
    assert "An edit waits for your approval" in html
    assert "<del>aching, though mornings are still stiff.</del>" in html
    assert "<ins>aching completely.</ins>" in html

    stale = client.post(
        f"{page_url(story)}approve", {"signature": "Maria Lopez", "version": story.version - 1}
    )
    assert stale.status_code == 409
    unsigned = client.post(f"{page_url(story)}approve", {"version": story.version})
    assert unsigned.status_code == 400
    assert "Type your name to sign." in unsigned.content.decode()

    approved = committed(
        client.post,
        path=f"{page_url(story)}approve",
        data={"signature": "Maria Lopez", "version": story.version},
    )
    assert approved.status_code == 303
    assert shown(api_client) == [MEANING]
    latest = Authorization.objects.get(testimonial=story, superseded_at=None)
    assert (latest.basis, latest.signature_method, latest.text) == (
        "patient_approval",
        "typed",
        MEANING,
    )
    assert list(PublicationChange.objects.values_list("event", flat=True)) == [
        "testimonial.published",
        "testimonial.unpublished",
        "testimonial.published",
    ]
    history = client.get(page_url(story)).content.decode()
    assert "The patient approved an edited text" in history
    assert "<ins>aching completely.</ins>" in history


def test_a_meaning_changing_approval_waits_for_the_patient_without_a_published_email(
    client, api_client, moderator, consent, topic, committed
):
    from moderation.decisions import services as moderation_decisions
    from tests.factories import TestimonialFactory

    waiting = TestimonialFactory(body=STORY, email="maria@example.com")
    approved = committed(
        moderation_decisions.testimonial_approve,
        public_id=waiting.public_id,
        moderator=moderator,
        body=MEANING,
    )
    assert approved.status == "published"
    assert shown(api_client) == []
    assert PublicationChange.objects.count() == 0, "nothing became public"
    assert PatientNotification.objects.count() == 0, "no 'your story is published' email"
    assert ConsentNotice.objects.filter(kind="approve_edit").count() == 1
    assert client.get(page_url(approved)).context["status_words"].startswith("Waiting for your")
    detail = api_client.get(api_url(approved)).json()
    assert detail["authorization"]["state"] == "awaiting_approval"

    response = committed(
        api_client.post,
        path=f"{api_url(approved)}approve-edit",
        data={"signature": "Maria Lopez"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["authorization"]["state"] == "active"
    assert shown(api_client) == [MEANING]
    assert list(PublicationChange.objects.values_list("event", flat=True)) == [
        "testimonial.published"
    ]


def test_approving_when_nothing_waits_is_a_conflict(api_client, story):
    response = api_client.post(
        f"{api_url(story)}approve-edit", {"signature": "Maria Lopez"}, format="json"
    )
    assert response.status_code == 409


def test_narrowing_on_the_page_takes_effect_everywhere_at_once(client, api_client, story, topic):
    response = client.post(
        f"{page_url(story)}narrow",
        {"channels": ["clinic", "widget"], "display_preference": "initials"},
    )
    assert response.status_code == 303
    assert shown(api_client) == []
    assert shown(api_client, channel="widget") == [STORY]
    page = client.get(f"/education/{topic.slug}/").content.decode()
    assert "M. L." in page
    assert "Maria L." not in page
    story.refresh_from_db()
    assert (story.display_preference, story.public_name) == ("initials", "M. L.")
    current = Authorization.objects.get(testimonial=story, superseded_at=None)
    assert (current.basis, current.channels) == ("narrowed", ["clinic", "widget"])
    assert current.signature == PATIENT_NAME, "the original signature still governs"


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        ({"channels": [], "display_preference": "first_name_initial"}, "Keep at least one"),
        ({"channels": ["clinic"], "display_preference": "full_name"}, "only show less"),
    ],
)
def test_narrowing_never_widens_or_empties(client, story, form, problem):
    response = client.post(f"{page_url(story)}narrow", form)
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert Authorization.objects.filter(testimonial=story).count() == 1


def test_narrowing_through_the_api(api_client, story):
    response = api_client.post(
        f"{api_url(story)}narrow",
        {"channels": ["clinic"], "display_preference": "anonymous"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["authorization"]["channels"] == ["clinic"]
    assert response.json()["display_name"] == "Anonymous patient"


def test_renewing_signs_again_and_moves_the_expiry(client, story, settings):
    current = Authorization.objects.get(testimonial=story)
    with time_machine.travel(current.expires_at - timedelta(days=10), tick=False):
        html = client.get(page_url(story)).content.decode()
        assert "Keep your story up" in html
        renewed = client.post(
            f"{page_url(story)}renew",
            {
                "signature": "Maria Lopez",
                "expires_in": "12",
                "channels": ["clinic", "partners"],
                "display_preference": "full_name",
            },
        )
        assert renewed.status_code == 303
        latest = Authorization.objects.get(testimonial=story, superseded_at=None)
        assert latest.basis == "renewed"
        assert latest.channels == ["clinic", "partners"]
        assert latest.display_name == PATIENT_NAME
        assert latest.expires_at > timezone.now() + timedelta(days=360)
        assert ConsentNotice.objects.filter(authorization=latest, kind="copy").exists()
    story.refresh_from_db()
    assert story.public_name == PATIENT_NAME


def test_after_expiry_the_way_back_is_a_new_story(api_client, story):
    current = Authorization.objects.get(testimonial=story)
    with time_machine.travel(current.expires_at + timedelta(hours=1), tick=False):
        response = api_client.post(
            f"{api_url(story)}renew", {"signature": "Maria Lopez"}, format="json"
        )
    assert response.status_code == 409


def test_a_withdrawn_story_can_be_neither_narrowed_nor_renewed(client, story):
    withdrawal.testimonial_withdraw(testimonial=story)
    html = client.get(page_url(story)).content.decode()
    assert 'data-state="revoked"' in html
    assert 'id="narrow-button"' not in html
    assert client.post(f"{page_url(story)}narrow", {"channels": ["clinic"]}).status_code == 409
    assert Testimonial.objects.get().status == "withdrawn"
