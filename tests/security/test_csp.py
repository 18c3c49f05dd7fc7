"""Every HTML page carries a Content-Security-Policy that forbids inline
script, and carries no inline script, handler or style the policy would
block (so the policy costs nothing that works today)."""

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings

from config.errors import database_unavailable
from moderation.accounts import moderators as moderation_moderators
from testimonials.models import Status
from tests.factories import ConsentTextFactory, TestimonialFactory, TopicFactory

pytestmark = pytest.mark.django_db


class InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inline_scripts: list[str] = []
        self.handlers: list[str] = []
        self.style_attributes: list[str] = []
        self.style_blocks: list[str] = []
        self._open: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        self.handlers += [f"{tag} {name}" for name in names if name.startswith("on")]
        if "style" in names:
            self.style_attributes.append(tag)
        if tag == "script":
            kind = dict(attrs).get("type", "")
            if "src" not in names and kind != "application/ld+json":
                self._open, self._text = "script", []
        if tag == "style":
            self._open, self._text = "style", []

    def handle_data(self, data):
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == self._open == "script":
            self.inline_scripts.append("".join(self._text))
        if tag == self._open == "style":
            self.style_blocks.append("".join(self._text))
        if tag in ("script", "style"):
            self._open = None


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.fixture
def pages(db):
    topic = TopicFactory()
    ConsentTextFactory()
    item = TestimonialFactory(status=Status.PENDING_REVIEW)
    TestimonialFactory(status=Status.PUBLISHED)
    moderator = moderation_moderators.moderator_create(username="alice", password="pw-123456")
    return {
        "anonymous": [
            "/education/", f"/education/{topic.slug}/", "/admin/login/", "/api/docs/",
            "/education/no-such-topic/", "/no-such-page/",
        ],
        "moderator": [
            "/admin/", "/admin/testimonials/testimonial/", "/admin/testimonials/statuschange/",
            f"/admin/testimonials/testimonial/{item.pk}/review/", "/admin/password_change/",
        ],
        "user": moderator.user,
    }  # fmt: skip


def _check(response, where):
    assert "Content-Security-Policy" in response, where
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"], where
    assert "'unsafe-inline'" not in policy.get("style-src", []), where
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    if not response["Content-Type"].startswith("text/html"):
        return
    found = InlineFinder()
    found.feed(response.content.decode())
    assert found.inline_scripts == [], f"{where}: inline script"
    assert found.handlers == [], f"{where}: inline event handler"
    assert found.style_attributes == [], f"{where}: style attribute"
    allowed = set(policy["style-src"])
    for block in found.style_blocks:
        assert _sha256(block) in allowed, f"{where}: inline <style> {block[:60]!r} not allowed"


def test_every_page_carries_a_policy_without_inline_script(pages):
    anonymous = Client()
    for path in pages["anonymous"]:
        _check(anonymous.get(path), path)
    moderator = Client()
    moderator.force_login(pages["user"])
    for path in pages["moderator"]:
        response = moderator.get(path)
        assert response.status_code == 200, path
        _check(response, path)


@override_settings(ADMIN_REQUIRE_2FA=True)
def test_the_two_factor_sign_in_page_too(db):
    _check(Client().get("/admin/login/"), "two-factor sign-in")


def test_error_pages_too(db, rf: RequestFactory):
    client = Client(enforce_csrf_checks=True)
    _check(client.post("/admin/login/", {}), "CSRF failure")
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10):
        _check(Client().post("/admin/login/", {"x": "y" * 100}), "413")
    response = Client().get("/healthz")
    assert "Content-Security-Policy" in response


def test_json_answers_carry_it_too(db):
    response = Client().get("/api/v1/topics/")
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_allowed_style_hashes_are_each_used(pages):
    """A hash nobody needs any more is a hole waiting: drop it."""
    used = set()
    for path in ("/api/docs/",):
        found = InlineFinder()
        found.feed(Client().get(path).content.decode())
        used |= {_sha256(block) for block in found.style_blocks}
    csrf = Client(enforce_csrf_checks=True).post("/admin/login/", {})
    found = InlineFinder()
    found.feed(csrf.content.decode())
    used |= {_sha256(block) for block in found.style_blocks}
    assert set(settings.CSP_INLINE_STYLE_HASHES) == used


def test_the_database_unavailable_page_is_plain(rf):
    response = database_unavailable(rf.get("/education/"))
    assert not re.search(r"<(script|style)", response.content.decode())


def test_the_policy_built_once_is_the_one_django_csp_builds(client):
    from csp.utils import build_policy

    response = client.get("/healthz")
    assert response["Content-Security-Policy"] == build_policy()
    assert "Content-Security-Policy-Report-Only" not in response


def test_a_changed_policy_setting_is_followed_at_once(client):
    before = _policy(client.get("/healthz"))  # the policy is built and kept
    changed = {"DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=changed):
        assert client.get("/healthz")["Content-Security-Policy"] == "default-src 'none'"
    assert _policy(client.get("/healthz")) == before


def test_a_view_with_its_own_policy_takes_django_csps_path():
    from csp.decorators import csp_update
    from django.http import HttpResponse

    from config.middleware import SettingsPolicyCSPMiddleware

    @csp_update({"img-src": ["https://images.example"]})
    def own_policy(request):
        return HttpResponse("ok")

    response = SettingsPolicyCSPMiddleware(own_policy)(RequestFactory().get("/"))
    assert _policy(response)["img-src"] == ["'self'", "data:", "https://images.example"]
