"""Stored XSS: fifty hostile payloads submitted as stories and as names stay
text wherever they are shown: the admin's queue and review page, the
education page, the public API and the patients' emails.

Each payload carries a marker (XSS07). A surface is safe when, parsed as
HTML, the marker shows up only as text (or inside a harmless attribute
such as a title), never as a tag, an attribute name, an event handler, a
URL, a style or the body of a script."""

import json
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.test import Client

from moderation.accounts import moderators as moderation_moderators
from moderation.decisions import services as moderation_decisions
from moderation.intake import screening as moderation_intake
from moderation.notifications import patients as moderation_notifications
from testimonials.models import Status, Testimonial
from testimonials.stories import submitting
from tests.factories import ConsentTextFactory, TopicFactory

pytestmark = pytest.mark.django_db

VECTORS = [
    "<script>alert('{m}')</script>",
    "<img src=x onerror=alert('{m}')>",
    "<svg onload=alert('{m}')>",
    "\"><script>alert('{m}')</script>",
    "'><img src=x onerror=alert('{m}')>",
    "</textarea><script>alert('{m}')</script>",
    "</title><script>alert('{m}')</script>",
    "<iframe src=\"javascript:alert('{m}')\"></iframe>",
    "<a href=\"javascript:alert('{m}')\">click</a>",
    "<body onload=alert('{m}')>",
    "<ScRiPt>alert('{m}')</sCrIpT>",
    "<scr<script>ipt>alert('{m}')</scr</script>ipt>",
    '<img src="x" onerror="&#97;lert(\'{m}\')">',
    "<svg><script>alert('{m}')</script></svg>",
    "<math><mtext></p><script>alert('{m}')</script>",
    "<details open ontoggle=alert('{m}')>",
    "<input autofocus onfocus=alert('{m}')>",
    "<video><source onerror=alert('{m}')></video>",
    "<object data=\"javascript:alert('{m}')\"></object>",
    "<embed src=\"javascript:alert('{m}')\">",
    "<base href=\"javascript:alert('{m}')//\">",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'{m}\')">',
    "<style>@import 'javascript:alert(\"{m}\")';</style>",
    "<div style=\"background:url(javascript:alert('{m}'))\">x</div>",
    "<form action=\"javascript:alert('{m}')\"><button>go</button></form>",
    "{{{{ '{m}' }}}}{{% debug %}}",
    "${{alert('{m}')}}",
    "<!--<script>alert('{m}')</script>-->",
    "<![CDATA[<script>alert('{m}')</script>]]>",
    "<marquee onstart=alert('{m}')>",
    '<a href="data:text/html;base64,PHNjcmlwdD4=" id="{m}">x</a>',
    "<img src=x:alert(alt) onerror=eval(src) alt='{m}'>",
    "javascript:alert('{m}')",
    "<isindex action=javascript:alert('{m}') type=image>",
    "<svg><animate onbegin=alert('{m}') attributeName=x dur=1s>",
    "<link rel=import href=\"data:text/html,<script>alert('{m}')</script>\">",
    "<table background=\"javascript:alert('{m}')\"></table>",
    "\\u003cscript\\u003ealert('{m}')\\u003c/script\\u003e",
    "%3Cscript%3Ealert('{m}')%3C/script%3E",
    "&lt;script&gt;alert('{m}')&lt;/script&gt;",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('{m}')>\">",
    "<select><template><style><img src=x onerror=alert('{m}')>",
    "\"onmouseover=\"alert('{m}')",
    "' onmouseover='alert(\"{m}\")",
    "<x contenteditable onblur=alert('{m}')>lose focus",
    "<button formaction=javascript:alert('{m}')>x</button>",
    "<img src=1 href=1 onerror=\"javascript:alert('{m}')\">",
    "<audio src onloadstart=alert('{m}')>",
    "<svg><a xlink:href=\"javascript:alert('{m}')\"><text>x</text></a></svg>",
    "</script><script>alert('{m}')</script>",
]
PAYLOADS = [vector.format(m=f"XSS{n:02d}") for n, vector in enumerate(VECTORS)]
assert len(PAYLOADS) == 50
MARKERS = [f"XSS{n:02d}" for n in range(len(VECTORS))]
HARMLESS_ATTRIBUTES = {"title", "value", "aria-label", "placeholder", "alt", "content"}


