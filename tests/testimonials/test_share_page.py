"""The hosted share page: the API's rules, without JavaScript."""

import re

import pytest
from django.test import Client, override_settings

from testimonials.models import ConsentText, Status, Testimonial
from tests.factories import ConsentTextFactory, TopicFactory
from tests.support.tasks import on_send

STORY = "After four sessions and the home exercises I can sit through a workday again."


@pytest.fixture
def form(consent, topic):
    return {
        "author_name": "Maria Lopez",
        "display_preference": "first_name_initial",
        "body": STORY,
        "rating": "5",
        "email": "maria@example.com",
        "consent_to_publish": "on",
        "consent_text_version": consent.version,
        "channels": ["clinic", "partners", "widget"],
        "expires_in": "24",
        "age": "adult",
        "signature": "Maria Lopez",
        "submission_key": "a1b2c3",
        "website": "",
    }


def share_url(topic):
    return f"/share/{topic.slug}/"


def test_it_shows_the_form_with_the_current_consent(client, topic, consent):
    response = client.get(share_url(topic))
    assert response.status_code == 200
    html = response.content.decode()
    assert consent.text in html
    assert f'value="{consent.version}"' in html
    assert "csrfmiddlewaretoken" in html
    assert 'class="hp" aria-hidden="true"' in html
    assert 'tabindex="-1"' in html
    # One script, a static file that only enhances: the form works without it.
    assert re.findall(r"<script[^>]*>", html) == [
        '<script src="/static/testimonials/share.js" defer>'
    ]
    assert 'method="post"' in html
    assert "no-store" in response["Cache-Control"]


def test_it_stores_a_good_story_through_the_service_and_shows_the_patient_its_status(
    client, topic, form, django_capture_on_commit_callbacks, monkeypatch
):
    screened = []
    on_send(monkeypatch, "moderation.tasks.screen_testimonial", screened.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(share_url(topic), form)
    assert response.status_code == 303
    testimonial = Testimonial.objects.get()
    assert screened == [testimonial.pk]
    assert testimonial.status == Status.SUBMITTED
    assert testimonial.body == STORY
    assert testimonial.rating == 5
    assert testimonial.email == "maria@example.com"
    assert testimonial.consent_text.version == form["consent_text_version"]
    assert testimonial.idempotency_key == "share:a1b2c3"

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert "Received: it is being checked." in html
    assert "Maria L." in html
    assert response["Location"] in html  # the link to keep
    assert "Withdraw my story" in html


def test_it_lets_the_patient_withdraw_from_the_status_page(client, topic, form):
    location = client.post(share_url(topic), form)["Location"]
    withdrawn = client.post(f"{location}withdraw")
    assert withdrawn.status_code == 303
    assert Testimonial.objects.get().status == Status.WITHDRAWN
    html = client.get(location).content.decode()
    assert "Withdrawn" in html
    assert "withdraw-button" not in html


def test_it_shows_nothing_for_a_wrong_secret(client, topic, form):
    location = client.post(share_url(topic), form)["Location"]
    forged = re.sub(r"/[0-9a-f]{64}/$", "/" + "0" * 64 + "/", location)
    assert client.get(forged).status_code == 404
    assert client.post(f"{forged}withdraw").status_code == 404
    assert Testimonial.objects.get().status == Status.SUBMITTED


def test_it_shows_bad_input_again_with_errors_and_stores_nothing(client, topic, form):
    form.update(author_name="", body="Too short.", rating="9", consent_to_publish="")
    response = client.post(share_url(topic), form)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Ensure this field has at least 20 characters." in html
    assert "Consent to publish is required." in html
    assert 'aria-invalid="true"' in html
    assert "Too short." in html  # what the patient typed is kept
    assert not Testimonial.objects.exists()


def test_it_refuses_what_the_api_refuses_with_the_same_words(client, api_client, topic, form):
    form["email"] = "not-an-email"
    page = client.post(share_url(topic), form)
    api = api_client.post(
        "/api/v1/testimonials/",
        {
            "topic": topic.slug,
            "author_name": form["author_name"],
            "body": form["body"],
            "consent_to_publish": True,
            "consent_text_version": form["consent_text_version"],
            "email": "not-an-email",
        },
        format="json",
    )
    assert page.status_code == api.status_code == 400
    [message] = api.json()["email"]
    assert message in page.content.decode()
    assert not Testimonial.objects.exists()


def test_it_stores_nothing_when_the_honeypot_is_filled(client, topic, form):
    form["website"] = "http://cheap-pills.example"
    response = client.post(share_url(topic), form)
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert not Testimonial.objects.exists()


def test_it_enforces_csrf(topic, form):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(share_url(topic), form).status_code == 403
    assert not Testimonial.objects.exists()
    page = browser.get(share_url(topic)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(share_url(topic), {**form, "csrfmiddlewaretoken": token}).status_code == 303
    assert Testimonial.objects.count() == 1


@pytest.mark.usefixtures("room_in_the_throttle_window")
@override_settings(SUBMIT_THROTTLE_RATE="1/minute")
def test_it_spends_the_same_budget_per_ip_as_the_api(client, api_client, topic, form):
    submitted = api_client.post(
        "/api/v1/testimonials/",
        {
            "topic": topic.slug,
            "author_name": "James Carter",
            "body": STORY,
            "consent_to_publish": True,
            "consent_text_version": form["consent_text_version"],
        },
        format="json",
        REMOTE_ADDR="10.9.9.9",
    )
    assert submitted.status_code == 202
    response = client.post(share_url(topic), form, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429
    assert "Please wait" in response.content.decode()
    assert Testimonial.objects.count() == 1
    assert client.post(share_url(topic), form, REMOTE_ADDR="10.9.9.8").status_code == 303


def test_it_stores_one_story_when_the_same_form_is_sent_twice(client, topic, form):
    first = client.post(share_url(topic), form)
    second = client.post(share_url(topic), form)
    assert first["Location"] == second["Location"]
    assert Testimonial.objects.count() == 1


def test_it_asks_for_the_new_consent_when_the_old_one_was_superseded(client, topic, form, consent):
    from django.utils import timezone

    ConsentText.objects.filter(pk=consent.pk).update(superseded_at=timezone.now())
    newer = ConsentTextFactory(version="2026-06", text="The new consent, with more detail.")
    response = client.post(share_url(topic), form)
    assert response.status_code == 400
    html = response.content.decode()
    assert "superseded" in html
    assert newer.text in html
    assert f'name="consent_text_version" value="{newer.version}"' in html
    assert not Testimonial.objects.exists()


def test_it_takes_no_stories_for_a_closed_topic(client, consent):
    closed = TopicFactory(slug="closed-topic", title="Closed", open_for_submissions=False)
    html = client.get(share_url(closed)).content.decode()
    assert "not taking new stories" in html
    assert "<form" not in html
    assert client.get("/share/no-such-topic/").status_code == 404


def test_it_asks_to_send_again_when_an_old_form_comes_back_with_other_words(client, topic, form):
    client.post(share_url(topic), form)
    form["body"] = "Other words entirely, written in a form that was already sent once."
    response = client.post(share_url(topic), form)
    assert response.status_code == 400
    html = response.content.decode()
    assert "already sent" in html
    assert 'name="submission_key" value="a1b2c3"' not in html
    assert Testimonial.objects.count() == 1
