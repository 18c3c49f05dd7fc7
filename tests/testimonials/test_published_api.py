"""The published list as websites use it: filters, validators and 304s,
invalidation on every change, CORS, keys and throttles, stable pages."""

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from moderation.decisions import services as moderation_decisions
from testimonials.publishing.apis import PublishedOutputSerializer
from testimonials.publishing.representations import published_representation
from testimonials.sites import site_keys
from testimonials.stories import withdrawal
from tests.factories import TestimonialFactory, TopicFactory

URL = "/api/v1/published/"


def ids(response):
    return [item["id"] for item in response.json()["results"]]


# --- Filters ----------------------------------------------------------------------


def test_it_filters_by_minimum_rating_and_featured(api_client, topic):
    five = TestimonialFactory(status="published", rating=5, featured=True)
    three = TestimonialFactory(status="published", rating=3)
    TestimonialFactory(status="published", rating=None)
    assert ids(api_client.get(f"{URL}?min_rating=4")) == [str(five.public_id)]
    assert set(ids(api_client.get(f"{URL}?min_rating=3"))) == {
        str(five.public_id),
        str(three.public_id),
    }
    assert ids(api_client.get(f"{URL}?featured=true")) == [str(five.public_id)]
    assert str(five.public_id) not in ids(api_client.get(f"{URL}?featured=false"))
    assert len(ids(api_client.get(URL))) == 3


def test_it_refuses_filters_it_cannot_read(api_client, topic):
    response = api_client.get(f"{URL}?min_rating=9&featured=maybe")
    assert response.status_code == 400
    assert set(response.json()) == {"min_rating", "featured"}


def test_it_documents_exactly_the_fields_it_serves(topic):
    testimonial = TestimonialFactory(status="published")
    assert set(published_representation(testimonial)) == set(PublishedOutputSerializer().fields)


def test_it_serves_a_page_in_a_fixed_number_of_queries(
    api_client, topic, django_assert_max_num_queries
):
    for n in range(25):
        TestimonialFactory(status="published", body=f"Story number {n} about my back.")
    api_client.get(URL)  # warms the publication generation
    # The topic, the page, and the page's photos and video (one query for all).
    with django_assert_max_num_queries(3):
        assert len(ids(api_client.get(f"{URL}?topic={topic.slug}&limit=25"))) == 25


# --- Conditional GET ------------------------------------------------------------------


def test_it_answers_304_to_if_none_match_without_touching_the_database(
    api_client, publish, django_assert_num_queries
):
    publish()
    first = api_client.get(URL)
    assert first.status_code == 200
    assert first["ETag"].startswith('"')
    assert "stale-while-revalidate=" in first["Cache-Control"]
    with django_assert_num_queries(0):
        again = api_client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == first["Cache-Control"]
    other_query = api_client.get(f"{URL}?limit=5", HTTP_IF_NONE_MATCH=first["ETag"])
    assert other_query.status_code == 200


