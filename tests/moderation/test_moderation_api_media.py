"""The moderation API's story detail lists the story's photo, video and
audio: what the patient wrote of them and a link to the staff-only copy
the review page shows; a reviewer is shown their kind and size only, and
another organisation's staff nothing."""

from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client

from testimonials.media.services import media_storage
from testimonials.models import StoryMedia
from tests.moderation import test_scoped_moderation as scoped
from tests.moderation.test_scoped_moderation import token_client

MOD = "/api/v1/moderation/testimonials"
PHOTO = b"\xff\xd8 a photo of the patient"
ALT = "Me on the beach after my knee healed"

places = scoped.places


def with_media(story):
    name = media_storage().save("knee.jpg", ContentFile(PHOTO))
    StoryMedia.objects.create(
        testimonial=story,
        kind="photo",
        storage_name=name,
        content_type="image/jpeg",
        sha256="0" * 64,
        width=64,
        height=48,
        alt_text=ALT,
    )
    StoryMedia.objects.create(
        testimonial=story,
        kind="video",
        status="withdrawn",
        content_type="video/mp4",
        sha256="1" * 64,
        duration_seconds=9.5,
        captions="WEBVTT\n\n00:00.000 --> 00:02.000\nI can run again.",
    )
    return story


def test_the_detail_lists_the_media_with_the_review_pages_copy(places):
    story = with_media(places["north"])
    moderator = token_client("mia", "--organisation", "move-well")

    shown = moderator.get(f"{MOD}/{story.public_id}/").json()

    photo, video = shown["media"]
    review_url = photo.pop("review_url")
    assert photo == {
        "kind": "photo",
        "status": "pending",
        "alt": ALT,
        "captions": "",
        "width": 64,
        "height": 48,
        "duration": None,
    }
    assert (video["status"], video["duration"], video["review_url"]) == ("withdrawn", 9.5, None)
    assert video["captions"].endswith("I can run again.")
    assert review_url.startswith("http://testserver/admin/")
    browser = Client()
    browser.force_login(get_user_model().objects.get(username="mia"))
    copy = browser.get(urlsplit(review_url).path)
    assert copy.status_code == 200
    assert b"".join(copy.streaming_content) == PHOTO
    assert "no-store" in copy["Cache-Control"]
    assert Client().get(urlsplit(review_url).path).status_code == 302, "staff only"


def test_a_reviewer_sees_the_kind_but_not_the_media_or_what_was_written(places):
    story = with_media(places["north"])
    reviewer = token_client("rita", "--organisation", "move-well", "--role", "reviewer")

    shown = reviewer.get(f"{MOD}/{story.public_id}/").json()

    assert [(m["kind"], m["alt"], m["captions"], m["review_url"]) for m in shown["media"]] == [
        ("photo", "", "", None),
        ("video", "", "", None),
    ]
    assert shown["media"][0]["width"] == 64


def test_another_organisations_staff_get_no_detail_and_no_copy(places):
    story = with_media(places["north"])
    mia = token_client("mia", "--organisation", "move-well")
    review_url = mia.get(f"{MOD}/{story.public_id}/").json()["media"][0]["review_url"]
    outsider = token_client("sam", "--organisation", "smile")

    assert outsider.get(f"{MOD}/{story.public_id}/").status_code == 404
    browser = Client()
    browser.force_login(get_user_model().objects.get(username="sam"))
    assert browser.get(urlsplit(review_url).path).status_code in (403, 404)
