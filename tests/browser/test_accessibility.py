"""WCAG 2.2 AA, proven in Chromium: axe-core (tests/browser/axe.py) finds no
serious or critical violation on the public pages, the patient's pages, the
widget in each layout and the moderators' pages, in light and dark colour
schemes; every public and patient page reflows at 320 px and at 200% zoom
without scrolling sideways; ratings have names a screen reader reads.

The keyboard-only walk-throughs (submit, withdraw, approve) are in
test_keyboard.py."""

import re
import threading
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moderation.accounts import moderators as moderation_moderators
from testimonials.invitations import services as invitations
from testimonials.models import Location, Status, Testimonial, Topic, TypicalResultsStatement
from testimonials.stories.patient_links import patient_secret
from testimonials.visits import opt_outs
from tests.browser.axe import AxeReport
from tests.factories import ConsentTextFactory, TestimonialFactory, TopicFactory, make_authorization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The widget's layouts, each checked in each of its themes (data-theme).
LAYOUTS = ("list", "grid", "carousel", "wall", "quote")
THEMES = ("light", "dark")
# 320 CSS px (WCAG 1.4.10's width), and a 1280 px window at 200% zoom.
NARROW_VIEWPORTS = {
    "320px": {"width": 320, "height": 640},
    "200% zoom": {"width": 640, "height": 450},
}
# The share form sent with only a story in it, past its scripts.
SEND_SHARE_FORM = """
(story) => {
  const form = document.querySelector("form:has([name=body])");
  form.querySelector("[name=body]").value = story;
  HTMLFormElement.prototype.submit.call(form);
}
"""
# Past the browser's own checks, so that the server's refusal is a page too.
NO_VALIDATE = "() => document.querySelectorAll('form').forEach((f) => { f.noValidate = true; })"

STORIES = [
    ("After six sessions I could garden again without my back locking up.", 5),
    ("The needling felt odd at first; the exercises made the real difference.", 4),
    ("My sciatica eased slowly over two months of treatment.", 3),
]


@dataclass
class Clinic:
    topic: Topic
    published: list[Testimonial]
    pending: Testimonial
    rejected: Testimonial
    renewal_due: Testimonial
    awaiting_authorization: Testimonial
    invitation_token: str
    used_invitation_token: str
    unsubscribe_token: str
    admin_user: Any


@pytest.fixture
def clinic() -> Clinic:
    consent = ConsentTextFactory()
    topic: Any = TopicFactory()
    statement = TypicalResultsStatement.objects.create(
        topic=topic, text="Most patients report less pain after six to eight weeks."
    )
    published: list[Any] = [
        TestimonialFactory(
            topic=topic,
            consent_text=consent,
            status=Status.PUBLISHED,
            author_name=f"Patient {n}",
            body=body,
            rating=rating,
            typical_results=statement,
        )
        for n, (body, rating) in enumerate(STORIES)
    ]
    pending: Any = TestimonialFactory(
        topic=topic, consent_text=consent, author_name="Sam Waiting", body=STORIES[0][0]
    )
    rejected: Any = TestimonialFactory(
        topic=topic,
        consent_text=consent,
        status=Status.REJECTED,
        rejection_reason="other",
        author_name="Rae Rejected",
    )
    renewal_due: Any = TestimonialFactory(
        topic=topic, consent_text=consent, status=Status.PUBLISHED, rating=2, authorization=False
    )
    make_authorization(renewal_due, expires_at=timezone.now() + timedelta(days=3))
    awaiting_authorization: Any = TestimonialFactory(
        topic=topic,
        consent_text=consent,
        email="imported@example.com",
        consent_to_publish=False,
        source="paper form",
        authorization=False,
    )
    admin_user = get_user_model().objects.create_superuser(
        username="root", password="root-pass-123"
    )
    moderation_moderators.moderator_create(username="alice", password="alice-pass-123")
    batch = invitations.invitations_create(
        topic=topic,
        emails=["invited@example.com", "used@example.com"],
        created_by=admin_user,
        incentive="",
    )
    fresh, used = batch.invitations
    used.used_at = timezone.now()
    used.save(update_fields=["used_at"])
    # Two places, so the topic page says where each story is from.
    locations = [
        Location.objects.create(organisation=topic.organisation, slug=slug, name=name)
        for slug, name in (("north", "North Street clinic"), ("south", "South Park clinic"))
    ]
    for n, story in enumerate(published):
        Testimonial.objects.filter(pk=story.pk).update(location=locations[n % 2])
    return Clinic(
        topic=topic,
        published=published,
        pending=pending,
        rejected=rejected,
        renewal_due=renewal_due,
        awaiting_authorization=awaiting_authorization,
        invitation_token=invitations.invitation_token(fresh),
        used_invitation_token=invitations.invitation_token(used),
        unsubscribe_token=opt_outs.unsubscribe_token(topic.organisation_id, "invited@example.com"),
        admin_user=admin_user,
    )


