"""Every HTML surface in real Chromium, with hostile text stored everywhere a
person can write: no Content-Security-Policy violation, no console error,
no payload that runs and no element a payload put there.

The surfaces: the share page (blank, its review step, refused with the
patient's input shown back, received), the patient's private page in each
state (published, rejected, an edit awaiting approval, an import awaiting authorization, a
renewal due, withdrawn, a refused form), invitation links (good, used,
altered), the education index, topic pages and Atom feed, the widget on
another website whose own policy is strict, JSON answers and exports opened
as a navigation, and every admin page from the admin site's registry
(changelists, change, add, delete and history pages, the review page, the
exports, the transparency report, the screening models), with every bulk
action's page and the invitation form's refusal of lines that are not
addresses. The payloads are test_stored_xss.py's fifty, half of them
calling alert() and half setting window.__xss, stored as story text, names,
signatures, topic titles and articles, consent texts, typical-results
statements, moderators' notes, rejection notes, incentives, site names and
imported stories' sources."""

import re
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from moderation.accounts import moderators as moderation_moderators
from moderation.decisions import notes as moderation_notes
from moderation.decisions import services as moderation_decisions
from moderation.intake import screening as moderation_intake
from moderation.models import ModeratorNote, ScreeningModel
from testimonials.invitations import services as invitations
from testimonials.models import (
    Clinician,
    ConsentText,
    Location,
    Status,
    Testimonial,
    Topic,
    TypicalResultsStatement,
    WebhookEndpoint,
)
from testimonials.sites import site_keys
from testimonials.stories import submitting
from testimonials.stories.patient_links import patient_secret
from testimonials.visits import opt_outs
from tests.factories import TestimonialFactory, make_authorization
from tests.security.test_stored_xss import MARKERS, PAYLOADS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Half the payloads call alert() (a dialog), half set window.__xss.
HOSTILE = [
    payload if n % 2 == 0 else payload.replace("alert(", "(window.__xss=")
    for n, payload in enumerate(PAYLOADS)
]
EVERY_PAYLOAD = " ".join(HOSTILE)
TOPIC_SLUG = "dry-needling-low-back-pain"
REAL_PATH = 4

