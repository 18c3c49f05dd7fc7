"""A story's media from upload to deletion, against a local S3-compatible
server: the authorization names them, the patient can take them back and
keep the text, and withdrawal and erasure delete the files from the store."""

from urllib.parse import urlsplit

from django.conf import settings
from django.test import override_settings

from moderation import privacy
from testimonials import transitions
from testimonials.models import Authorization, StoryMedia
from testimonials.tasks import sweep_withdrawn_media
from tests.factories import PATIENT_EMAIL
from tests.testimonials.media.conftest import (
    bucket_keys,
    free_port,
    photo_with_gps,
    upload,
)

LIST = "/api/v1/published/"


def test_withdrawal_removes_the_files_from_the_s3_store(
    s3_media, api_client, submission, send, review_and_publish, django_capture_on_commit_callbacks
):
    response = send(submission, photo=upload(photo_with_gps(), "image/jpeg"))
    assert response.status_code == 202, response.content
    [key] = bucket_keys(s3_media)
    assert key.startswith("media/")
    assert key.endswith(".jpg")
    review_and_publish(response.json()["id"])
    [media] = api_client.get(LIST).json()["results"][0]["media"]
    assert api_client.get(urlsplit(media["url"]).path).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = api_client.post(response.json()["withdraw_url"])

    assert withdrawn.status_code == 200
    assert bucket_keys(s3_media) == []
    assert api_client.get(urlsplit(media["url"]).path).status_code == 404
    row = StoryMedia.objects.get()
    assert (row.status, row.storage_name) == ("withdrawn", "")


def test_a_file_the_store_could_not_delete_goes_with_the_next_sweep(
    s3_media, api_client, submission, send, django_capture_on_commit_callbacks
):
    response = send(submission, photo=upload(photo_with_gps(), "image/jpeg"))
    [key] = bucket_keys(s3_media)
    media = settings.STORAGES["media"]
    nowhere = {"endpoint_url": f"http://127.0.0.1:{free_port()}"}
    store_down = {
        **settings.STORAGES,
        "media": {**media, "OPTIONS": {**media["OPTIONS"], **nowhere}},
    }

    with override_settings(STORAGES=store_down), django_capture_on_commit_callbacks(execute=True):
        withdrawn = api_client.post(response.json()["withdraw_url"])

    assert withdrawn.status_code == 200, "the patient's withdrawal never waits on the store"
    assert bucket_keys(s3_media) == [key]
    assert StoryMedia.objects.get().status == "withdrawn"
    assert sweep_withdrawn_media() == 1
    assert bucket_keys(s3_media) == []
    assert StoryMedia.objects.get().storage_name == ""
    assert sweep_withdrawn_media() == 0


def test_erasure_removes_the_files_and_what_the_patient_wrote_of_them(
    s3_media, submission, send, django_capture_on_commit_callbacks
):
    response = send(
        submission, photo=upload(photo_with_gps(), "image/jpeg"), photo_alt="Maria at the beach"
    )
    assert len(bucket_keys(s3_media)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        privacy.patient_erase(email=PATIENT_EMAIL, actor=transitions.Actor("dpo"))

    assert bucket_keys(s3_media) == []
    row = StoryMedia.objects.get(testimonial__public_id=response.json()["id"])
    assert (row.status, row.storage_name, row.alt_text) == ("withdrawn", "", "")


def test_the_authorization_names_the_media_it_covers(api_client, submission, send):
    response = send(submission, photo=upload(photo_with_gps(), "image/jpeg"))

    assert response.json()["authorization"]["media"] == ["photo"]
    page = api_client.get(response.json()["story_page_url"])
    assert "With: my photo" in page.content.decode()
    without = api_client.post("/api/v1/testimonials/", submission, format="json")
    assert "With:" not in api_client.get(without.json()["story_page_url"]).content.decode()


def test_the_patient_takes_the_photo_back_and_keeps_the_text(
    s3_media, api_client, submission, send, review_and_publish, django_capture_on_commit_callbacks
):
    response = send(submission, photo=upload(photo_with_gps(), "image/jpeg"))
    story = response.json()
    review_and_publish(story["id"])
    before = api_client.get(LIST)
    [media] = before.json()["results"][0]["media"]
    status = api_client.get(story["status_url"]).json()
    assert status["withdraw_media_url"] == story["status_url"] + "withdraw-media"

    with django_capture_on_commit_callbacks(execute=True):
        answer = api_client.post(status["withdraw_media_url"])

    assert answer.status_code == 200
    assert answer.json()["status"] == "published"
    assert answer.json()["withdraw_media_url"] is None
    assert answer.json()["authorization"]["media"] == []
    after = api_client.get(LIST, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200, "the ETag changed with the media"
    [item] = after.json()["results"]
    assert item["media"] == []
    assert item["body"] == submission["body"]
    assert api_client.get(urlsplit(media["url"]).path).status_code == 404
    assert bucket_keys(s3_media) == []
    current = Authorization.objects.get(superseded_at=None)
    assert (current.basis, current.media) == ("narrowed", "")
    # Twice is once.
    assert api_client.post(status["withdraw_media_url"]).status_code == 200


def test_withdrawing_media_needs_the_patients_secret(api_client, submission, send):
    story = send(submission, photo=upload(photo_with_gps(), "image/jpeg")).json()
    forged = story["status_url"].rstrip("/").rsplit("/", 1)[0] + "/not-the-secret/withdraw-media"

    assert api_client.post(forged).status_code == 404
    assert StoryMedia.objects.get().status == "pending"


def test_the_patients_page_takes_the_media_back_and_keeps_the_story(
    client, submission, send, review_and_publish, django_capture_on_commit_callbacks
):
    story = send(submission, photo=upload(photo_with_gps(), "image/jpeg")).json()
    review_and_publish(story["id"])
    page = client.get(story["story_page_url"]).content.decode()
    assert 'id="withdraw-media-button"' in page

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(story["story_page_url"] + "withdraw-media")

    assert answer.status_code == 303
    row = StoryMedia.objects.get()
    assert (row.status, row.storage_name) == ("withdrawn", "")
    after = client.get(answer["Location"]).content.decode()
    assert 'id="withdraw-media-button"' not in after
    assert "Published." in after
