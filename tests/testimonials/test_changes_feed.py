"""GET /api/v1/published/changes: what a website keeping a copy needs."""

import pytest
import time_machine
from django.utils import timezone

from moderation.decisions import services as moderation_decisions
from testimonials.models import PublicationChange
from testimonials.stories import withdrawal
from tests.factories import TopicFactory

URL = "/api/v1/published/changes"


def changes(api_client, **params):
    response = api_client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_it_lists_publications_edits_and_removals_with_tombstones(
    api_client, publish, moderator, committed
):
    kept = publish(body="My knee works again after the sessions and exercises.")
    gone = publish(body="A story the patient later took back, it must not leak.")
    committed(
        moderation_decisions.testimonial_edit_published,
        public_id=kept.public_id,
        moderator=moderator,
        body="My knee works again […].",
    )
    committed(withdrawal.testimonial_withdraw, testimonial=gone)

    page = changes(api_client)
    assert [(c["type"], c["id"]) for c in page["results"]] == [
        ("updated", str(kept.public_id)),
        ("removed", str(gone.public_id)),
    ]
    assert page["results"][0]["testimonial"]["body"] == "My knee works again […]."
    assert page["results"][1]["testimonial"] is None
    assert page["results"][1]["topic"] == gone.topic.slug
    assert page["has_more"] is False
    assert b"must not leak" not in api_client.get(URL).content


def test_it_gives_only_what_changed_after_a_cursor(api_client, publish, committed):
    first = publish()
    # The cursor is signed with a timestamp: within one second it reads alike.
    with time_machine.travel(timezone.now(), tick=False):
        cursor = changes(api_client)["next_cursor"]
        assert changes(api_client, since=cursor)["results"] == []
        assert changes(api_client, since=cursor)["next_cursor"] == cursor

    second = publish(body="Published after the website last looked at the feed.")
    committed(withdrawal.testimonial_withdraw, testimonial=first)
    page = changes(api_client, since=cursor)
    assert [(c["type"], c["id"]) for c in page["results"]] == [
        ("published", str(second.public_id)),
        ("removed", str(first.public_id)),
    ]
    assert changes(api_client, since=page["next_cursor"])["results"] == []


def test_it_pages_through_many_changes(api_client, publish):
    stories = [publish(body=f"Story {n} about the treatment and my back.") for n in range(5)]
    seen, cursor = [], None
    while True:
        page = changes(api_client, limit=2, **({"since": cursor} if cursor else {}))
        seen += [c["id"] for c in page["results"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert seen == [str(s.public_id) for s in stories]


def test_it_filters_by_topic(api_client, publish):
    neck = TopicFactory(slug="neck-pain", title="Neck pain")
    publish()
    on_neck = publish(topic=neck, body="About my neck, which turns freely again now.")
    page = changes(api_client, topic="neck-pain")
    assert [c["id"] for c in page["results"]] == [str(on_neck.public_id)]


@pytest.mark.parametrize("cursor", ["12", "not-a-cursor", "MTI:1tTq2b:forged"])
def test_it_refuses_a_cursor_it_did_not_give_out(api_client, db, cursor):
    response = api_client.get(URL, {"since": cursor})
    assert response.status_code == 400
    assert "since" in response.json()


def test_it_hides_the_feed_ids_in_its_cursors(api_client, publish):
    publish()
    change = PublicationChange.objects.get()
    assert changes(api_client)["next_cursor"] != str(change.pk)
    assert not changes(api_client)["next_cursor"].startswith(f"{change.pk}:")


def test_it_answers_304_until_something_changes(api_client, publish):
    publish()
    first = api_client.get(URL)
    assert api_client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    publish(body="Another story, so the feed is different now.")
    assert api_client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
