"""Anonymous reads of the hot public addresses take a shorter middleware
chain (config/public_reads.py), and answer exactly as the whole chain does:
the same status, body and headers (CSP, CORS, ETag, Vary, Content-Language,
request id), the same 304, the same throttle."""

import pytest
from django.test import Client

from config import public_reads
from testimonials.publishing import cache as public_cache
from tests.factories import TestimonialFactory

LIST = "/api/v1/published/"
# A cookie no middleware reads sends a request down the whole chain.
WHOLE_CHAIN = {"HTTP_COOKIE": "unrelated=1"}
ORIGIN = {"HTTP_ORIGIN": "https://clinic-partner.example"}


@pytest.fixture(autouse=True)
def _fresh_answers():
    public_cache.forget_local()
    yield
    public_cache.forget_local()


@pytest.fixture
def published(topic, consent):
    return TestimonialFactory(
        status="published", topic=topic, consent_text=consent, body="The exercises helped."
    )


def answers(path, **headers):
    """The same request down the short chain, then down the whole one, each
    from a fresh client (and a warm process cache, as a web worker has)."""
    short = Client().get(path, **headers)
    whole = Client().get(path, **headers, **WHOLE_CHAIN)
    return short, whole


def comparable(response):
    headers = {name: value for name, value in response.headers.items() if name != "X-Request-ID"}
    return response.status_code, headers, response.content


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        (LIST, {}),
        (LIST, ORIGIN),
        (f"{LIST}?channel=widget", ORIGIN),
        (LIST, {"HTTP_ACCEPT_LANGUAGE": "es"}),
        ("/healthz", {}),
        ("/widget.js", {}),
    ],
)
def test_it_answers_as_the_whole_chain_does(published, path, headers):
    Client().get(path, **headers)  # this process remembers the list, as after a first reader
    short, whole = answers(path, **headers)

    assert short.status_code == 200
    assert comparable(short) == comparable(whole)
    assert short["X-Request-ID"]
    assert "Content-Security-Policy" in short


def test_a_repeat_with_the_etag_is_a_304_on_either_chain(published):
    etag = Client().get(LIST)["ETag"]

    short, whole = answers(LIST, HTTP_IF_NONE_MATCH=etag)

    assert short.status_code == 304
    assert comparable(short) == comparable(whole)


def test_it_skips_sessions_and_authentication_for_an_anonymous_read(published):
    short = Client().get(LIST)
    whole = Client().get(LIST, **WHOLE_CHAIN)

    assert not hasattr(short.wsgi_request, "session")
    assert hasattr(whole.wsgi_request, "session")


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_AUTHORIZATION": "Token abc"},
        {"HTTP_X_API_KEY": "site-key"},
        {"HTTP_COOKIE": "sessionid=abc"},
    ],
)
def test_a_request_with_a_credential_takes_the_whole_chain(published, headers):
    response = Client().get(LIST, **headers)

    assert hasattr(response.wsgi_request, "session")


def test_other_addresses_and_methods_take_the_whole_chain(published):
    assert hasattr(Client().get("/api/v1/topics/").wsgi_request, "session")
    assert hasattr(Client().post(LIST).wsgi_request, "session")


def test_the_throttle_counts_reads_on_the_short_chain(published, settings):
    settings.PUBLIC_API_ANON_RATE = "2/minute"
    client = Client()

    statuses = [client.get(LIST).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_the_short_chain_keeps_every_middleware_that_shapes_an_answer(settings):
    chain = public_reads.public_read_middleware(settings.MIDDLEWARE)

    for kept in (
        "config.middleware.RequestObservabilityMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "config.middleware.SettingsPolicyCSPMiddleware",
        "corsheaders.middleware.CorsMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.http.ConditionalGetMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ):
        assert kept in chain
    assert "django.contrib.sessions.middleware.SessionMiddleware" not in chain
    assert chain == [name for name in settings.MIDDLEWARE if name in chain]
