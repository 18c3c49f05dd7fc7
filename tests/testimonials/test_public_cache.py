"""The cached read path: the published list and the education page are
rendered once per change and replayed, yet never stale.

Every change here runs the services' own after-commit hooks (no bumps on
factory writes: `hooks_only`), on the embedded file cache and on Redis."""

import json
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

from moderation.decisions import services as moderation_decisions
from testimonials.consent import authorization_reads, authorizations
from testimonials.models import (
    Channel,
    Clinician,
    Invitation,
    Location,
    Organisation,
    Testimonial,
    TypicalResultsStatement,
)
from testimonials.publishing import cache as public_cache
from testimonials.publishing import gate, representations
from testimonials.publishing.apis import json_bytes
from testimonials.sites import site_keys
from testimonials.stories import patient_links, submitting, withdrawal
from tests.factories import TestimonialFactory, TopicFactory

pytestmark = pytest.mark.hooks_only

LIST = "/api/v1/published/"


@pytest.fixture(params=["embedded", pytest.param("redis", marks=pytest.mark.services)])
def shared_cache(request, settings, tmp_path):
    """The cache web processes share: a file cache (`make run`) or Redis."""
    if request.param == "redis":
        prefix = f"{django_settings.REDIS_KEY_PREFIX}public-cache-{uuid.uuid4().hex[:6]}:"
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": django_settings.REDIS_URL,
                "KEY_PREFIX": prefix,
            }
        }
    else:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    public_cache.forget_local()
    yield request.param
    public_cache.forget_local()
    if request.param == "redis":
        import redis

        client = redis.Redis.from_url(django_settings.REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture
def story(topic, consent):
    return TestimonialFactory(
        status="published",
        topic=topic,
        consent_text=consent,
        body="The needles helped, and the exercises helped more.",
    )


def bodies(response):
    return [item["body"] for item in response.json()["results"]]


def primed(client, url, django_assert_num_queries):
    """Read `url` until this process replays it: the second read must cost
    no query at all, the ETag's 304 neither."""
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(url)
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert again.content == first.content
    return first


def page_url(topic):
    return f"/education/{topic.slug}/"


def test_a_repeat_read_and_a_304_cost_no_query(
    shared_cache, client, story, topic, django_assert_num_queries
):
    listed = primed(client, LIST, django_assert_num_queries)
    assert bodies(listed) == [story.body]
    page = primed(client, page_url(topic), django_assert_num_queries)
    assert story.body in page.content.decode()


def _publish(moderator, topic, consent, text):
    pending = TestimonialFactory(
        status="pending_review", topic=topic, consent_text=consent, body=text
    )
    return moderation_decisions.testimonial_approve(
        public_id=pending.public_id, moderator=moderator
    )


NEW_TEXT = "Published after the page was cached: six sessions and I sleep again."


def _unpublish(story, moderator, **_):
    moderation_decisions.testimonial_unpublish(
        public_id=story.public_id, moderator=moderator, reason="personal_data"
    )


def _withdraw(story, **_):
    withdrawal.testimonial_withdraw(testimonial=story)


def _edit(story, moderator, **_):
    moderation_decisions.testimonial_edit_published(
        public_id=story.public_id, moderator=moderator, body="The exercises helped."
    )


def _revoke_partners(story, **_):
    authorizations.authorization_narrow(
        testimonial=story, channels=[Channel.CLINIC], display_preference=story.display_preference
    )


GONE_FROM_THE_LIST = [_unpublish, _withdraw, _edit, _revoke_partners]


@pytest.mark.parametrize("change", GONE_FROM_THE_LIST, ids=lambda f: f.__name__[1:])
def test_a_story_taken_off_leaves_the_list_on_the_next_request(
    shared_cache, client, story, topic, moderator, committed, change, django_assert_num_queries
):
    before = primed(client, LIST, django_assert_num_queries)
    primed(client, page_url(topic), django_assert_num_queries)
    committed(change, story=story, moderator=moderator)
    after = client.get(LIST, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert story.body not in after.content.decode()
    shown_on_page = story.body in client.get(page_url(topic)).content.decode()
    # Narrowing to the clinic's channel keeps it on the clinic's own page.
    assert shown_on_page is (change is _revoke_partners)


def test_a_publication_shows_on_the_next_request(
    shared_cache, client, story, topic, consent, moderator, committed, django_assert_num_queries
):
    before = primed(client, LIST, django_assert_num_queries)
    page = primed(client, page_url(topic), django_assert_num_queries)
    committed(_publish, moderator=moderator, topic=topic, consent=consent, text=NEW_TEXT)
    assert bodies(client.get(LIST, HTTP_IF_NONE_MATCH=before["ETag"])) == [NEW_TEXT, story.body]
    after = client.get(page_url(topic), HTTP_IF_NONE_MATCH=page["ETag"])
    assert after.status_code == 200
    assert NEW_TEXT in after.content.decode()


def test_a_disclosure_and_featuring_show_on_the_next_request(
    shared_cache, client, story, topic, moderator, committed, django_assert_num_queries
):
    primed(client, LIST, django_assert_num_queries)
    primed(client, f"{LIST}?featured=true", django_assert_num_queries)
    primed(client, page_url(topic), django_assert_num_queries)
    committed(
        moderation_decisions.testimonial_connection_set,
        public_id=story.public_id,
        moderator=moderator,
        material_connection="employee",
    )
    [item] = client.get(LIST).json()["results"]
    assert item["material_connections"] == [
        {"kind": "employee", "text": "The author works for the clinic."}
    ]
    assert "The author works for the clinic." in client.get(page_url(topic)).content.decode()
    story.refresh_from_db()
    committed(
        moderation_decisions.testimonial_feature,
        public_id=story.public_id,
        moderator=moderator,
        featured=True,
    )
    assert bodies(client.get(f"{LIST}?featured=true")) == [story.body]


def test_an_authorization_running_out_takes_the_story_off_without_any_commit(
    shared_cache, client, story, topic, django_assert_num_queries
):
    expires_at = authorization_reads.authorization_current(testimonial_id=story.pk).expires_at
    listed = primed(client, LIST, django_assert_num_queries)
    primed(client, page_url(topic), django_assert_num_queries)
    with time_machine.travel(expires_at + timedelta(seconds=1)):
        after = client.get(LIST, HTTP_IF_NONE_MATCH=listed["ETag"])
        assert after.status_code == 200
        assert bodies(after) == []
        assert story.body not in client.get(page_url(topic)).content.decode()


def test_a_submission_moves_the_pages_figures_on_the_next_request(
    shared_cache, client, story, topic, consent, submission, committed, django_assert_num_queries
):
    page = primed(client, page_url(topic), django_assert_num_queries)
    assert "Patients sent <strong>1</strong> story" in page.content.decode()
    committed(
        submitting.testimonial_submit,
        submission=submitting.Submission(
            topic_slug=topic.slug,
            author_name="Ana Ruiz",
            body="Too early to say, but the first session went well.",
            consent_to_publish=True,
            consent_text_version=consent.version,
            email="",
            rating=None,
            display_preference="initials",
        ),
    )
    after = client.get(page_url(topic), HTTP_IF_NONE_MATCH=page["ETag"])
    assert after.status_code == 200
    assert "Patients sent <strong>2</strong> stories" in after.content.decode()


def test_each_channel_and_site_gets_its_own_answer(
    shared_cache, client, topic, consent, django_assert_num_queries
):
    clinic_site = site_keys.site_create(name="The clinic's own site", channel=Channel.CLINIC)
    partner_site = site_keys.site_create(name="A partner")
    clinic_only = TestimonialFactory(
        status="published",
        topic=topic,
        consent_text=consent,
        body="Only for the clinic's own pages, please.",
        authorization__channels=[Channel.CLINIC],
    )
    primed(client, LIST, django_assert_num_queries)
    assert bodies(client.get(LIST)) == []
    assert bodies(client.get(f"{LIST}?channel=widget")) == []
    for _ in range(2):
        assert bodies(client.get(LIST, HTTP_X_API_KEY=clinic_site.key)) == [clinic_only.body]
        assert bodies(client.get(LIST, HTTP_X_API_KEY=partner_site.key)) == []
        assert bodies(client.get(LIST)) == []


def test_each_location_and_site_gets_its_own_answer(
    shared_cache, client, consent, django_assert_num_queries
):
    move_well = Organisation.objects.create(slug="move-well", name="Move Well PT")
    north, south = (
        Location.objects.create(organisation=move_well, slug=slug, name=slug.title())
        for slug in ("north", "south")
    )
    topic = TopicFactory(slug="back-pain", organisation=move_well)
    for location in (north, south):
        TestimonialFactory(
            status="published",
            topic=topic,
            location=location,
            consent_text=consent,
            body=f"Treated at {location.name}.",
        )
    south_site = site_keys.site_create(name="South's site", location=south)
    primed(client, f"{LIST}?location=north", django_assert_num_queries)
    primed(client, f"/education/{topic.slug}/?location=north", django_assert_num_queries)
    for _ in range(2):
        assert bodies(client.get(f"{LIST}?location=north")) == ["Treated at North."]
        assert bodies(client.get(f"{LIST}?location=south")) == ["Treated at South."]
        assert bodies(client.get(LIST, HTTP_X_API_KEY=south_site.key)) == ["Treated at South."]
        assert len(bodies(client.get(LIST))) == 2
        south_page = client.get(f"/education/{topic.slug}/?location=south").content.decode()
        assert "Treated at South." in south_page
        assert "Treated at North." not in south_page


@pytest.mark.django_db(transaction=True)
@pytest.mark.services
def test_a_withdrawal_through_http_shows_after_its_real_commit(client, settings):
    """Real transactions, PostgreSQL and Redis: the hooks run at commit."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": django_settings.REDIS_URL,
            "KEY_PREFIX": f"{django_settings.REDIS_KEY_PREFIX}public-cache-commit:",
        }
    }
    public_cache.forget_local()
    story = TestimonialFactory(status="published", body="Withdrawn for real, after commit.")
    url = page_url(story.topic)
    for _ in range(2):
        assert story.body in client.get(url).content.decode()
        assert bodies(client.get(LIST)) == [story.body]
    secret = patient_links.patient_secret(story.public_id)
    prefix = f"{django_settings.REDIS_KEY_PREFIX}public-cache-commit:"
    assert story.body.encode() in _redis_values(prefix), "the rendered copies are in Redis"
    client.post(f"/api/v1/testimonials/{story.public_id}/{secret}/withdraw")
    assert story.body.encode() not in _redis_values(prefix), "and leave it with the withdrawal"
    assert bodies(client.get(LIST)) == []
    assert story.body not in client.get(url).content.decode()


def _redis_values(prefix):
    import redis

    client = redis.Redis.from_url(django_settings.REDIS_URL)
    try:
        return b"\n".join(client.get(key) or b"" for key in client.scan_iter(match=f"{prefix}*"))
    finally:
        client.close()


# --- The .values() builder writes what the serializer wrote --------------------


def test_the_values_builder_writes_exactly_what_the_model_representation_writes(topic, consent):
    statement = TypicalResultsStatement.objects.create(
        topic=topic, tag="", text="Most patients feel better in six weeks.", source="Audit 2025"
    )
    tagged = TypicalResultsStatement.objects.create(
        topic=topic, tag="sciatica", text="About half notice less leg pain.", source=""
    )
    labelled = TypicalResultsStatement.objects.create(
        topic=topic, tag="neck-pain", label="Necks", text="Some improve.", source="Survey"
    )
    invitation = Invitation.objects.create(
        topic=topic,
        email="invited@example.com",
        created_by_label="alice",
        incentive="a $10 gift card.",
        expires_at=timezone.now() + timedelta(days=3),
    )
    clinician = Clinician.objects.create(
        organisation=topic.organisation, slug="ana-ruiz", name="Ana Ruiz, PT"
    )
    shapes = [
        {},
        {"featured": True},
        {"rating": None},
        {"display_preference": "full_name"},
        {"display_preference": "initials", "author_name": "maria de la cruz"},
        {"display_preference": "anonymous"},
        {"author_name": "Cher", "display_preference": "first_name_initial"},
        {"published_body": "The [name] needling helped."},
        {"body": "Ünïcödé, emoji 🙂 and a line separator\u2028 in the text."},
        {"material_connection": "employee"},
        {"material_connection": "discount", "material_connection_detail": "10% off."},
        {"material_connection": "other", "material_connection_detail": "My cousin treats me"},
        {"material_connection": "none"},
        {"invitation": invitation, "incentive": invitation.incentive},
        {"typical_results": statement},
        {"typical_results": tagged, "featured": True},
        {"typical_results": labelled, "material_connection": "gift"},
        {"clinician": clinician},
    ]
    now = timezone.now()
    for n, shape in enumerate(shapes):
        TestimonialFactory(
            status="published",
            topic=topic,
            consent_text=consent,
            published_at=now - timedelta(minutes=n),
            **shape,
        )
    expected = [
        representations.published_representation(t)
        for t in gate.published_testimonials(channel=Channel.PARTNERS)
    ]
    rows = representations.published_rows(gate.published_testimonials(channel=Channel.PARTNERS))
    built = [representations.published_row_representation(row) for row in rows]
    assert len(built) == len(shapes)
    assert built == expected
    assert [list(item) for item in built] == [list(item) for item in expected]
    # The bytes parse to the same JSON as REST framework's renderer wrote.
    from rest_framework.renderers import JSONRenderer

    assert json.loads(json_bytes(built)) == json.loads(JSONRenderer().render(expected))
    assert b"\\u2028" in json_bytes(built)


def test_the_api_pages_follow_the_cursor_as_before(client, topic, consent):
    now = timezone.now()
    made = [
        TestimonialFactory(
            status="published",
            topic=topic,
            consent_text=consent,
            published_at=now - timedelta(minutes=n),
            body=f"Story number {n} about my back, told at length.",
        )
        for n in range(5)
    ]
    first = client.get(f"{LIST}?limit=2&topic={topic.slug}").json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    seen = [item["id"] for page in (first, second, third) for item in page["results"]]
    assert seen == [str(t.public_id) for t in made]
    assert third["next"] is None
    assert client.get(second["previous"]).json()["results"] == first["results"]
    assert first["collection"]["stats_url"].endswith(f"/topics/{topic.slug}/stats")
    assert Testimonial.objects.count() == 5


def test_each_language_gets_its_own_answer(
    shared_cache, client, topic, consent, django_assert_num_queries
):
    """The same address answers in English or Spanish (Accept-Language): a
    cached answer in one language is never served to a reader of the other."""
    topic.languages = ["en", "es"]
    topic.save()
    TestimonialFactory(
        status="published", topic=topic, consent_text=consent, material_connection="employee"
    )
    english, spanish = "The author works for the clinic.", "La autora o el autor trabaja"
    for url in (LIST, page_url(topic)):
        first_english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert english in first_english.content.decode()
        first_spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
        assert spanish in first_spanish.content.decode(), url
        assert first_spanish["ETag"] != first_english["ETag"]
        with django_assert_num_queries(0):
            again_english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
            again_spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
            assert english in again_english.content.decode()
            assert spanish in again_spanish.content.decode()
            assert again_spanish["Content-Language"] == "es"
            assert again_english["Content-Language"] == "en"
            reused = client.get(
                url, HTTP_ACCEPT_LANGUAGE="es", HTTP_IF_NONE_MATCH=first_english["ETag"]
            )
            assert reused.status_code == 200, "an English ETag is no Spanish reader's copy"


def test_the_hot_read_gets_values_and_counts_in_one_command_even_after_a_redis_restart(
    settings,
):
    """The hot read is a Redis script: a Redis that restarted has forgotten
    it, and the next read must load it again, not fail."""
    import redis

    from tests.support.servers import redis_server

    with redis_server() as server:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": server.url,
                "KEY_PREFIX": "hot-read",
            }
        }
        from django.core.cache import cache

        cache.set("present", {"generation": "7.ab"})
        assert public_cache.hot_read(["present", "absent"], counter="count", window=30) == (
            [{"generation": "7.ab"}, None],
            1,
        )
        assert public_cache.hot_read(["present"], counter="count") == ([{"generation": "7.ab"}], 2)
        assert 0 < redis.Redis.from_url(server.url).ttl(cache.make_key("count")) <= 30
        redis.Redis.from_url(server.url).script_flush()  # what a restart does to scripts
        assert public_cache.hot_read(["absent"]) == ([None], None)
        assert public_cache.hot_read([], counter="count") == ([], 3)
