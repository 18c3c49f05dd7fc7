"""The consent template: versioned, admin-managed, never edited once used."""

import pytest

from testimonials.models import ConsentText
from tests.factories import ConsentTextFactory, TestimonialFactory


def test_a_used_version_is_never_edited(consent, topic):
    TestimonialFactory(consent_text=consent)
    consent.purpose = "Something else entirely."
    with pytest.raises(ValueError, match="add a new version"):
        consent.save()
    consent.refresh_from_db()
    consent.superseded_at = consent.created_at
    consent.save()  # ending it is not editing it


def test_an_unused_version_may_still_be_corrected(db):
    draft = ConsentTextFactory(version="2027-draft")
    draft.text = "Corrected before anyone agreed to it."
    draft.save()
    assert ConsentText.objects.get(version="2027-draft").text.startswith("Corrected")


def test_adding_a_version_in_the_admin_supersedes_the_current_one(client, admin_user, consent):
    client.force_login(admin_user)
    response = client.post(
        "/admin/testimonials/consenttext/add/",
        {
            "version": "2027-01",
            "text": "I agree that the clinic may publish my story where I choose.",
            "discloser": "Riverside Physio",
            "purpose": "To show future patients what the treatment was like.",
            "revocation_statement": "Withdraw it on your page at any time.",
            "conditioning_statement": "Your care does not depend on signing.",
            "redisclosure_statement": "Readers may copy it.",
        },
    )
    assert response.status_code == 302, response.content
    consent.refresh_from_db()
    assert consent.superseded_at is not None
    assert ConsentText.objects.get(version="2027-01").is_current
    page = client.get(f"/admin/testimonials/consenttext/{consent.pk}/change/").content.decode()
    assert 'name="purpose"' not in page, "an existing version is read-only"


def test_authorizations_are_read_only_evidence_in_the_admin(client, admin_user, topic):
    story = TestimonialFactory()
    row = story.authorizations.get()
    client.force_login(admin_user)
    listing = client.get("/admin/testimonials/authorization/").content.decode()
    assert str(story.public_id) in listing
    assert client.get("/admin/testimonials/authorization/add/").status_code == 403
    page = client.get(f"/admin/testimonials/authorization/{row.pk}/change/").content.decode()
    assert row.content_sha256 in page
    assert 'name="signature"' not in page
