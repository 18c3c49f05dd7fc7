"""Media always need a person: the review page shows them with their alt
text and screened captions, a bulk action never approves them, and video
and audio are probed and stripped by ffmpeg."""

import io
import json
import subprocess
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from moderation.intake import screening as intake
from testimonials.models import StoryMedia, Testimonial
from tests.testimonials.media.conftest import (
    CAMERA,
    needs_ffmpeg,
    photo_with_gps,
    recording,
    stored_files,
    upload,
)

CHANGELIST = "/admin/testimonials/testimonial/"
CAPTIONS = """WEBVTT

1
00:00:00.000 --> 00:00:01.000
<v Maria>Call me on 555-201-7788 any time.
"""


@pytest.fixture
def moderator_browser(moderator):
    browser = Client()
    assert browser.login(username="alice", password="alice-pass-123")
    return browser


def screened(public_id) -> Testimonial:
    testimonial = Testimonial.objects.get(public_id=public_id)
    intake.testimonial_screen(testimonial_id=testimonial.pk)
    testimonial.refresh_from_db()
    return testimonial


def test_the_review_page_shows_the_photo_and_its_alt_text(moderator_browser, submission, send):
    response = send(
        submission, photo=upload(photo_with_gps(), "image/jpeg"), photo_alt="Maria on a walk"
    )
    testimonial = screened(response.json()["id"])
    media = StoryMedia.objects.get()

    page = moderator_browser.get(
        reverse("admin:testimonials_testimonial_review", args=[testimonial.pk])
    )

    html = page.content.decode()
    url = reverse("admin:testimonials_testimonial_media", args=[testimonial.pk, media.public_id])
    assert f'<img src="{url}" alt="Maria on a walk"' in html
    copy = moderator_browser.get(url)
    assert copy.status_code == 200
    assert "no-store" in copy["Cache-Control"]
    assert copy["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert CAMERA.encode() not in b"".join(copy.streaming_content)
    assert Client().get(url).status_code == 302, "signed-in staff only"


def test_a_bulk_approval_never_publishes_a_story_with_media(
    moderator_browser, submission, send, api_client
):
    with_photo = screened(
        send(submission, photo=upload(photo_with_gps(), "image/jpeg")).json()["id"]
    )
    text_only = screened(
        api_client.post("/api/v1/testimonials/", submission, format="json").json()["id"]
    )
    Testimonial.objects.filter(pk__in=[with_photo.pk, text_only.pk]).update(risk_score=0)

    response = moderator_browser.post(
        CHANGELIST,
        {"action": "approve_low_risk", "_selected_action": [with_photo.pk, text_only.pk]},
        follow=True,
    )

    html = response.content.decode()
    assert "1 approved." in html
    assert "A story with a photo or video needs a review of its own." in html
    with_photo.refresh_from_db()
    text_only.refresh_from_db()
    assert (with_photo.status, text_only.status) == ("pending_review", "published")
    assert StoryMedia.objects.get().status == "pending"


@needs_ffmpeg
def test_captions_are_screened_like_the_story_and_shown_with_their_flags(
    moderator_browser, submission, send, tmp_path
):
    response = send(
        submission,
        video=upload(recording(tmp_path), "video/mp4", "clip.mp4"),
        video_captions=CAPTIONS,
    )
    assert response.status_code == 202, response.content

    testimonial = screened(response.json()["id"])

    media = StoryMedia.objects.get()
    [flag] = [f for f in media.captions_flags if f["kind"] == "pii"]
    assert flag["entity"] == "PHONE"
    words = "Call me on 555-201-7788 any time."
    assert words[flag["start"] : flag["end"]] == "555-201-7788"
    on_story = [f for f in testimonial.screening_flags if f["detail"].startswith("In the video")]
    assert on_story
    assert on_story[0]["start"] is None
    page = moderator_browser.get(
        reverse("admin:testimonials_testimonial_review", args=[testimonial.pk])
    ).content.decode()
    assert "<video src=" in page
    assert words in page
    assert "captions-flags" in page


def probe(data: bytes, tmp_path) -> dict:
    path = tmp_path / "served"
    path.write_bytes(data)
    output = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", str(path)],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    probed: dict = json.loads(output)
    return probed


@needs_ffmpeg
@pytest.mark.parametrize(
    ("audio_only", "content_type", "kind"),
    [(False, "video/mp4", "video"), (True, "audio/mp4", "audio")],
    ids=["video", "audio"],
)
def test_a_recording_is_published_without_its_metadata_and_with_its_captions(
    api_client, submission, send, review_and_publish, tmp_path, audio_only, content_type, kind
):
    sent = recording(tmp_path, audio_only=audio_only)
    assert "location" in json.dumps(probe(sent, tmp_path)["format"].get("tags", {}))
    response = send(
        submission,
        video=upload(sent, content_type, "clip.mp4"),
        video_captions="WEBVTT\n\n00:00.000 --> 00:01.000\nMy first walk.\n",
    )
    assert response.status_code == 202, response.content
    review_and_publish(response.json()["id"])

    [media] = api_client.get("/api/v1/published/").json()["results"][0]["media"]
    served = api_client.get(urlsplit(media["url"]).path)
    data = b"".join(served.streaming_content)

    assert media["kind"] == kind
    tags = probe(data, tmp_path)["format"].get("tags", {})
    assert "location" not in json.dumps(tags)
    assert CAMERA not in json.dumps(tags)
    assert CAMERA.encode() not in data
    captions = api_client.get(urlsplit(media["captions_url"]).path)
    assert captions["Content-Type"] == "text/vtt; charset=utf-8"
    assert b"My first walk." in captions.content


@needs_ffmpeg
@pytest.mark.parametrize(
    ("content", "content_type", "message"),
    [
        (b"\x1a\x45\xdf\xa3" + b"\x00" * 64, "video/webm", "could not be read"),
        (io.BytesIO(photo_with_gps()).getvalue(), "video/mp4", "not the kind of recording"),
        (b"GIF89a" + b"\x00" * 64, "image/gif", "Send an MP4, WebM or M4A recording."),
    ],
    ids=["broken-webm", "jpeg-declared-mp4", "gif"],
)
def test_it_refuses_a_bad_recording_and_stores_nothing(
    submission, send, content, content_type, message
):
    response = send(submission, video=upload(content, content_type, "clip"))

    assert response.status_code == 400
    assert message in str(response.json())
    assert Testimonial.objects.count() == 0
    assert stored_files() == []


@needs_ffmpeg
def test_it_refuses_a_recording_longer_than_the_limit(submission, send, tmp_path, settings):
    settings.MEDIA_MAX_VIDEO_SECONDS = 1
    response = send(
        submission, video=upload(recording(tmp_path, seconds=3), "video/mp4", "clip.mp4")
    )

    assert response.status_code == 400
    assert "longer than 1 seconds" in str(response.json())
    assert stored_files() == []
