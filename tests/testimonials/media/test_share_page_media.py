"""The hosted share page takes a photo by the same rules as the API."""

import pytest

from testimonials.models import Authorization, StoryMedia, Testimonial
from tests.testimonials.media.conftest import photo_with_gps, stored_files, upload

STORY = "After four sessions and the home exercises I can sit through a workday again."


@pytest.fixture
def form(consent, topic):
    return {
        "author_name": "Maria Lopez",
        "body": STORY,
        "consent_to_publish": "on",
        "consent_text_version": consent.version,
        "channels": ["clinic", "partners", "widget"],
        "expires_in": "24",
        "age": "adult",
        "signature": "Maria Lopez",
        "website": "",
    }


def test_the_share_page_asks_for_a_photo_in_a_multipart_form(client, topic, consent):
    html = client.get(f"/share/{topic.slug}/").content.decode()

    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="photo"' in html


def test_a_photo_sent_with_the_share_page_is_stored_and_named_by_the_authorization(
    client, topic, form
):
    response = client.post(
        f"/share/{topic.slug}/",
        {**form, "photo": upload(photo_with_gps(), "image/jpeg"), "photo_alt": "On a walk"},
    )

    assert response.status_code == 303
    media = StoryMedia.objects.get()
    assert (media.kind, media.alt_text, media.status) == ("photo", "On a walk", "pending")
    assert Authorization.objects.get().media == "photo"
    assert "With: my photo" in client.get(response["Location"]).content.decode()


def test_a_hostile_photo_on_the_share_page_is_refused_with_nothing_stored(client, topic, form):
    response = client.post(
        f"/share/{topic.slug}/",
        {**form, "photo": upload(b"<svg onload=alert(1)>", "image/jpeg", "cat.jpg")},
    )

    assert response.status_code == 400
    assert "The file is not the kind of image it says it is." in response.content.decode()
    assert Testimonial.objects.count() == 0
    assert stored_files() == []