def story_page(story: Testimonial) -> str:
    return f"/stories/{story.public_id}/{patient_secret(story.public_id)}/"


def public_and_patient_pages(clinic: Clinic) -> dict[str, str]:
    """Every page a reader or a patient opens, by what it is."""
    slug = clinic.topic.slug
    return {
        "education index": "/education/",
        "education topic": f"/education/{slug}/",
        "education index, one place": "/education/?location=north",
        "education topic, one place": f"/education/{slug}/?location=north",
        "share form": f"/share/{slug}/",
        "invitation": f"/invite/{clinic.invitation_token}/",
        "invitation used": f"/invite/{clinic.used_invitation_token}/",
        "invitation altered": "/invite/not-a-token/",
        "unsubscribe": f"/unsubscribe/{clinic.unsubscribe_token}/",
        "story: published": story_page(clinic.published[0]),
        "story: in review": story_page(clinic.pending),
        "story: rejected": story_page(clinic.rejected),
        "story: renewal due": story_page(clinic.renewal_due),
        "story: authorize": story_page(clinic.awaiting_authorization),
        "page not found": "/no-such-page/",
    }


@pytest.fixture
def new_context(browser):
    """A context maker; every context is closed after the test. axe is
    loaded as a script of its own, which our pages' policy refuses."""
    contexts = []

    def make(**options):
        context = browser.new_context(bypass_csp=True, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def sign_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_public_and_patient_pages_have_no_serious_violation(live_server, new_context, clinic):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    report = AxeReport()
    statuses = {}
    for where, address in public_and_patient_pages(clinic).items():
        response = page.goto(f"{live_server.url}{address}")
        statuses[where] = response.status if response else None
        report.check(page, where)
    refusals = {"invitation used": 410, "invitation altered": 404, "page not found": 404}
    assert statuses == {where: refusals.get(where, 200) for where in statuses}
    assert page.goto(f"{live_server.url}/education/{clinic.topic.slug}/?location=north")
    assert page.locator(".story").count() == 2  # the place's own stories
    # The forms as a patient sees them refused: errors summarised and next to their fields.
    page.goto(f"{live_server.url}/share/{clinic.topic.slug}/")
    page.evaluate(NO_VALIDATE)
    # Sent as it is (also from a form in steps, whose button is on the last step).
    with page.expect_navigation():
        page.evaluate(SEND_SHARE_FORM, "Too short")
    report.check(page, "share form, refused")
    page.goto(f"{live_server.url}{story_page(clinic.renewal_due)}")
    page.evaluate(NO_VALIDATE)
    with page.expect_navigation():
        page.click("#renew-button")
    report.check(page, "story: renewal refused")
    page.goto(f"{live_server.url}/unsubscribe/{clinic.unsubscribe_token}/")
    with page.expect_navigation():
        page.click("#unsubscribe")
    report.check(page, "unsubscribe: done")
    report.assert_clean()
    assert len(report.pages) == len(public_and_patient_pages(clinic)) + 3


def test_ratings_have_names_a_screen_reader_reads(live_server, new_context, clinic):
    page = new_context().new_page()
    page.goto(f"{live_server.url}/education/{clinic.topic.slug}/")
    for _body, rating in STORIES:
        stars = page.get_by_role("img", name=f"Rated {rating} out of 5", exact=True)
        assert stars.count() == 1
    page.goto(f"{live_server.url}/share/{clinic.topic.slug}/")
    # Whichever step of the form shows them.
    group = page.get_by_role("group", name="Your rating (optional)", include_hidden=True)
    for n in range(1, 6):
        radio = group.get_by_role("radio", name=f"{n} out of 5", include_hidden=True)
        assert radio.count() == 1
    assert group.get_by_role("radio", name="No rating", include_hidden=True).count() == 1


HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Riverside Physio</title></head>
<body><main><h1>Riverside Physio</h1>
<script src="{server}/widget.js" data-topic="{topic}"
  data-layout="{layout}" data-theme="{theme}"></script>
</main></body></html>
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def other_site(tmp_path):
    """Another website (http.server on a port of its own) to embed the widget."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=tmp_path))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_widget_has_no_serious_violation_in_either_theme(
    live_server, new_context, clinic, other_site, layout
):
    folder, site = other_site
    report = AxeReport()
    for theme in THEMES:
        host_page = HOST_PAGE.format(
            server=live_server.url, topic=clinic.topic.slug, layout=layout, theme=theme
        )
        (folder / f"{theme}.html").write_text(host_page)
        page = new_context(color_scheme=theme).new_page()
        page.goto(f"{site}/{theme}.html")
        page.wait_for_selector(".patient-stories-widget blockquote")
        report.check(page, f"widget {layout}, {theme}")
        # A screen reader reads each story's stars as words.
        stars = page.locator(".patient-stories-widget .stars")
        named = page.get_by_role(
            "img", name=re.compile(r"^Rated [1-5] out of 5$"), include_hidden=True
        )
        assert stars.count() >= 1  # every published story has a rating
        assert named.count() == stars.count(), f"{layout}: a rating without its words"
    report.assert_clean()


def test_the_moderators_pages_have_no_serious_violation_in_either_scheme(
    live_server, new_context, clinic
):
    context = new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    report = AxeReport()
    page.goto(f"{live_server.url}/admin/login/")
    report.check(page, "sign-in")
    sign_in(context, live_server, clinic.admin_user)
    pages = {
        "workspace index": reverse("admin:index"),
        "queue": reverse("admin:testimonials_testimonial_changelist"),
        "review page": reverse("admin:testimonials_testimonial_review", args=[clinic.pending.pk]),
        "review page (published)": reverse(
            "admin:testimonials_testimonial_review", args=[clinic.published[0].pk]
        ),
        "locations dashboard": reverse("locations_dashboard"),
    }
    for where, address in pages.items():
        page.goto(f"{live_server.url}{address}")
        report.check(page, where)
    report.assert_clean()
    # Django's admin follows the browser's dark preference: both were checked.
    assert set(pages) <= set(report.dark)


# What sticks out past the window's right edge, for the failure's message.
WIDEST = """
() => [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth)
  .slice(-3).map((e) => e.outerHTML.slice(0, 80)).join(" | ")
"""


def test_public_and_patient_pages_reflow_without_scrolling_sideways(
    live_server, new_context, clinic
):
    page = new_context().new_page()
    wide = {}
    for size, viewport in NARROW_VIEWPORTS.items():
        page.set_viewport_size(viewport)
        for where, address in public_and_patient_pages(clinic).items():
            page.goto(f"{live_server.url}{address}")
            scroll, width = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert width == viewport["width"]
            if scroll > width:
                wide[f"{where} at {size}"] = f"{scroll} px wide: " + page.evaluate(WIDEST)
    assert not wide, wide
