"""A patient's photo through the API: published as pixels only, every
hostile file refused with nothing stored, served only while public and
with headers that keep browsers from running it."""

import io
import zipfile
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from PIL import Image

from testimonials.models import StoryMedia, Testimonial
from tests.support.log_canary import CANARY
from tests.testimonials.media.conftest import (
    CAMERA,
    photo_with_gps,
    stored_files,
    upload,
)


def published_item(api_client, public_id):
    items = api_client.get("/api/v1/published/").json()["results"]
    return next(item for item in items if item["id"] == public_id)


def served(api_client, url):
    return api_client.get(urlsplit(url).path)


def test_a_photo_with_gps_is_published_without_any_metadata(
    api_client, submission, send, review_and_publish
):
    sent = photo_with_gps()
    assert CAMERA.encode() in sent
    assert Image.open(io.BytesIO(sent)).getexif().get_ifd(0x8825), "the photo carries GPS"

    response = send(
        submission, photo=upload(sent, "image/jpeg"), photo_alt="Me at the seaside, walking"
    )
    assert response.status_code == 202, response.content
    review_and_publish(response.json()["id"])

    item = published_item(api_client, response.json()["id"])
    [media] = item["media"]
    assert media["kind"] == "photo"
    assert (media["width"], media["height"]) == (64, 48)
    assert media["alt"] == "Me at the seaside, walking"
    assert media["captions_url"] is None
    answer = served(api_client, media["url"])
    assert answer.status_code == 200
    data = b"".join(answer.streaming_content)
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert image.size == (64, 48)
    assert not image.getexif(), "no EXIF at all, so no GPS"
    assert not {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp"} & set(image.info)
    assert CAMERA.encode() not in data
    assert b"Springfield" not in data
    assert b"Exif" not in data


def test_it_serves_media_so_that_no_browser_runs_it(
    api_client, submission, send, review_and_publish
):
    response = send(submission, photo=upload(photo_with_gps(), "image/jpeg"))
    review_and_publish(response.json()["id"])
    [media] = published_item(api_client, response.json()["id"])["media"]

    answer = served(api_client, media["url"])

    assert answer["Content-Type"] == "image/jpeg"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert answer["Content-Disposition"].startswith("inline; filename=")
    again = api_client.get(urlsplit(media["url"]).path, HTTP_IF_NONE_MATCH=answer["ETag"])
    assert again.status_code == 304


def test_it_serves_nothing_before_a_moderator_approves(api_client, submission, send):
    response = send(submission, photo=upload(photo_with_gps(), "image/jpeg"))
    media = StoryMedia.objects.get(testimonial__public_id=response.json()["id"])

    assert api_client.get(f"/media/{media.public_id}/").status_code == 404
    assert media.status == "pending"


@override_settings(MEDIA_PUBLIC_ORIGIN="https://media.clinic.example")
def test_media_urls_use_their_own_origin_when_one_is_set(
    api_client, submission, send, review_and_publish
):
    response = send(submission, photo=upload(photo_with_gps(), "image/jpeg"))
    review_and_publish(response.json()["id"])

    [media] = published_item(api_client, response.json()["id"])["media"]

    assert media["url"].startswith("https://media.clinic.example/media/")


def png_bytes(size=(40, 30), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format="PNG")
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("evil.html", "<script>alert(1)</script>")
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    ("content", "content_type", "limits", "message"),
    [
        (png_bytes(), "image/jpeg", {}, "not the kind of image it says"),
        (b"<html><script>alert(1)</script></html>", "image/jpeg", {}, "not the kind of image"),
        (SVG, "image/svg+xml", {}, "Send a JPEG, PNG, WebP or HEIC photo."),
        (zip_bytes(), "application/zip", {}, "Send a JPEG, PNG, WebP or HEIC photo."),
        # More pixels than twice the limit: Pillow's DecompressionBombError.
        (png_bytes((200, 200)), "image/png", {"MEDIA_MAX_IMAGE_PIXELS": 10_000}, "too many pixels"),
        # Between the limit and twice it: Pillow only warns, we refuse.
        (png_bytes((120, 100)), "image/png", {"MEDIA_MAX_IMAGE_PIXELS": 10_000}, "too many pixels"),
        (png_bytes((300, 20)), "image/png", {"MEDIA_MAX_PHOTO_DIMENSION": 256}, "256 pixels"),
        (photo_with_gps(size=(300, 300)), "image/jpeg", {"MEDIA_MAX_PHOTO_BYTES": 1024}, "larger"),
        (photo_with_gps()[:200], "image/jpeg", {}, "could not be read"),
    ],
    ids=[
        "png-declared-jpeg",
        "html-declared-jpeg",
        "svg",
        "zip",
        "decompression-bomb",
        "just-over-the-pixel-limit",
        "too-wide",
        "too-many-bytes",
        "truncated",
    ],
)
def test_it_refuses_a_hostile_photo_and_stores_nothing(
    submission, send, content, content_type, limits, message
):
    with override_settings(**limits):
        response = send(submission, photo=upload(content, content_type))

    assert response.status_code == 400
    errors = response.json()
    assert list(errors.get("fields", errors)) == ["photo"], errors
    assert message in str(errors)
    assert Testimonial.objects.count() == 0
    assert StoryMedia.objects.count() == 0
    assert stored_files() == []