COLLECT = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`);
}, true);
"""

# Walks the document (and open shadow roots): a marker may appear as text,
# or in an attribute that is only ever shown (a title, an input's value);
# anywhere else (a tag, an attribute's name, a URL, a handler, a style, the
# body of a script) a payload became markup.
INSPECT = """
(markers) => {
  const shown = new Set(["title", "value", "aria-label", "placeholder", "alt"]);
  const found = [];
  const text = new Set();
  const has = (value) => markers.filter((m) => value.includes(m));
  const walk = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ALL);
    for (let node = walker.currentNode; node; node = walker.nextNode()) {
      if (node.nodeType === Node.ELEMENT_NODE) {
        const tag = node.localName;
        if (has(tag).length) found.push(`tag <${tag}>`);
        for (const attribute of node.attributes) {
          const name = attribute.name;
          const harmless = shown.has(name) ||
            (name === "content" && tag === "meta" && !node.hasAttribute("http-equiv"));
          if (has(name).length) found.push(`attribute ${name} on <${tag}>`);
          else if (has(attribute.value).length && !harmless) {
            found.push(`${name}="${attribute.value.slice(0, 60)}" on <${tag}>`);
          }
        }
        if (tag === "script" && node.type === "application/ld+json") {
          try { JSON.parse(node.textContent); } catch (error) { found.push("JSON-LD broken"); }
        } else if ((tag === "script" || tag === "style") && has(node.textContent).length) {
          found.push(`<${tag}> body ${node.textContent.slice(0, 60)}`);
        }
        if (node.shadowRoot) walk(node.shadowRoot);
        if (tag === "template") walk(node.content);
      } else if (node.nodeType === Node.TEXT_NODE) {
        const parent = node.parentNode ? node.parentNode.localName : "";
        if (parent !== "script" && parent !== "style") has(node.data).forEach((m) => text.add(m));
      } else if (node.nodeType === Node.COMMENT_NODE && has(node.data).length) {
        found.push(`comment ${node.data.slice(0, 60)}`);
      }
    }
  };
  walk(document);
  const xss = typeof window.__xss === "undefined" ? null : String(window.__xss);
  return { found, text: [...text], violations: window.__violations || [], xss };
}
"""

# Another website embedding the widget, with a policy as strict as ours:
# only its own files and, for the widget, the service's origin.
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Riverside Physio</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' {server};
 connect-src {server}; style-src 'self'; img-src 'self' data:; object-src 'none'">
</head><body><main><h1>Riverside Physio</h1>
<script src="{server}/widget.js" data-topic="{topic}" data-limit="20"></script>
</main></body></html>
"""


@dataclass
class Visits:
    """What the browser saw, page by page."""

    page: Any
    console: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)
    shown: set[str] = field(default_factory=set)
    surfaces: list[str] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)

    def check(self, where: str, *, expect_status: int | None = 200, status: int | None = None):
        """After a page loaded: its violations, console errors, dialogs,
        window.__xss and markup a payload made."""
        found = []
        if expect_status is not None and status is not None and status != expect_status:
            found.append(f"status {status}, expected {expect_status}")
        elif status is not None and status >= 500:
            found.append(f"status {status}")
        inspected = self.page.evaluate(INSPECT, MARKERS)
        found += [f"violation {v}" for v in inspected["violations"]]
        errors = [line for line in self.console if not self._expected_error(line, status)]
        found += [f"console {line}" for line in errors]
        found += [f"dialog {message}" for message in self.dialogs]
        if inspected["xss"] is not None:
            found.append(f"window.__xss = {inspected['xss']}")
        found += inspected["found"]
        self.shown |= set(inspected["text"])
        self.console.clear()
        self.dialogs.clear()
        self.surfaces.append(where)
        if found:
            self.problems[where] = found

    @staticmethod
    def _expected_error(line: str, status: int | None) -> bool:
        # Chromium logs the document's own 4xx as a failed resource.
        return bool(status and status >= 400 and f"status of {status}" in line)

    def visit(self, url: str, where: str, *, expect_status: int | None = 200) -> int | None:
        response = self.page.goto(url)
        status = response.status if response else None
        self.check(where, expect_status=expect_status, status=status)
        return status


def _serve_folder(folder):
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0),
        partial(_QuietHandler, directory=folder),
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


# --- The hostile world --------------------------------------------------------------


@dataclass
class World:
    topic: Topic
    stories: list[Any]
    rejected: Any
    awaiting_approval: Any
    awaiting_authorization: Any
    renewal_due: Any
    invitation_token: str
    used_invitation_token: str
    admin_user: object


def _hostile_world() -> World:
    """Hostile text in every field a patient, a moderator or an admin writes."""
    consent = ConsentText.objects.create(
        version="2026-01",
        text=f"I agree that the clinic may publish my story. {EVERY_PAYLOAD}",
        discloser=HOSTILE[1][:200],
        purpose=HOSTILE[2][:300],
    )
    topic = Topic.objects.create(
        slug=TOPIC_SLUG,
        title=f"Dry needling {HOSTILE[3]}"[:200],
        summary=HOSTILE[4][:300],
        article=f"Dry needling uses thin needles.\n\n{EVERY_PAYLOAD}",
    )
    for n, payload in enumerate(HOSTILE):
        Topic.objects.create(slug=f"hostile-{n:02d}", title=payload[:200], summary=payload[:300])
    TypicalResultsStatement.objects.create(
        topic=topic, text=EVERY_PAYLOAD[:1000], source=HOSTILE[5][:300]
    )
    User = get_user_model()
    admin_user = User.objects.create_superuser(
        username="root", password="root-pass-123", first_name=HOSTILE[6][:150]
    )
    moderator = admin_user
    site = site_keys.site_create(name=HOSTILE[7][:120], allowed_origins="https://clinic.example")
    # Publishing writes a delivery for it: the deliveries' pages list them.
    WebhookEndpoint.objects.create(site=site.site, url="http://127.0.0.1:9/hook")
    moderation_moderators.moderator_create(username="alice", password="alice-pass-123")
    TOTPDevice.objects.create(user=admin_user, name=HOSTILE[23][:64], confirmed=True)
    # What a stranger types into the sign-in form is stored by django-axes.
    sign_in = {
        "username": HOSTILE[24][:150],
        "user_agent": HOSTILE[25][:255],
        "ip_address": "203.0.113.9",
        "http_accept": HOSTILE[26][:255],
        "path_info": "/admin/login/",
    }
    AccessAttempt.objects.create(
        **sign_in, get_data="", post_data=HOSTILE[27], failures_since_start=3
    )
    AccessLog.objects.create(**sign_in)
    AccessFailureLog.objects.create(**sign_in, locked_out=False)
    ScreeningModel.objects.create(
        version="xss-model", trained_on={"files": HOSTILE[8:10]}, refused_because=HOSTILE[10]
    )

    # The first ten go the whole way (submitted, screened, decided: the audit
    # trail, flags, notifications and webhook deliveries are real); the rest
    # are written as published, which is quicker and shows the same fields.
    stories: list[Any] = []
    story: Any
    for n, payload in enumerate(HOSTILE):
        if n >= REAL_PATH:
            story = TestimonialFactory(
                topic=topic,
                consent_text=consent,
                status=Status.PUBLISHED,
                author_name=payload[:120],
                display_preference="full_name",
                body=f"My story, number {n}: {payload} The therapy helped my back.",
                email=f"patient{n}@example.com",
            )
            ModeratorNote.objects.create(
                testimonial=story, author=moderator, author_label="root", text=payload
            )
            stories.append(story)
            continue
        outcome = submitting.testimonial_submit(
            submission=submitting.Submission(
                topic_slug=topic.slug,
                author_name=payload[:120],
                body=f"My story, number {n}: {payload} The therapy helped my back.",
                consent_to_publish=True,
                consent_text_version=consent.version,
                email=f"patient{n}@example.com",
                display_preference="full_name",
                signature=payload[:120],
                material_connection="employee" if n == 1 else "",
                material_connection_detail=payload[:200] if n == 1 else "",
            )
        )
        story = moderation_intake.testimonial_screen(testimonial_id=outcome.testimonial.pk)
        story = story or outcome.testimonial
        moderation_notes.moderator_note_add(
            public_id=story.public_id, moderator=moderator, text=payload
        )
        if story.status == Status.PENDING_REVIEW and n < REAL_PATH - 2:
            story = moderation_decisions.testimonial_approve(
                public_id=story.public_id, moderator=moderator
            )
        elif story.status == Status.PENDING_REVIEW:
            story = moderation_decisions.testimonial_reject(
                public_id=story.public_id, moderator=moderator, reason="other", note=payload
            )
        stories.append(story)
    rejected = next(s for s in stories if s.status == Status.REJECTED)

    awaiting_approval = moderation_decisions.testimonial_edit_published(
        public_id=stories[0].public_id,
        moderator=moderator,
        body=f"An edit that changes the meaning: {EVERY_PAYLOAD}",
    )
    awaiting_authorization = TestimonialFactory(
        topic=topic,
        consent_text=consent,
        status=Status.PENDING_REVIEW,
        author_name=HOSTILE[11][:120],
        body=f"Imported: {EVERY_PAYLOAD}",
        # A flag over every payload: the review page marks each one up.
        screening_flags=[
            {
                "kind": "pii",
                "entity": "URL",
                "severity": "high",
                "start": (at := f"Imported: {EVERY_PAYLOAD}".index(payload)),
                "end": at + len(payload),
                "detail": payload,
            }
            for payload in HOSTILE
        ],
        email="imported@example.com",
        consent_to_publish=False,
        source=HOSTILE[12][:60],
        consent_evidence=HOSTILE[13][:300],
        external_id=HOSTILE[14][:200],
        authorization=False,
    )
    renewal_due = TestimonialFactory(
        topic=topic,
        consent_text=consent,
        status=Status.PUBLISHED,
        author_name=HOSTILE[15][:120],
        body=f"Renew me: {HOSTILE[16]}",
        authorization=False,
    )
    make_authorization(
        renewal_due, expires_at=timezone.now() + timedelta(days=3), signature=HOSTILE[17][:120]
    )
    batch = invitations.invitations_create(
        topic=topic,
        emails=["invited@example.com", "used@example.com"],
        created_by=admin_user,
        incentive=HOSTILE[18][:200],
    )
    fresh, used = batch.invitations
    used.used_at = timezone.now()
    used.save(update_fields=["used_at"])
    # As a visit's invitation fills it in: the place and the patient's name.
    fresh.location = Location.objects.create(
        organisation=topic.organisation, slug="hostile-place", name=HOSTILE[40][:120]
    )
    fresh.clinician = Clinician.objects.create(
        organisation=topic.organisation, slug="hostile-clinician", name=HOSTILE[41][:120]
    )
    fresh.clinician.locations.add(fresh.location)
    fresh.patient_name = HOSTILE[42][:120]
    fresh.save(update_fields=["location", "clinician", "patient_name"])
    return World(
        topic=topic,
        stories=stories,
        rejected=rejected,
        awaiting_approval=awaiting_approval,
        awaiting_authorization=awaiting_authorization,
        renewal_due=renewal_due,
        invitation_token=invitations.invitation_token(fresh),
        used_invitation_token=invitations.invitation_token(used),
        admin_user=admin_user,
    )


def _story_page(story: Testimonial) -> str:
    return f"/stories/{story.public_id}/{patient_secret(story.public_id)}/"


# --- The admin, from its registry -----------------------------------------------------

# Views that are not pages: the sign-out (POST only), the catalog script,
# the autocomplete JSON and the "view on site" redirect.
NOT_PAGES = {"logout", "jsi18n", "autocomplete", "view_on_site"}
# django-otp's QR code of a device's key is an image, drawn only with the
# qrcode package, which the service does not install (manage.py totp_device
# prints the key instead).
NOT_PAGES |= {"otp_totp_totpdevice_qrcode"}
# A story's photo or video for the review page: a file served with a CSP of
# its own (tests/testimonials/media/); the review page that shows it is here.
NOT_PAGES |= {"testimonials_testimonial_media"}
# Activating a screening model, or rolling back to the one before, loads
# and measures it (over ten seconds each); what follows is the changelist
# with a message, a page every other action shows too.
SLOW_ACTIONS = {"activate", "roll_back"}
# Exports answer a file; each is opened once per format it offers.
EXPORT_QUERIES = {
    "testimonials_testimonial_export": [
        f"?status={scope}&format={fmt}" for scope in ("published", "all") for fmt in ("csv", "json")
    ],
    "testimonials_statuschange_export": ["?start=2000-01-01&end=2100-01-01"],
}


def _object_for(model, world: World):
    if model is Testimonial:
        return world.stories[1]  # published: its evidence ZIP exists
    return model._default_manager.order_by("pk").first()


def admin_addresses(world: World) -> list[str]:
    """Every admin page, from the admin site's registry: a ModelAdmin added
    later is visited without touching this test. A view taking an argument
    no rule here knows fails the test, so that it is added."""
    addresses = []
    for model, model_admin in admin.site._registry.items():
        instance = _object_for(model, world)
        for pattern in model_admin.get_urls():
            if not isinstance(pattern, URLPattern) or pattern.name in (None, *NOT_PAGES):
                continue  # the old-style catch-all that only redirects, or not a page
            kwargs = {}
            for name in pattern.pattern.regex.groupindex:
                assert name in ("object_id", "pk", "id"), f"{pattern.name}: which {name} to open?"
                if instance is None:
                    break
                kwargs[name] = instance.pk
            else:
                url = reverse(f"admin:{pattern.name}", kwargs=kwargs)
                for query in EXPORT_QUERIES.get(pattern.name or "", [""]):
                    addresses.append(url + query)
    for site_url in admin.site.get_urls():
        view_name = getattr(site_url, "name", None)
        if not isinstance(site_url, URLPattern) or not view_name or view_name in NOT_PAGES:
            continue
        if view_name == "app_list":
            for app_label in {m._meta.app_label for m in admin.site._registry}:
                addresses.append(reverse("admin:app_list", kwargs={"app_label": app_label}))
        elif not site_url.pattern.regex.groupindex and view_name != "login":
            addresses.append(reverse(f"admin:{view_name}"))
    review = [*world.stories[:3], world.rejected, world.awaiting_approval]
    for story in [*review, world.awaiting_authorization, world.stories[-1]]:
        addresses.append(reverse("admin:testimonials_testimonial_review", args=[story.pk]))
    addresses += [
        reverse("admin:testimonials_testimonial_changelist") + "?status=all",
        reverse("admin:testimonials_testimonial_changelist") + "?q=XSS",
        reverse("admin:testimonials_statuschange_changelist") + "?q=XSS",
    ]
    return addresses


def _walk_the_share_steps(page, *, name, body, email, signature, age) -> None:
    """Fill the share form step by step (share.js) up to its review step."""
    page.fill("[name=body]", body)
    page.click("#step-next")
    page.fill("[name=author_name]", name)
    page.fill("[name=email]", email)
    page.click("#step-next")
    page.click("#step-next")
    for box in page.locator("[name=channels]").all():
        box.check()
    page.check(f"[name=age][value={age}]")
    page.fill("[name=signature]", signature)
    page.check("[name=consent_to_publish]")
    page.click("#step-next")
    page.wait_for_selector("#share-review dd")


def _submit(page, button: str) -> int | None:
    """Send a form as it is, past the browser's own checks, so the server's
    refusal (which shows the input back) is a page too. The answer's status."""
    page.evaluate(
        "() => document.querySelectorAll('form').forEach((f) => { f.noValidate = true; })"
    )
    with page.expect_navigation() as navigation:
        page.click(button)
    response = navigation.value
    return response.status if response else None


def _sign_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def _open_as_navigation(visits: Visits, url: str, where: str) -> None:
    """A file the admin downloads: Chromium must save it, never render it."""
    page = visits.page
    try:
        with page.expect_download(timeout=5000) as download:
            try:
                page.goto(url)
            except Exception as exc:  # Chromium aborts the navigation to download
                if "Download is starting" not in str(exc) and "ERR_ABORTED" not in str(exc):
                    raise
    except Exception as exc:
        visits.problems[where] = [f"not a download: {type(exc).__name__}"]
        visits.check(where)
        return
    visits.downloads.append(download.value.suggested_filename)
    visits.surfaces.append(where)
    # Never rendered, not even by a browser that sniffs what it was sent.
    headers = page.context.request.get(url).headers
    found = []
    if not headers.get("content-disposition", "").startswith("attachment"):
        found.append(f"Content-Disposition {headers.get('content-disposition')}")
    if headers.get("x-content-type-options") != "nosniff":
        found.append("no X-Content-Type-Options: nosniff")
    if "html" in headers.get("content-type", ""):
        found.append(f"Content-Type {headers['content-type']}")
    if found:
        visits.problems[where] = found


@pytest.fixture
def world():
    return _hostile_world()


def test_no_surface_runs_a_payload_or_breaks_its_policy(live_server, browser, world, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.add_init_script(COLLECT)
    page = context.new_page()
    page.set_default_timeout(15_000)
    visits = Visits(page=page)
    page.on("console", lambda m: m.type == "error" and visits.console.append(m.text))
    page.on("pageerror", lambda e: visits.console.append(f"uncaught {e}"))
    page.on("dialog", lambda d: (visits.dialogs.append(d.message), d.dismiss()))
    base = live_server.url

    # The public pages.
    visits.visit(f"{base}/education/", "education index")
    visits.visit(f"{base}/education/{TOPIC_SLUG}/", "education topic")
    visits.visit(f"{base}/education/hostile-01/", "education topic (hostile title, no stories)")
    visits.visit(f"{base}/education/{TOPIC_SLUG}/feed/", "Atom feed")
    visits.visit(f"{base}/no-such-page/", "404 page", expect_status=404)
    visits.visit(f"{base}/api/docs/", "API docs")
    page.wait_for_selector(".swagger-ui .info")
    visits.check("API docs (rendered)")

    # The share page: blank, its review step, refused with the patient's words
    # shown back, received.
    visits.visit(f"{base}/share/{TOPIC_SLUG}/", "share page")
    # In steps (share.js); under 18 with no guardian named: the server refuses.
    _walk_the_share_steps(
        page,
        name=HOSTILE[20][:120],
        body=f"A story long enough to be a story. {HOSTILE[21]}",
        email="refused@example.com",
        signature=HOSTILE[22][:120],
        age="minor",
    )
    visits.check("share page, review step")
    status = _submit(page, "#send-button")
    visits.check("share page, refused", expect_status=400, status=status)
    visits.visit(f"{base}/invite/{world.invitation_token}/", "invitation")
    # An invited patient shares a story: the form posts, the story page follows.
    _walk_the_share_steps(
        page,
        name=HOSTILE[30][:120],
        body=f"Six sessions eased my back and I work again. {HOSTILE[31]}",
        email="invited@example.com",
        signature=HOSTILE[32][:120],
        age="adult",
    )
    status = _submit(page, "#send-button")
    visits.check("invitation: story shared", status=status)
    if not page.locator("#story-status[data-status=submitted]").count():
        visits.problems.setdefault("invitation: story shared", []).append("no story page")
    visits.visit(
        f"{base}/invite/{world.used_invitation_token}/", "invitation used", expect_status=410
    )
    visits.visit(f"{base}/invite/not-a-token/", "invitation altered", expect_status=404)
    # The unsubscribe link every invitation email carries: the button, then done.
    unsubscribe = opt_outs.unsubscribe_token(world.topic.organisation_id, "invited@example.com")
    visits.visit(f"{base}/unsubscribe/{unsubscribe}/", "unsubscribe")
    status = _submit(page, "#unsubscribe")
    visits.check("unsubscribe: done", status=status)
    visits.visit(f"{base}/unsubscribe/not-a-token/", "unsubscribe altered", expect_status=404)

    # The patient's private page in each state.
    visits.visit(f"{base}{_story_page(world.stories[1])}", "patient: published")
    visits.visit(f"{base}{_story_page(world.rejected)}", "patient: rejected")
    visits.visit(f"{base}{_story_page(world.awaiting_approval)}", "patient: approve an edit")
    visits.visit(f"{base}{_story_page(world.renewal_due)}", "patient: renew")
    status = _submit(page, "#renew-button")
    visits.check("patient: renewal refused (no signature)", expect_status=400, status=status)
    visits.visit(f"{base}{_story_page(world.awaiting_authorization)}", "patient: authorize")
    status = _submit(page, "#authorize-button")
    visits.check("patient: authorization refused (no signature)", expect_status=400, status=status)
    visits.visit(f"{base}{_story_page(world.stories[2])}", "patient: narrow")
    visits.check("patient: narrowed", status=_submit(page, "#narrow-button"))
    visits.visit(f"{base}{_story_page(world.stories[2])}", "patient: after narrowing")
    visits.check("patient: withdrawn", status=_submit(page, "#withdraw-button"))
    shown = page.locator("#story-status[data-status=withdrawn]").count()
    if not shown:
        visits.problems.setdefault("patient: withdrawn", []).append("the story is not withdrawn")

    # JSON opened in the browser.
    visits.visit(f"{base}/api/v1/published/?topic={TOPIC_SLUG}&limit=100", "published list JSON")
    visits.visit(f"{base}/api/v1/topics/{TOPIC_SLUG}/stats", "stats JSON")

    # The widget on another website with a strict policy of its own.
    (tmp_path / "index.html").write_text(HOST_PAGE.format(server=base, topic=TOPIC_SLUG))
    (tmp_path / "favicon.ico").write_bytes(b"")
    other_site = _serve_folder(tmp_path)
    try:
        page.goto(f"http://127.0.0.1:{other_site.server_address[1]}/index.html")
        page.wait_for_selector(".patient-stories-widget li")
        visits.check("widget on a host page")
    finally:
        other_site.shutdown()
        other_site.server_close()

    # The admin: sign-in, then every page in the registry.
    visits.visit(f"{base}/admin/login/", "admin sign-in")
    _sign_in(context, live_server, world.admin_user)
    for address in admin_addresses(world):
        if "/export/" in address or "/evidence/" in address:
            _open_as_navigation(visits, f"{base}{address}", address)
        else:
            status = visits.visit(f"{base}{address}", address, expect_status=None)
            # Read-only records refuse their add and delete pages; nothing else.
            if status not in (200, 403):
                visits.problems.setdefault(address, []).append(f"status {status}")

    # Inviting patients: the lines that are not addresses come back in a message.
    page.goto(f"{base}{reverse('admin:testimonials_invitation_add')}")
    page.select_option("#id_topic", str(world.topic.pk))
    page.fill("#id_emails", f"new.patient@example.com\n{HOSTILE[28]}")
    page.fill("#id_incentive", HOSTILE[29][:200])
    visits.check("invitations sent, a line refused", status=_submit(page, "input[type=submit]"))

    # Each bulk action's page: confirmations, issued keys, the messages after.
    for model in admin.site._registry:
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        page.goto(f"{base}{changelist}")
        actions = page.locator("select[name=action] option").evaluate_all(
            "options => options.map(o => o.value).filter(Boolean)"
        )
        for action in [a for a in actions if a not in SLOW_ACTIONS]:
            # Most actions answer with the changelist again; only after a
            # page of its own (a confirmation, an issued key) go back to it.
            if not page.url.endswith(changelist) or not page.locator("#action-toggle").count():
                page.goto(f"{base}{changelist}")
            if not page.locator("#action-toggle").count():
                continue  # an earlier action left nothing to select
            page.check("#action-toggle")
            page.select_option("select[name=action]", action)
            status = _submit(page, "button[name=index]")
            visits.check(f"{changelist} action {action}", expect_status=None, status=status)

    context.close()
    problems = "\n".join(f"{where}: {found}" for where, found in visits.problems.items())
    assert not visits.problems, problems
    assert visits.downloads, "the exports were opened"
    assert set(MARKERS) <= visits.shown, "every payload was shown somewhere, as text"
    surfaces, downloads = len(visits.surfaces), len(visits.downloads)
    print(f"{surfaces} surfaces, {downloads} downloads, {len(HOSTILE)} payloads")


def test_the_collector_sees_an_injected_inline_script(live_server, page):
    """The control: on one of our pages, an inline script that a payload
    would be is blocked, and the collector reports it."""
    page.add_init_script(COLLECT)
    page.goto(f"{live_server.url}/education/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__xss = 1'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(100)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert any(re.match(r"script-src", v) for v in page.evaluate("window.__violations"))
