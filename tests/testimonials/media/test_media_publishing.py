"""Published media on the education page (an image with its alt text, a
video with its captions track) and in its JSON-LD."""

import json
import re

from tests.testimonials.media.conftest import needs_ffmpeg, photo_with_gps, recording, upload


def page_of(api_client, submission):
    return api_client.get(f"/education/{submission['topic']}/").content.decode()


def json_ld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "the page has JSON-LD"
    data: dict = json.loads(found.group(1))
    return data


def test_the_education_page_shows_the_photo_with_its_alt_text_and_json_ld_names_it(
    api_client, submission, send, review_and_publish
):
    response = send(
        submission, photo=upload(photo_with_gps(), "image/jpeg"), photo_alt="Maria on a walk"
    )
    review_and_publish(response.json()["id"])
    [media] = api_client.get("/api/v1/published/").json()["results"][0]["media"]

    html = page_of(api_client, submission)

    assert f'<img src="{media["url"]}" alt="Maria on a walk" width="64" height="48"' in html
    [review] = json_ld(html)["@graph"]
    assert review["image"] == media["url"]


def test_a_pending_photo_is_on_no_page(api_client, submission, send, review_and_publish):
    send(submission, photo=upload(photo_with_gps(), "image/jpeg"))
    text_only = api_client.post("/api/v1/testimonials/", submission, format="json")
    review_and_publish(text_only.json()["id"])

    html = page_of(api_client, submission)

    assert "<img" not in html
    assert "/media/" not in html


@needs_ffmpeg
def test_a_published_video_carries_its_captions(
    api_client, submission, send, review_and_publish, tmp_path
):
    response = send(
        submission,
        video=upload(recording(tmp_path), "video/mp4", "clip.mp4"),
        video_captions="WEBVTT\n\n00:00.000 --> 00:01.000\nMy first walk.\n",
    )
    review_and_publish(response.json()["id"])
    [media] = api_client.get("/api/v1/published/").json()["results"][0]["media"]

    html = page_of(api_client, submission)

    assert f'src="{media["url"]}"' in html
    assert f'<track kind="captions" src="{media["captions_url"]}" srclang="en"' in html
