"""What an operator sees: `/metrics` (only for Prometheus), counts that move
with what happens, and a request id on every log line of a request and of
the tasks it caused."""

import json
import uuid
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from moderation.intake import screening as moderation_intake
from testimonials.models import Status
from tests.factories import TestimonialFactory
from tests.support.screeners import FAIL_MARKER

TOKEN = "scrape-token-for-tests"


def scrape(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of `/metrics`, by name and labels."""
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def sample(samples, name: str, **labels: str) -> float:
    return float(samples.get((name, tuple(sorted(labels.items()))), 0.0))


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN


class MetricsAccessTests:
    @pytest.mark.django_db
    def test_it_is_off_when_neither_a_token_nor_a_network_is_set(self, client):
        assert client.get("/metrics").status_code == 404

    @pytest.mark.django_db
    @pytest.mark.usefixtures("metrics_on")
    def test_it_refuses_a_scrape_without_the_right_token(self, client):
        assert client.get("/metrics").status_code == 403
        wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")
        assert wrong.status_code == 403
        assert b"testimonials_" not in wrong.content
        assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200

    @pytest.mark.django_db
    def test_it_lets_an_allowed_network_in_and_no_other(self, client, settings):
        settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
        assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
        assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
        # A client cannot claim an allowed address without a trusted proxy.
        spoofed = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.1.2.3")
        assert spoofed.status_code == 403


@pytest.mark.django_db
@pytest.mark.usefixtures("metrics_on")
def test_a_submission_moves_the_counts(client, api_client, submission):
    before = scrape(client)
    accepted = api_client.post("/api/v1/testimonials/", submission, format="json")
    refused = api_client.post("/api/v1/testimonials/", {**submission, "rating": 9}, format="json")
    assert (accepted.status_code, refused.status_code) == (202, 400)
    after = scrape(client)

    def moved(name, **labels):
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert moved("testimonials_submissions_total", via="api", outcome="accepted") == 1
    assert moved("testimonials_submissions_total", via="api", outcome="invalid") == 1
    route = {"route": "testimonial-submit", "method": "POST"}
    assert moved("testimonials_http_requests_total", **route, status="202") == 1
    assert moved("testimonials_http_request_duration_seconds_count", **route) == 2
    assert moved("testimonials_queue_items", status="submitted") == 1
    status_url = accepted.json()["status_url"]
    api_client.get(status_url)
    labels = {name for (metric, pairs) in scrape(client) for name, value in pairs}
    assert "route" in labels
    assert not any(
        status_url.rsplit("/", 2)[-2] in value
        for (_, pairs) in scrape(client)
        for _, value in pairs
    ), "a patient's secret link is never a label"


@pytest.mark.django_db
@pytest.mark.usefixtures("metrics_on")
def test_the_queue_shows_how_long_the_oldest_story_has_waited(client):
    TestimonialFactory(status_changed_at=timezone.now() - timedelta(minutes=45))
    TestimonialFactory(status_changed_at=timezone.now() - timedelta(minutes=5))
    samples = scrape(client)
    assert sample(samples, "testimonials_queue_items", status="pending_review") == 2
    oldest = sample(samples, "testimonials_queue_oldest_age_seconds", status="pending_review")
    assert 45 * 60 <= oldest < 46 * 60
    assert sample(samples, "testimonials_queue_oldest_age_seconds", status="submitted") == 0


@pytest.mark.django_db
@pytest.mark.usefixtures("metrics_on")
def test_a_screener_that_raises_is_counted_by_name(client):
    failing = "tests.support.screeners.fails_on_marker"
    story = TestimonialFactory(status=Status.SUBMITTED, body=f"My back is better. {FAIL_MARKER}")
    before = scrape(client)
    screeners = ["moderation.screening.length.screen", failing]
    with (
        override_settings(SCREENING_SCREENERS=screeners),
        pytest.raises(ValueError, match="cannot screen"),
    ):
        moderation_intake.testimonial_screen(testimonial_id=story.pk)
    after = scrape(client)
    key = ("testimonials_screener_failures_total", (("screener", failing),))
    assert after.get(key, 0) - before.get(key, 0) == 1
    timed = ("testimonials_screener_duration_seconds_count", (("screener", "length"),))
    assert after[timed] - before.get(timed, 0) == 1
    untouched = ("testimonials_screener_failures_total", (("screener", "length"),))
    assert after.get(untouched, 0) == before.get(untouched, 0)


class RequestIdTests:
    @pytest.mark.django_db
    def test_it_answers_with_the_callers_request_id(self, client):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-4f2a9c1b")
        assert response["X-Request-ID"] == "edge-4f2a9c1b"

    @pytest.mark.django_db
    def test_it_replaces_an_id_that_is_not_sane(self, client):
        for header in ["short", "x" * 200, "has spaces in it", "<script>alert(1)</script>"]:
            answered = client.get("/healthz", HTTP_X_REQUEST_ID=header)["X-Request-ID"]
            assert answered != header
            assert len(answered) == 32
            assert int(answered, 16) >= 0

    @pytest.mark.django_db
    def test_each_request_gets_its_own_id_on_its_log_lines(self, client, caplog):
        caplog.set_level("INFO", logger="config.access")
        first = client.get("/healthz")["X-Request-ID"]
        second = client.get("/healthz")["X-Request-ID"]
        assert first != second
        access = [r for r in caplog.records if r.name == "config.access"]
        assert [r.request_id for r in access] == [first, second]
        assert [r.getMessage().split()[:3] for r in access] == [["GET", "healthz", "200"]] * 2


def log_objects(output: str) -> list[dict]:
    """The JSON log lines of a process's output (the banner is not one)."""
    objects = []
    for line in output.splitlines():
        if line.startswith("{"):
            try:
                objects.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return objects


@pytest.mark.django_db
def test_a_refused_patient_link_is_logged_by_its_route_not_its_secret(client, caplog):
    secret = "f00d" * 16
    caplog.set_level("DEBUG")
    response = client.get(f"/api/v1/testimonials/{uuid.uuid4()}/{secret}/")
    assert response.status_code == 404
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert [r.getMessage() for r in refused] == ["Not Found: <testimonial-status>"]
    assert secret not in caplog.text
    assert all(secret not in str(vars(record)) for record in caplog.records)
