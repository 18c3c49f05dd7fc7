import pytest
from django.test import override_settings

from config.celery_app import app as celery_app


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_cache_and_broker(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_readyz_names_a_broker_that_is_down(client, db):
    # A real connection attempt to a port where nothing listens.
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/readyz")
    finally:
        celery_app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
)
def test_readyz_names_a_cache_that_is_down(client, db):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "cache" in response.json()["down"]


def test_the_openapi_schema_documents_the_contract(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/topics/",
        "/api/v1/topics/{slug}/",
        "/api/v1/testimonials/",
        "/api/v1/published/",
        "/api/v1/moderation/queue/",
        "/api/v1/moderation/testimonials/{public_id}/",
        "/api/v1/moderation/testimonials/{public_id}/approve",
        "/api/v1/moderation/testimonials/{public_id}/reject",
    ):
        assert path in schema["paths"], path
    submit = schema["paths"]["/api/v1/testimonials/"]["post"]
    assert "202" in submit["responses"]


def test_the_api_docs_are_served_without_internet(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/" in html


@pytest.mark.parametrize("path", ["/", "/education/"])
def test_the_root_leads_to_the_education_pages(client, db, path):
    response = client.get(path, follow=True)
    assert response.status_code == 200


def test_the_schema_generates_without_warnings_and_validates(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/v1/testimonials/" in out.getvalue()


@override_settings(ALLOWED_HOSTS=["stories.clinic.example"])
@pytest.mark.parametrize("host", ["127.0.0.1:8000", "10.42.0.17:8000", "web:8000"])
def test_probes_answer_whatever_host_the_probe_sends(client, db, host):
    """A container's healthcheck asks by address; DJANGO_ALLOWED_HOSTS names
    the real host. The probes answer, and every other page still refuses
    the unknown host."""
    assert client.get("/healthz", HTTP_HOST=host).status_code == 200
    assert client.get("/readyz", HTTP_HOST=host).status_code == 200
    assert client.get("/education/", HTTP_HOST=host).status_code == 400
    assert client.get("/healthz", HTTP_HOST="stories.clinic.example").status_code == 200