def test_it_stores_nothing_when_another_field_is_refused(submission, send):
    response = send(
        {**submission, "consent_text_version": "1999-01"},
        photo=upload(photo_with_gps(), "image/jpeg"),
    )

    assert response.status_code == 400
    assert Testimonial.objects.count() == 0
    assert stored_files() == []


def test_a_polyglot_is_neutralised_by_the_reencode(
    api_client, submission, send, review_and_publish
):
    tail = b"<html><script>alert(1)</script></html>" + zip_bytes()
    response = send(submission, photo=upload(photo_with_gps() + tail, "image/jpeg"))
    assert response.status_code == 202
    review_and_publish(response.json()["id"])

    [media] = published_item(api_client, response.json()["id"])["media"]
    data = b"".join(served(api_client, media["url"]).streaming_content)

    assert b"<script" not in data
    assert b"PK\x03\x04" not in data
    assert Image.open(io.BytesIO(data)).format == "JPEG"


def test_a_transparent_png_becomes_a_webp_without_metadata(
    api_client, submission, send, review_and_publish
):
    out = io.BytesIO()
    Image.new("RGBA", (20, 10), (0, 0, 0, 0)).save(out, format="PNG", pnginfo=None)
    response = send(submission, photo=upload(out.getvalue(), "image/png", "photo.png"))
    review_and_publish(response.json()["id"])

    [media] = published_item(api_client, response.json()["id"])["media"]
    answer = served(api_client, media["url"])

    assert answer["Content-Type"] == "image/webp"
    assert Image.open(io.BytesIO(b"".join(answer.streaming_content))).mode == "RGBA"


def test_the_json_api_and_a_story_without_media_are_unchanged(
    api_client, submission, review_and_publish
):
    response = api_client.post("/api/v1/testimonials/", submission, format="json")
    review_and_publish(response.json()["id"])

    item = published_item(api_client, response.json()["id"])

    assert item["media"] == []
    assert CANARY in item["body"]
    assert response.json()["withdraw_media_url"] is None
    assert response.json()["authorization"]["media"] == []


def test_a_heic_photo_from_an_iphone_is_published_as_a_jpeg(
    api_client, submission, send, review_and_publish
):
    image = Image.new("RGB", (32, 24), (10, 200, 30))
    exif = Image.Exif()
    exif[0x010F] = CAMERA
    out = io.BytesIO()
    image.save(out, format="HEIF", exif=exif.tobytes())
    response = send(submission, photo=upload(out.getvalue(), "image/heic", "IMG_0001.HEIC"))
    assert response.status_code == 202, response.content
    review_and_publish(response.json()["id"])

    [media] = published_item(api_client, response.json()["id"])["media"]
    data = b"".join(served(api_client, media["url"]).streaming_content)

    assert Image.open(io.BytesIO(data)).format == "JPEG"
    assert CAMERA.encode() not in data


def test_a_photo_larger_than_a_json_body_may_be_is_taken(submission, send, settings):
    noise = Image.effect_noise((700, 700), 90).convert("RGB")
    out = io.BytesIO()
    noise.save(out, format="PNG")
    assert len(out.getvalue()) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = send(submission, photo=upload(out.getvalue(), "image/png", "big.png"))

    assert response.status_code == 202, response.content


def test_a_json_body_keeps_its_own_size_limit(api_client, submission, settings):
    huge = {**submission, "body": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}

    response = api_client.post("/api/v1/testimonials/", huge, format="json")

    assert response.status_code == 413
