"""A patient's story the whole way: HTTP in, a real worker screens it, a
moderator approves it, readers see it, the patient withdraws it."""

import pytest
import requests

from moderation.accounts import moderators as moderation_moderators
from tests.factories import ConsentTextFactory, TopicFactory
from tests.support.worker import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

STORY = (
    "I was nervous about the needles <b>at first</b>, but after four sessions and the "
    "home exercises I can sit through a whole workday again."
)


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), celery_worker() as process:
        yield process


def test_a_story_travels_from_patient_to_page_and_back(live_server, worker):
    topic = TopicFactory()
    ConsentTextFactory()
    token = moderation_moderators.moderator_create(username="alice").key
    moderator = {"Authorization": f"Token {token}"}
    base = live_server.url
    http = requests.Session()

    consent = http.get(f"{base}/api/v1/topics/{topic.slug}/", timeout=10).json()["consent"]
    submitted = http.post(
        f"{base}/api/v1/testimonials/",
        json={
            "topic": topic.slug,
            "author_name": "Maria Lopez",
            "body": STORY,
            "consent_to_publish": True,
            "consent_text_version": consent["version"],
            "rating": 5,
        },
        timeout=10,
    )
    assert submitted.status_code == 202, submitted.text
    item = submitted.json()

    def status():
        return http.get(item["status_url"], timeout=10).json()["status"]

    wait_for(
        lambda: status() == "pending_review", timeout=60, message="the worker to screen the story"
    )

    queue = http.get(f"{base}/api/v1/moderation/queue/", headers=moderator, timeout=10).json()
    assert [entry["id"] for entry in queue["results"]] == [item["id"]]
    assert queue["results"][0]["flags"] == []

    approved = http.post(
        f"{base}/api/v1/moderation/testimonials/{item['id']}/approve", headers=moderator, timeout=10
    )
    assert approved.status_code == 200, approved.text
    assert status() == "published"

    published = http.get(f"{base}/api/v1/published/?topic={topic.slug}", timeout=10).json()
    assert [(p["id"], p["display_name"], p["body"]) for p in published["results"]] == [
        (item["id"], "Maria L.", STORY)
    ]
    page = http.get(f"{base}/education/{topic.slug}/", timeout=10)
    assert page.status_code == 200
    assert "&lt;b&gt;at first&lt;/b&gt;" in page.text, "what a patient wrote is escaped"
    assert "Maria L." in page.text

    withdrawn = http.post(item["withdraw_url"], timeout=10)
    assert withdrawn.json()["status"] == "withdrawn"
    assert (
        http.get(f"{base}/api/v1/published/?topic={topic.slug}", timeout=10).json()["results"] == []
    )
    assert (
        "sit through a whole workday"
        not in http.get(f"{base}/education/{topic.slug}/", timeout=10).text
    )

    history = http.get(
        f"{base}/api/v1/moderation/testimonials/{item['id']}/", headers=moderator, timeout=10
    ).json()["history"]
    assert [(h["from_status"], h["to_status"], h["actor"]) for h in history] == [
        ("submitted", "screening", "system:screening"),
        ("screening", "pending_review", "system:screening"),
        ("pending_review", "published", "alice"),
        ("published", "withdrawn", "patient"),
    ]


def test_clear_spam_is_rejected_by_the_worker_without_a_moderator(live_server, worker):
    topic = TopicFactory()
    consent = ConsentTextFactory()
    response = requests.post(
        f"{live_server.url}/api/v1/testimonials/",
        json={
            "topic": topic.slug,
            "author_name": "Deals",
            "body": "Buy cheap pills now, no prescription: "
            "http://a.example.biz http://b.example.biz http://c.example.biz",
            "consent_to_publish": True,
            "consent_text_version": consent.version,
        },
        timeout=10,
    )
    status_url = response.json()["status_url"]
    wait_for(
        lambda: requests.get(status_url, timeout=10).json()["status"] == "rejected",
        timeout=60,
        message="auto-reject",
    )
    assert requests.get(status_url, timeout=10).json()["rejection_reason"] == "spam"