class Inspector(HTMLParser):
    """Collects where each marker appears in parsed HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_text: set[str] = set()
        self.dangerous: list[str] = []
        self._script = False
        self._json = False
        self._json_text: list[str] = []

    def _markers(self, text: str) -> set[str]:
        return {marker for marker in MARKERS if marker in text}

    def handle_starttag(self, tag, attrs):
        if self._markers(tag):
            self.dangerous.append(f"tag <{tag}>")
        self._script = tag in ("script", "style")
        # Structured data (JSON-LD) is never run; it must stay valid JSON, so
        # a payload that broke out of it would show.
        self._json = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        self._json_text: list[str] = []
        for name, value in attrs:
            if self._markers(name):
                self.dangerous.append(f"attribute name {name!r} on <{tag}>")
            if value and self._markers(value) and name not in HARMLESS_ATTRIBUTES:
                self.dangerous.append(f"attribute {name}={value!r} on <{tag}>")

    def handle_endtag(self, tag):
        if self._json:
            try:
                json.loads("".join(self._json_text))
            except ValueError:
                self.dangerous.append("JSON-LD broken open")
        self._script = self._json = False

    def handle_data(self, data):
        if self._json:
            self._json_text.append(data)
            return
        if self._script and self._markers(data):
            self.dangerous.append(f"script or style body {data[:80]!r}")
        self.in_text |= self._markers(data)

    def handle_comment(self, data):
        if self._markers(data):
            self.dangerous.append(f"comment {data[:80]!r}")


def inspect(html: str) -> Inspector:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector


@pytest.fixture
def hostile_stories(db, django_capture_on_commit_callbacks):
    topic = TopicFactory()
    consent = ConsentTextFactory()
    moderator = moderation_moderators.moderator_create(username="alice", password="pw-123456").user
    stories = []
    with django_capture_on_commit_callbacks(execute=False):
        for n, payload in enumerate(PAYLOADS):
            outcome = submitting.testimonial_submit(
                submission=submitting.Submission(
                    topic_slug=topic.slug,
                    author_name=payload[:120],
                    body=f"My story, number {n}: {payload} The therapy helped my back.",
                    consent_to_publish=True,
                    consent_text_version=consent.version,
                    email=f"patient{n}@example.com",
                    display_preference="full_name",
                )
            )
            item = moderation_intake.testimonial_screen(testimonial_id=outcome.testimonial.pk)
            if item is not None and item.status == Status.PENDING_REVIEW:
                item = moderation_decisions.testimonial_approve(
                    public_id=item.public_id, moderator=moderator
                )
            stories.append(item or outcome.testimonial)
    return topic, moderator, stories


def test_hostile_stories_are_inert_in_the_admin(hostile_stories):
    _, moderator, stories = hostile_stories
    browser = Client()
    browser.force_login(moderator)
    seen: set[str] = set()
    pages = ["/admin/testimonials/testimonial/?status=all"] + [
        f"/admin/testimonials/testimonial/{item.pk}/review/" for item in stories
    ]
    for page in pages:
        response = browser.get(page)
        assert response.status_code == 200
        found = inspect(response.content.decode())
        assert found.dangerous == [], page
        seen |= found.in_text
    assert seen == set(MARKERS), "every payload was shown, as text"


def test_hostile_stories_are_inert_on_the_education_page_and_in_the_api(hostile_stories, client):
    topic, _, stories = hostile_stories
    published = [item for item in stories if item.status == Status.PUBLISHED]
    assert len(published) >= 45, "screening sends most to review; they are published"
    page = client.get(f"/education/{topic.slug}/")
    found = inspect(page.content.decode())
    assert found.dangerous == []
    expected = {marker for marker in MARKERS if any(marker in s.body for s in published)}
    assert expected <= found.in_text

    api = client.get("/api/v1/published/?limit=100")
    assert api["Content-Type"] == "application/json"
    assert api["X-Content-Type-Options"] == "nosniff"
    assert {r["body"] for r in api.json()["results"]} == {item.body for item in published}


def test_hostile_stories_are_inert_in_the_emails(hostile_stories):
    _, _, stories = hostile_stories
    mail.outbox.clear()
    for item in Testimonial.objects.filter(pk__in=[s.pk for s in stories]):
        for notification in item.notifications.all():
            moderation_notifications.patient_notification_send(notification_id=notification.pk)
    assert len(mail.outbox) >= 45
    for message in mail.outbox:
        assert message.content_subtype == "plain"
        assert not getattr(message, "alternatives", [])
        assert "\n" not in message.subject
        assert not any(marker in message.body or marker in message.subject for marker in MARKERS)


def test_the_inspector_catches_every_payload_left_unescaped():
    caught = sum(1 for payload in PAYLOADS if inspect(f"<p>{payload}</p>").dangerous)
    # A few payloads are only dangerous in other contexts (an attribute, a URL,
    # a template engine) and are plain text inside <p>.
    assert caught >= 35, caught