def test_it_answers_304_to_if_modified_since_until_the_next_change(api_client, publish):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        publish()
        first = api_client.get(URL)
    assert first["Last-Modified"] == start.strftime("%a, %d %b %Y %H:%M:%S GMT")
    again = api_client.get(URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304
    with time_machine.travel(start + timedelta(seconds=5), tick=False):
        publish(body="Published five seconds later, so the list is newer.")
    changed = api_client.get(URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert changed.status_code == 200
    assert len(ids(changed)) == 2


# --- Invalidation on every change -------------------------------------------------------

STORY = "Eight sessions in, I sleep through the night without the back pain waking me."


def _edit(testimonial, moderator):
    return moderation_decisions.testimonial_edit_published(
        public_id=testimonial.public_id, moderator=moderator, body="Eight sessions in, I sleep […]."
    )


def _unpublish(testimonial, moderator):
    return moderation_decisions.testimonial_unpublish(
        public_id=testimonial.public_id, moderator=moderator, reason="off_topic"
    )


def _withdraw(testimonial, moderator):
    return withdrawal.testimonial_withdraw(testimonial=testimonial)


def _feature(testimonial, moderator):
    return moderation_decisions.testimonial_feature(
        public_id=testimonial.public_id, moderator=moderator, featured=True
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_edit, [("Eight sessions in, I sleep […].", False)]),
        (_feature, [(STORY, True)]),
        (_unpublish, []),
        (_withdraw, []),
    ],
)
def test_it_shows_a_change_on_the_next_request_after_commit(
    api_client, client, publish, moderator, django_capture_on_commit_callbacks, change, expected
):
    testimonial = publish(body=STORY)
    before = api_client.get(URL)
    assert [(s["body"], s["featured"]) for s in before.json()["results"]] == [(STORY, False)]
    with django_capture_on_commit_callbacks(execute=True):
        change(testimonial, moderator)

    after = api_client.get(URL, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert [(s["body"], s["featured"]) for s in after.json()["results"]] == expected
    page = client.get(f"/education/{testimonial.topic.slug}/").content.decode()
    assert (STORY in page) == (expected == [(STORY, True)])


def test_it_shows_a_new_publication_on_the_next_request(api_client, topic, publish):
    before = api_client.get(URL)
    assert ids(before) == []
    testimonial = publish()
    after = api_client.get(URL, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert ids(after) == [str(testimonial.public_id)]


@pytest.mark.django_db(transaction=True)
def test_it_shows_changes_made_through_the_api_after_their_real_commit(
    api_client, moderator_client
):
    testimonial = TestimonialFactory(status="pending_review")
    before = api_client.get(URL)
    approved = moderator_client.post(
        f"/api/v1/moderation/testimonials/{testimonial.public_id}/approve"
    )
    assert approved.status_code == 200
    after = api_client.get(URL, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert ids(after) == [str(testimonial.public_id)]
    withdraw_url = f"/api/v1/testimonials/{testimonial.public_id}/"
    from testimonials.stories.patient_links import patient_secret

    api_client.post(f"{withdraw_url}{patient_secret(testimonial.public_id)}/withdraw")
    gone = api_client.get(URL, HTTP_IF_NONE_MATCH=after["ETag"])
    assert gone.status_code == 200
    assert ids(gone) == []


def test_it_heals_a_lost_generation_bump_in_the_sweep(api_client, publish, monkeypatch):
    from testimonials.publishing import generation

    publish()
    before = api_client.get(URL)
    monkeypatch.setattr(generation, "publication_cache_bump", lambda: None)
    publish(body="Published while the bump after commit was lost.")
    stale = api_client.get(URL, HTTP_IF_NONE_MATCH=before["ETag"])
    assert stale.status_code == 304
    monkeypatch.undo()
    assert generation.publication_cache_check() is True
    assert api_client.get(URL, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200
    assert generation.publication_cache_check() is False


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    },
)
def test_it_derives_validators_from_the_database_when_the_cache_is_down(api_client, topic):
    from testimonials.publishing import generation

    TestimonialFactory(status="published")
    state = generation.publication_state()
    assert state.generation == "0.db"


# --- CORS ----------------------------------------------------------------------------


def test_it_lets_any_origin_read_and_see_the_validators(api_client, topic):
    response = api_client.get(URL, HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    exposed = response["Access-Control-Expose-Headers"].lower()
    assert "etag" in exposed
    assert "last-modified" in exposed
    changes = api_client.get(f"{URL}changes", HTTP_ORIGIN="https://partner.example")
    assert changes["Access-Control-Allow-Origin"] == "*"


def test_it_allows_the_key_header_in_a_preflight(api_client, db):
    response = api_client.options(
        URL,
        HTTP_ORIGIN="https://partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-api-key",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "x-api-key" in response["Access-Control-Allow-Headers"].lower()


def test_it_keeps_cors_off_for_writes_and_moderation(api_client, db):
    submit = api_client.options(
        "/api/v1/testimonials/",
        HTTP_ORIGIN="https://partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert "Access-Control-Allow-Origin" not in submit
    moderation = api_client.get("/api/v1/moderation/queue/", HTTP_ORIGIN="https://x.example")
    assert "Access-Control-Allow-Origin" not in moderation


# --- Pagination ------------------------------------------------------------------------


def test_it_keeps_pages_stable_while_stories_are_published_and_removed_between_them(
    api_client, topic, publish, committed
):
    now = timezone.now()
    originals = [
        TestimonialFactory(status="published", published_at=now - timedelta(minutes=n))
        for n in range(1, 7)
    ]
    first = api_client.get(f"{URL}?limit=2").json()
    for n in range(3):
        publish(body=f"Published between pages, number {n}, about my back.")
    second = api_client.get(first["next"]).json()
    committed(withdrawal.testimonial_withdraw, testimonial=originals[5])
    third = api_client.get(second["next"]).json()

    seen = [item["id"] for page in (first, second, third) for item in page["results"]]
    assert seen == [str(t.public_id) for t in originals[:5]]
    assert third["next"] is None


# --- Sites: keys, throttles, usage -----------------------------------------------------


def test_it_counts_a_sites_keyed_requests(api_client, topic, clinic_site):
    assert api_client.get(URL, HTTP_X_API_KEY=clinic_site.key).status_code == 200
    assert api_client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {clinic_site.key}").status_code == 200
    clinic_site.site.refresh_from_db()
    assert clinic_site.site.request_count == 2
    assert clinic_site.site.last_used_at is not None


def test_it_refuses_an_unknown_or_revoked_key_with_401(api_client, topic, clinic_site):
    unknown = api_client.get(URL, HTTP_X_API_KEY="tsk_not-a-key")
    assert unknown.status_code == 401
    assert unknown["WWW-Authenticate"] == "Api-Key"
    site_keys.site_revoke(site=clinic_site.site)
    assert api_client.get(URL, HTTP_X_API_KEY=clinic_site.key).status_code == 401


def test_it_accepts_a_key_from_a_browser_only_on_the_sites_origins(api_client, topic, clinic_site):
    own = api_client.get(URL, HTTP_X_API_KEY=clinic_site.key, HTTP_ORIGIN="https://clinic.example")
    assert own.status_code == 200
    other = api_client.get(URL, HTTP_X_API_KEY=clinic_site.key, HTTP_ORIGIN="https://evil.example")
    assert other.status_code == 403


@pytest.mark.usefixtures("room_in_the_throttle_window")
@override_settings(PUBLIC_API_ANON_RATE="2/minute", PUBLIC_API_SITE_RATE="4/minute")
def test_it_throttles_anonymous_reads_per_ip_and_keyed_ones_per_site(
    api_client, topic, clinic_site
):
    for _ in range(2):
        assert api_client.get(URL, REMOTE_ADDR="10.0.0.1").status_code == 200
    throttled = api_client.get(URL, REMOTE_ADDR="10.0.0.1")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert api_client.get(URL, REMOTE_ADDR="10.0.0.2").status_code == 200
    statuses = [
        api_client.get(URL, REMOTE_ADDR="10.0.0.1", HTTP_X_API_KEY=clinic_site.key).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]


def test_it_answers_404_for_a_topic_that_does_not_exist(api_client, db):
    TopicFactory()
    assert api_client.get(f"{URL}?topic=nope").status_code == 404
