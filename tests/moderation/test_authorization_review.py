"""What moderators see of a story's authorization."""

from testimonials.models import Authorization
from tests.factories import TestimonialFactory

ORIGINAL = "Jenna at the desk was kind and my back pain eased after six sessions."


def test_the_detail_and_the_review_page_show_the_authorization(moderator_client, client, moderator):
    story = TestimonialFactory(body=ORIGINAL, authorization__channels=["clinic"])
    detail = moderator_client.get(f"/api/v1/moderation/testimonials/{story.public_id}/").json()
    assert detail["authorization"]["state"] == "active"
    assert detail["authorization"]["channels"] == ["clinic"]
    client.force_login(moderator)
    page = client.get(f"/admin/testimonials/testimonial/{story.pk}/review/").content.decode()
    assert 'data-state="active"' in page
    assert "Signed by the patient with the story" in page


def test_an_edit_awaiting_the_patient_shows_its_diff(moderator_client, client, moderator):
    story = TestimonialFactory(body=ORIGINAL)
    moderator_client.post(
        f"/api/v1/moderation/testimonials/{story.public_id}/approve",
        {"body": "The desk staff were kind and my back pain is gone."},
        format="json",
    )
    detail = moderator_client.get(f"/api/v1/moderation/testimonials/{story.public_id}/").json()
    assert (detail["status"], detail["authorization"]["state"]) == (
        "published",
        "awaiting_approval",
    )
    assert (
        detail["history"][-1]["reason"]
        == "approved with an edit that awaits the patient's approval"
    )
    client.force_login(moderator)
    page = client.get(f"/admin/testimonials/testimonial/{story.pk}/review/").content.decode()
    assert 'id="awaiting-approval"' in page
    assert "<ins>" in page


def test_a_redaction_is_recorded_as_a_new_authorization_row(moderator_client):
    story = TestimonialFactory(body=ORIGINAL)
    moderator_client.post(
        f"/api/v1/moderation/testimonials/{story.public_id}/approve",
        {"body": "[name] at the desk was kind and my back pain eased after six sessions."},
        format="json",
    )
    rows = list(Authorization.objects.filter(testimonial=story).order_by("id"))
    assert [(row.basis, row.created_by) for row in rows] == [
        ("signed", "patient"),
        ("redaction", "alice"),
    ]
    assert rows[0].superseded_at is not None
    assert rows[1].parent == rows[0]
    assert rows[1].signature == rows[0].signature
