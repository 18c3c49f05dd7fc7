"""Who may read and change what: every persona, every endpoint, every
status. The table is data: a new persona (another kind of key) is one more
row in PERSONAS with the role whose rights it should have, and a new
endpoint one more row in ENDPOINTS. Every route the URL resolver knows is
either in ENDPOINTS or in EXEMPT with its reason
(`test_every_route_is_in_the_matrix_or_exempt`), so a new route without a
row fails.

Hidden items answer 404 (or are absent from lists) and no answer to someone
without the right carries the story's text or the patient's name. Each
story carries a tag of its own in its text and name, so a list shows which
stories it holds: an endpoint that addresses one story is asked about each
status in turn, a list or a page once, with a story of every status there.

Issue 18: the stories live at the home organisation's north location; the
installation also holds a second organisation (its own location, topic,
stories, site and staff) and a sister location of the home organisation.
Staff of those places (`ELSEWHERE` personas: the other organisation's
moderators and admin, the sister location's moderators) are staff with
every right of their role, yet for the home stories each answer is the
one for a story that does not exist: 404 where a story is addressed, a
list without them, the admin's "doesn't exist". Marks (tags in the names
of sites, API tokens, staff accounts and the other organisation's
stories) prove that no answer to one organisation's staff shows the
other's stories, sites, keys or staff, in either direction.
"""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import transaction
from rest_framework.test import APIClient

from moderation.accounts import moderators as moderation_moderators
from moderation.models import StaffMembership, StaffRole
from testimonials.models import (
    Authorization,
    Channel,
    Location,
    Organisation,
    Site,
    Status,
    Testimonial,
    Topic,
    sole_location,
    sole_organisation_id,
)
from testimonials.sites import site_keys
from testimonials.stories.patient_links import patient_secret
from tests.factories import ConsentTextFactory, TestimonialFactory, TopicFactory, UserFactory
from tests.support.routes import all_routes, route_of

pytestmark = pytest.mark.django_db

THIS_FILE = "tests/security/test_access_matrix.py"
TIMES = "\N{MULTIPLICATION SIGN}"  # as the docs write it
DOCS = Path(__file__).resolve().parents[2] / "docs" / "reliability-and-security.md"

# Roles: what a persona may do. PUBLIC is anyone on the internet (and
# partner sites' API keys); PATIENT holds one story's secret link; SCRAPER
# holds the metrics bearer token (METRICS_TOKEN), for /metrics alone.
PUBLIC, PATIENT, USER, MODERATOR, ADMIN = "public", "patient", "user", "moderator", "admin"
SCRAPER = "scraper"
# An organisation admin (issue 18): their organisation's places, staff,
# sites and topics, its exports; a moderator of every one of its locations.
ORG_ADMIN = "organisation admin"
STAFF = {MODERATOR, ADMIN, ORG_ADMIN}
SECRET_TEXT = "Only the clinic may read this: my knee story"
METRICS_TOKEN = "the-scrapers-bearer-token"


@dataclass(frozen=True)
class Persona:
    name: str
    role: str
    sign_in: Callable[[APIClient], None]
    # Signed in to the admin (a browser session), not only holding an API key.
    session: bool = False
    # Staff of another organisation or of a sister location: the home
    # stories are not theirs to see.
    elsewhere: bool = False
    # Of the other organisation: the home organisation's sites, keys and
    # staff are not theirs to see either.
    foreign: bool = False


# The places (issue 18). The matrix's stories are the home organisation's
# (the installation's first), at its first location; SISTER is another
# location of it; OTHER another organisation.
SISTER = "home-sister"
OTHER, OTHER_LOCATION, OTHER_TOPIC = "other-brand", "other-downtown", "other-topic"
# In the names of what each organisation owns besides its stories.
HOME_MARK, OTHER_MARK = "homemark7d2c", "othermark91fa"


def _home() -> Organisation:
    """The home organisation, with its sister location (made on first need)."""
    home = Organisation.objects.exclude(slug=OTHER).order_by("pk").first()
    if home is None:
        home = Organisation.objects.get(pk=cast(int, sole_organisation_id()))
    if not Location.objects.filter(organisation=home).exists():
        sole_location(home.pk)
    Location.objects.get_or_create(slug=SISTER, defaults={"organisation": home, "name": "Sister"})
    return home


def _other() -> Organisation:
    """The second organisation, with a location, a topic and a site of its
    own (made on first need)."""
    found = Organisation.objects.filter(slug=OTHER).first()
    if found is not None:
        return found
    home = _home()
    # A site belongs to the only organisation when it is made: move it over.
    site = site_keys.site_create(name=f"Other brand's site {OTHER_MARK}").site
    other = Organisation.objects.create(slug=OTHER, name="Other brand")
    Site.objects.filter(pk=site.pk).update(organisation=other)
    Location.objects.create(organisation=other, slug=OTHER_LOCATION, name="Downtown")
    Topic.objects.create(
        organisation=other, slug=OTHER_TOPIC, title="Other brand's topic", summary="s",
        article="a",
    )  # fmt: skip
    assert home.pk != other.pk
    return other


def _anonymous(client: APIClient) -> None:
    return None


def _user(client):
    client.force_login(UserFactory(username="charlie"))


def _moderator_token(client: APIClient) -> None:
    token = moderation_moderators.moderator_create(
        username="alice", password="alice-pass-123", organisation_slug=_home().slug,
        purpose=f"alice {HOME_MARK}",
    )  # fmt: skip
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")


def _moderator_session(client: APIClient) -> None:
    token = moderation_moderators.moderator_create(
        username="bob", password="bob-pass-123", organisation_slug=_home().slug,
        purpose=f"bob {HOME_MARK}",
    )  # fmt: skip
    client.force_login(token.user)


def _staff_elsewhere(
    username: str, *, session: bool, role: str = StaffRole.MODERATOR, sister: bool = False
) -> Callable[[APIClient], None]:
    """Staff of the other organisation, or a moderator of the sister location."""

    def sign_in(client: APIClient) -> None:
        places = {"location_slugs": [SISTER]} if sister else {"organisation_slug": _other().slug}
        _home()
        token = moderation_moderators.moderator_create(
            username=username if sister else f"{username}-{OTHER_MARK}",
            password=f"{username}-pass-123", role=role,
            purpose=f"{username} {HOME_MARK if sister else OTHER_MARK}",
            **places,
        )  # fmt: skip
        if session:
            client.force_login(token.user)
        else:
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    return sign_in


def _admin(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))


def _site_key(channel: str) -> Callable[[APIClient], None]:
    def sign_in(client: APIClient) -> None:
        issued = site_keys.site_create(name=f"{channel} site {HOME_MARK}", channel=channel)
        client.credentials(HTTP_X_API_KEY=issued.key)

    return sign_in


def _scraper(client: APIClient) -> None:
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}")


PERSONAS = [
    Persona("anonymous", PUBLIC, _anonymous),
    Persona("patient", PATIENT, _anonymous),
    Persona("signed-in non-moderator", USER, _user, session=True),
    Persona("moderator (API token)", MODERATOR, _moderator_token),
    Persona("moderator (admin session)", MODERATOR, _moderator_session, session=True),
    Persona("admin (superuser)", ADMIN, _admin, session=True),
    # Websites' API keys (issue 5) read what anyone may, and nothing more.
    Persona("partner site key", PUBLIC, _site_key(Channel.PARTNERS)),
    Persona("clinic site key", PUBLIC, _site_key(Channel.CLINIC)),
    Persona("metrics scraper (bearer token)", SCRAPER, _scraper),
    # Issue 18: staff of another organisation, and of a sister location.
    Persona(
        "other organisation's moderator (API token)", MODERATOR,
        _staff_elsewhere("olga", session=False), elsewhere=True, foreign=True,
    ),
    Persona(
        "other organisation's moderator (admin session)", MODERATOR,
        _staff_elsewhere("oscar", session=True), session=True, elsewhere=True, foreign=True,
    ),
    Persona(
        "other organisation's admin (admin session)", ORG_ADMIN,
        _staff_elsewhere("otto", session=True, role=StaffRole.ORGANISATION_ADMIN),
        session=True, elsewhere=True, foreign=True,
    ),
    Persona(
        "sister location's moderator (API token)", MODERATOR,
        _staff_elsewhere("sam", session=False, sister=True), elsewhere=True,
    ),
    Persona(
        "sister location's moderator (admin session)", MODERATOR,
        _staff_elsewhere("sue", session=True, sister=True), session=True, elsewhere=True,
    ),
]  # fmt: skip

DENIED = {401, 403}  # no credentials, or not enough rights


@dataclass(frozen=True)
class Case:
    """One request against one story, and what it may do."""

    persona: Persona
    item: Testimonial

    @property
    def role(self) -> str:
        return self.persona.role

    @property
    def secret(self) -> str:
        """The patient's own secret; everyone else guesses another story's."""
        if self.role == PATIENT:
            return patient_secret(self.item.public_id)
        return patient_secret(uuid.uuid4())


def _nobody(case: Case) -> bool:
    return False


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    url: Callable[[Case], str]
    expect: Callable[[Case], int | set[int]]
    body: dict[str, Any] | Callable[[], dict[str, Any]] | None = None
    # Whether the story may show in the answer (to whoever may see it, even in
    # a refusal: the patient's page shown again with what went wrong).
    may_show: Callable[[Case], bool] = lambda case: case.role in STAFF
    # Whether it must (by default, whenever it may): a list of changes, say,
    # may hold a published story yet holds none written behind its back.
    must_show: Callable[[Case], bool] | None = None
    # The status the story may have afterwards, given the answer.
    changes: bool = False
    # The address names one story: ask about a story of each status in turn.
    # Otherwise (a list, a page) ask once, with a story of each status there.
    each_story: bool = True
    # Sent as a form (a page's), not as JSON (the API's).
    form: bool = False
    # What staff of another place get for a home story, when it differs
    # from what their role gets (where a story is addressed: its absence).
    elsewhere: Callable[[Case], int | set[int]] | None = None


def _staff(ok: int | Callable[[Case], int]) -> Callable[[Case], int | set[int]]:
    def expect(case: Case) -> int | set[int]:
        if case.role in STAFF:
            return ok(case) if callable(ok) else ok
        return DENIED

    return expect


def _patient(ok: int | Callable[[Case], int]) -> Callable[[Case], int | set[int]]:
    """Only the holder of the story's secret link; anyone else, a 404."""

    def expect(case: Case) -> int | set[int]:
        if case.role == PATIENT:
            return ok(case) if callable(ok) else ok
        return 404

    return expect


def _if(status: str | set[str], ok: int = 200, otherwise: int = 409) -> Callable[[Case], int]:
    wanted = {status} if isinstance(status, str) else status
    return lambda case: ok if case.item.status in wanted else otherwise


def _in_admin(case: Case) -> bool:
    return case.role in STAFF and case.persona.session


def _admin_page(case: Case) -> int:
    return 200 if _in_admin(case) else 302  # to the sign-in page


def _superuser_page(case: Case) -> int:
    """Pages only a superuser (or a clinic or organisation admin) sees: a
    moderator is refused."""
    if not _in_admin(case):
        return 302
    return 200 if case.role in (ADMIN, ORG_ADMIN) else 403


def _patients_own(case: Case) -> bool:
    return case.role == PATIENT


def _everyone(code: int) -> Callable[[Case], int]:
    return lambda case: code


def _published(case: Case) -> bool:
    return case.item.status == Status.PUBLISHED


def _absent(case: Case) -> int:
    """A story of another place, addressed: as one that does not exist."""
    return 404


def _absent_in_admin(case: Case) -> int:
    """A story page of another place: not found in the admin, and the
    sign-in page for whoever is not signed in to it."""
    return 404 if _in_admin(case) else 302


NOT_WITHDRAWN = {str(status) for status in Status} - {Status.WITHDRAWN}
MOD = "/api/v1/moderation/testimonials"
PATIENT_API = "/api/v1/testimonials"
ADMIN_STORY = "/admin/testimonials/testimonial"


def _patient_api(action: str) -> Callable[[Case], str]:
    return lambda c: f"{PATIENT_API}/{c.item.public_id}/{c.secret}/{action}"


def _patient_page(action: str) -> Callable[[Case], str]:
    return lambda c: f"/stories/{c.item.public_id}/{c.secret}/{action}"


def _authorization_pk(case: Case) -> int:
    found = Authorization.objects.filter(testimonial=case.item).values_list("pk", flat=True)
    return found.first() or 0


SIGNED = {"signature": "Quentin M."}
NARROW = {"channels": ["clinic"], "display_preference": "initials"}
ENDPOINTS = [
    # --- Public reads and pages.
    Endpoint("home", "GET", lambda c: "/", _everyone(302), may_show=_nobody, each_story=False),
    Endpoint(
        "topics", "GET", lambda c: "/api/v1/topics/", _everyone(200), may_show=_nobody,
        each_story=False,
    ),
    Endpoint(
        "topic", "GET", lambda c: f"/api/v1/topics/{c.item.topic.slug}/", _everyone(200),
        may_show=_nobody, each_story=False,
    ),
    Endpoint(
        "published list", "GET", lambda c: "/api/v1/published/", _everyone(200),
        may_show=_published, each_story=False,
    ),
    Endpoint(
        "published list of a location", "GET",
        lambda c: f"/api/v1/published/?location={c.item.location.slug}", _everyone(200),
        may_show=_published, each_story=False,
    ),
    Endpoint(
        "locations", "GET", lambda c: "/api/v1/locations/", _everyone(200), may_show=_nobody,
        each_story=False,
    ),
    # Fed by the publications the services record; a story written directly has none.
    Endpoint(
        "changes feed", "GET", lambda c: "/api/v1/published/changes", _everyone(200),
        may_show=_published, must_show=_nobody, each_story=False,
    ),
    Endpoint(
        "education index", "GET", lambda c: "/education/", _everyone(200), may_show=_published,
        must_show=_nobody, each_story=False,
    ),
    Endpoint(
        "education page", "GET", lambda c: f"/education/{c.item.topic.slug}/", _everyone(200),
        may_show=_published, each_story=False,
    ),
    Endpoint(
        "atom feed", "GET", lambda c: f"/education/{c.item.topic.slug}/feed/", _everyone(200),
        may_show=_published, each_story=False,
    ),
    Endpoint(
        "topic stats", "GET", lambda c: f"/api/v1/topics/{c.item.topic.slug}/stats",
        _everyone(200), may_show=_nobody, each_story=False,
    ),
    Endpoint(
        "share page", "GET", lambda c: f"/share/{c.item.topic.slug}/", _everyone(200),
        may_show=_nobody, each_story=False,
    ),
    Endpoint(
        "invitation page", "GET", lambda c: "/invite/not-a-real-invitation/", _everyone(404),
        may_show=_nobody, each_story=False,
    ),
    Endpoint(
        "widget script", "GET", lambda c: "/widget.js", _everyone(200), may_show=_nobody,
        each_story=False,
    ),
    Endpoint(
        "organisation stylesheet", "GET", lambda c: f"/brand/{c.item.topic.organisation.slug}.css",
        _everyone(200), may_show=_nobody, each_story=False,
    ),
    Endpoint(
        "widget's stylesheet", "GET", lambda c: f"/brand/topics/{c.item.topic.slug}.css",
        _everyone(200), may_show=_nobody, each_story=False,
    ),
    Endpoint(
        "submit", "POST", lambda c: f"{PATIENT_API}/", _everyone(202), may_show=_nobody,
        each_story=False, body=lambda: _submission(),
    ),
    # --- A practice system's visits (an integration key, which no persona here
    # holds: tests/testimonials/test_visits.py tries it everywhere), the SMS
    # provider's replies (off without SMS_INBOUND_TOKEN), its delivery receipts
    # (off unless texts go through Twilio; tests/testimonials/test_sms_twilio.py
    # tries their signature) and the unsubscribe link (a signed token no
    # persona holds).
    Endpoint(
        "visits", "POST", lambda c: "/api/v1/visits/", _everyone(401), may_show=_nobody,
        each_story=False, body={"external_id": "x", "completed_at": "2026-01-01T00:00:00Z",
                                "location": "x", "email": "a@example.com"},
    ),
    Endpoint(
        "visits as a FHIR Encounter", "POST", lambda c: "/api/v1/fhir/Encounter", _everyone(401),
        may_show=_nobody, each_story=False, body={"resourceType": "Encounter"},
    ),
    Endpoint(
        "sms replies", "POST", lambda c: "/api/v1/sms/inbound", _everyone(404),
        may_show=_nobody, each_story=False, body={"From": "+34612345678", "Body": "STOP"},
    ),
    Endpoint(
        "sms delivery receipts", "POST", lambda c: "/api/v1/sms/status/", _everyone(404),
        may_show=_nobody, each_story=False, body={"MessageSid": "SM1", "MessageStatus": "sent"},
    ),
    Endpoint(
        "unsubscribe page", "GET", lambda c: "/unsubscribe/not-a-token/", _everyone(404),
        may_show=_nobody, each_story=False,
    ),
    # The ask funnel's first-party image: the same answer for every token.
    Endpoint(
        "invitation email image", "GET", lambda c: "/i/not-a-token/o.png", _everyone(200),
        may_show=_nobody, each_story=False,
    ),
    # --- Operations: probes for the load balancer, metrics for the scraper alone.
    Endpoint(
        "healthz", "GET", lambda c: "/healthz", _everyone(200), may_show=_nobody,
        each_story=False,
    ),
    Endpoint(
        "readyz", "GET", lambda c: "/readyz", _everyone(200), may_show=_nobody, each_story=False
    ),
    Endpoint(
        "metrics", "GET", lambda c: "/metrics", lambda c: 200 if c.role == SCRAPER else 403,
        may_show=_nobody, each_story=False,
    ),
    # --- The patient's own, behind the secret link: the API and the page's forms.
    Endpoint(
        "patient page", "GET", _patient_page(""), _patient(200), may_show=_patients_own
    ),
    Endpoint(
        "patient status", "GET", _patient_api(""), _patient(200), may_show=_patients_own
    ),
    Endpoint(
        "patient withdraw", "POST", _patient_api("withdraw"), _patient(200),
        may_show=_patients_own, changes=True,
    ),
    Endpoint(
        "patient authorize", "POST", _patient_api("authorize"), _patient(409), body=SIGNED,
        may_show=_patients_own, changes=True,
    ),
    Endpoint(
        "patient approve edit", "POST", _patient_api("approve-edit"), _patient(409),
        body=SIGNED, may_show=_patients_own, changes=True,
    ),
    Endpoint(
        "patient narrow", "POST", _patient_api("narrow"), _patient(_if(NOT_WITHDRAWN)), body=NARROW,
        may_show=_patients_own, changes=True,
    ),
    Endpoint(
        "patient renew", "POST", _patient_api("renew"), _patient(_if(NOT_WITHDRAWN)), body=SIGNED,
        may_show=_patients_own, changes=True,
    ),
    # Issue 22: the patient takes the photo and video back and keeps the text.
    Endpoint(
        "patient withdraw media", "POST", _patient_api("withdraw-media"), _patient(200),
        may_show=_patients_own, changes=True,
    ),
    Endpoint(
        "patient page withdraw", "POST", _patient_page("withdraw"), _patient(303),
        may_show=_patients_own, changes=True, form=True,
    ),
    Endpoint(
        "patient page withdraw media", "POST", _patient_page("withdraw-media"), _patient(303),
        may_show=_patients_own, changes=True, form=True,
    ),
    Endpoint(
        "patient page authorize", "POST", _patient_page("authorize"), _patient(409),
        body=SIGNED, may_show=_patients_own, changes=True, form=True,
    ),
    Endpoint(
        "patient page approve edit", "POST", _patient_page("approve"), _patient(409),
        body=SIGNED, may_show=_patients_own, changes=True, form=True,
    ),
    Endpoint(
        "patient page narrow", "POST", _patient_page("narrow"), _patient(_if(NOT_WITHDRAWN, 303)),
        body=NARROW,
        may_show=_patients_own, changes=True, form=True,
    ),
    Endpoint(
        "patient page renew", "POST", _patient_page("renew"), _patient(_if(NOT_WITHDRAWN, 303)),
        body={**SIGNED, "channels": ["clinic"], "expires_in": "12"}, may_show=_patients_own,
        changes=True, form=True,
    ),
    # --- The moderation API.
    Endpoint(
        "moderation queue", "GET", lambda c: "/api/v1/moderation/queue/", _staff(200),
        may_show=lambda c: c.role in STAFF and c.item.status == Status.PENDING_REVIEW,
        each_story=False,
    ),
    Endpoint("moderation detail", "GET", lambda c: f"{MOD}/{c.item.public_id}/", _staff(200)),
    Endpoint(
        "approve", "POST", lambda c: f"{MOD}/{c.item.public_id}/approve",
        _staff(_if(Status.PENDING_REVIEW)), body={}, changes=True,
    ),
    Endpoint(
        "reject", "POST", lambda c: f"{MOD}/{c.item.public_id}/reject",
        _staff(_if(Status.PENDING_REVIEW)), body={"reason": "off_topic"}, changes=True,
    ),
    Endpoint(
        "unpublish", "POST", lambda c: f"{MOD}/{c.item.public_id}/unpublish",
        _staff(_if(Status.PUBLISHED)), body={"reason": "other", "note": "x"}, changes=True,
    ),
    Endpoint(
        "reopen", "POST", lambda c: f"{MOD}/{c.item.public_id}/reopen",
        _staff(_if({Status.REJECTED, Status.UNPUBLISHED})), body={}, changes=True,
    ),
    Endpoint(
        "edit published", "POST", lambda c: f"{MOD}/{c.item.public_id}/edit",
        _staff(_if(Status.PUBLISHED)), body={"body": f"{SECRET_TEXT}, edited."}, changes=True,
    ),
    Endpoint(
        "feature", "POST", lambda c: f"{MOD}/{c.item.public_id}/feature",
        _staff(_if(Status.PUBLISHED)), body={"featured": True}, changes=True,
    ),
    Endpoint(
        "connection", "POST", lambda c: f"{MOD}/{c.item.public_id}/connection",
        _staff(_if(Status.PUBLISHED)), body={"material_connection": "gift"}, changes=True,
    ),
    Endpoint("claim", "POST", lambda c: f"{MOD}/{c.item.public_id}/claim", _staff(200)),
    Endpoint(
        "note", "POST", lambda c: f"{MOD}/{c.item.public_id}/notes", _staff(201),
        body={"text": "Checked the consent."},
    ),
    # --- The admin: the story's own pages, its decisions, exports and evidence.
    Endpoint(
        "admin review page", "GET", lambda c: f"{ADMIN_STORY}/{c.item.pk}/review/", _admin_page,
        may_show=_in_admin,
    ),
    Endpoint(
        "admin approve", "POST", lambda c: f"{ADMIN_STORY}/{c.item.pk}/review/",
        lambda c: 302, body={"action": "approve"}, may_show=_nobody, changes=True, form=True,
    ),
    # A story has no change form: the review page is where it changes.
    Endpoint(
        "admin change form", "GET", lambda c: f"{ADMIN_STORY}/{c.item.pk}/change/",
        _everyone(302), may_show=_nobody,
    ),
    Endpoint(
        "admin story redirect", "GET", lambda c: f"{ADMIN_STORY}/{c.item.pk}/", _everyone(302),
        may_show=_nobody,
    ),
    Endpoint(
        "admin history", "GET", lambda c: f"{ADMIN_STORY}/{c.item.pk}/history/", _admin_page,
        may_show=_in_admin,
    ),
    # Stories are never added or deleted in the admin, not even by a superuser.
    Endpoint(
        "admin delete page", "GET", lambda c: f"{ADMIN_STORY}/{c.item.pk}/delete/",
        lambda c: 403 if _in_admin(c) else 302, may_show=_nobody,
    ),
    Endpoint(
        "admin add story", "GET", lambda c: f"{ADMIN_STORY}/add/",
        lambda c: 403 if _in_admin(c) else 302, may_show=_nobody, each_story=False,
    ),
    # Issue 22: the story's media for the review page (these stories have none:
    # 404 in the admin), and the public copy, served only while public.
    Endpoint(
        "admin story media", "GET",
        lambda c: f"{ADMIN_STORY}/{c.item.pk}/media/{uuid.uuid4()}/",
        lambda c: 404 if _in_admin(c) else 302, may_show=_nobody,
    ),
    Endpoint(
        "public media", "GET", lambda c: f"/media/{uuid.uuid4()}/", _everyone(404),
        may_show=_nobody, each_story=False,
    ),
    Endpoint(
        "public media captions", "GET", lambda c: f"/media/{uuid.uuid4()}/captions.vtt",
        _everyone(404), may_show=_nobody, each_story=False,
    ),
    # Issue 10: a published story's evidence ZIP (others go back to the review page).
    Endpoint(
        "evidence export", "GET", lambda c: f"{ADMIN_STORY}/{c.item.pk}/evidence/",
        lambda c: (200 if _published(c) else 302) if _in_admin(c) else 302,
        may_show=_in_admin, must_show=_nobody,  # a ZIP: its text is compressed
    ),
    Endpoint(
        "admin queue", "GET", lambda c: f"{ADMIN_STORY}/?status=all", _admin_page,
        may_show=_in_admin, each_story=False,
    ),
    # Issue 10: the export of all stories holds personal data.
    Endpoint(
        "admin export", "GET", lambda c: f"{ADMIN_STORY}/export/?status=all&format=json",
        _superuser_page, may_show=lambda c: c.role == ADMIN, each_story=False,
    ),
    # Issue 16: who read which story, exported; clinic admins only.
    Endpoint(
        "admin access log export", "GET", lambda c: "/admin/moderation/storyaccess/export/",
        _superuser_page, may_show=_nobody, each_story=False,
    ),
    Endpoint(
        "admin authorization change form", "GET",
        lambda c: f"/admin/testimonials/authorization/{_authorization_pk(c)}/change/",
        _admin_page, may_show=_in_admin,
    ),
    Endpoint(
        "admin audit export", "GET",
        lambda c: "/admin/testimonials/statuschange/export/?start=2020-01-01&end=2099-01-01",
        _admin_page, may_show=_nobody, each_story=False,
    ),
    Endpoint(
        "admin transparency report", "GET", lambda c: "/admin/testimonials/topic/transparency/",
        _admin_page, may_show=_nobody, each_story=False,
    ),
    # Issue 20: the widget builder; the preview is the public widget, read in the browser.
    Endpoint(
        "admin widget builder", "GET", lambda c: "/admin/testimonials/topic/widget-builder/",
        _admin_page, may_show=_nobody, each_story=False,
    ),
    # Issue 18: an organisation's locations side by side, and its places from
    # CSV: its admins' (and superusers'); the figures name no story.
    Endpoint(
        "admin locations dashboard", "GET", lambda c: "/admin/dashboard/", _superuser_page,
        may_show=_nobody, each_story=False,
    ),
    # Issue 19: the ask funnel, beside the dashboard, for the same staff.
    Endpoint(
        "admin asks funnel", "GET", lambda c: "/admin/dashboard/asks/", _superuser_page,
        may_show=_nobody, each_story=False,
    ),
    Endpoint(
        "admin import of places", "GET", lambda c: "/admin/testimonials/location/import/",
        _superuser_page, may_show=_nobody, each_story=False,
    ),
    # Issue 19: a day's visits from CSV, for its organisation's admins.
    Endpoint(
        "admin upload of visits", "GET", lambda c: "/admin/testimonials/visit/upload/",
        _superuser_page, may_show=_nobody, each_story=False,
    ),
    Endpoint(
        "admin index", "GET", lambda c: "/admin/", _admin_page, may_show=_nobody,
        each_story=False,
    ),
    Endpoint(
        "admin app index", "GET", lambda c: "/admin/testimonials/", _admin_page,
        may_show=_nobody, each_story=False,
    ),
    Endpoint(
        "admin sign-in page", "GET", lambda c: "/admin/login/",
        lambda c: 302 if _in_admin(c) else 200, may_show=_nobody, each_story=False,
    ),
    Endpoint(
        "admin unknown page", "GET", lambda c: "/admin/no-such-page/",
        lambda c: 404 if _in_admin(c) else 302, may_show=_nobody, each_story=False,
    ),
]  # fmt: skip


def _admin_list(model: type) -> Endpoint:
    """A registered model's list in the admin: staff with the right to view it."""
    opts = model._meta  # type: ignore[attr-defined]

    def sees(case: Case) -> bool:
        if case.role == ADMIN:
            return True
        return opts.label_lower in VIEWS.get(case.role, set())

    def expect(case: Case) -> int:
        if not _in_admin(case):
            return 302
        return 200 if sees(case) else 403

    return Endpoint(
        f"admin {opts.verbose_name_plural} list", "GET",
        lambda c: f"/admin/{opts.app_label}/{opts.model_name}/", expect,
        may_show=lambda c: _in_admin(c) and sees(c),
        must_show=_nobody, each_story=False,
    )  # fmt: skip


# What the Moderators group may view (`moderation.accounts.groups`), stated
# here on its own so that a widened group fails the matrix.
MODERATORS_VIEW = {
    "testimonials.topic", "testimonials.statuschange", "testimonials.authorization",
    "testimonials.invitation", "testimonials.typicalresultsstatement", "testimonials.visit",
}  # fmt: skip
# An organisation admin's (the Moderators and Clinic admins groups): their
# organisation's places, staff, keys and sites, and the records of exports.
ORG_ADMINS_VIEW = MODERATORS_VIEW | {
    "auth.group", "auth.user", "moderation.apitoken", "moderation.screeningmodel",
    "moderation.staffmembership", "moderation.storyaccess", "testimonials.clinician",
    "testimonials.consenttext", "testimonials.dataexport", "testimonials.location",
    "testimonials.organisation", "testimonials.site", "testimonials.webhookdelivery",
    "testimonials.integrationkey", "testimonials.patientoptout",
}  # fmt: skip
VIEWS = {MODERATOR: MODERATORS_VIEW, ORG_ADMIN: ORG_ADMINS_VIEW}
ENDPOINTS += [_admin_list(model) for model in admin.site._registry if model is not Testimonial]

# Staff of another place, asked about a home story: as about one that does
# not exist (issue 18). Every other endpoint answers them as their role.
ELSEWHERE = {
    **dict.fromkeys(
        (
            "moderation detail", "approve", "reject", "unpublish", "reopen", "edit published",
            "feature", "connection", "claim", "note",
        ),
        _absent,
    ),
    "admin review page": _absent_in_admin,
    "admin approve": _absent_in_admin,
    "evidence export": _absent_in_admin,
    "admin story media": _absent_in_admin,
    # The admin's "doesn't exist" (a redirect to its index), or its sign-in page.
    "admin history": _everyone(302),
    "admin authorization change form": _everyone(302),
}  # fmt: skip
ENDPOINTS = [
    replace(endpoint, elsewhere=ELSEWHERE[endpoint.name])
    if endpoint.name in ELSEWHERE
    else endpoint
    for endpoint in ENDPOINTS
]

# Routes outside the matrix, each with its reason.
EXEMPT = {
    # Describe the API and carry no data; public by design, and schemathesis
    # reads every operation in it (tests/security/test_api_fuzz.py).
    "api/schema/": "the OpenAPI schema",
    "api/docs/": "Swagger UI's page for the schema",
    # Django's own pages that act on the signed-in person alone (signing out,
    # their password), its script catalogue, and two helpers no model uses
    # (no admin has autocomplete fields, no model a page on the site).
    "admin/logout/": "signs the person out",
    "admin/password_change/": "the signed-in person's own password",
    "admin/password_change/done/": "the signed-in person's own password",
    "admin/jsi18n/": "the admin's translations for its scripts",
    "admin/autocomplete/": "no model has autocomplete fields",
    "admin/r/<path:content_type_id>/<path:object_id>/": "view on site: no model has one",
    "admin/auth/user/<id>/password/": "a user's password form: the users' list's permission",
    "admin/otp_totp/totpdevice/<int:pk>/config/": "a TOTP device's set-up, for superusers",
    "admin/otp_totp/totpdevice/<int:pk>/qrcode/": "a TOTP device's set-up, for superusers",
    "admin/two-factor/": "the signed-in person's own authenticator and recovery codes",
    # The identity provider's sign-in: no data, 404 while OIDC is off
    # (tests/security/test_staff_oidc_sign_in.py drives it end to end).
    "oidc/authenticate/": "sends the browser to the clinic's identity provider",
    "oidc/callback/": "the identity provider's answer",
    "oidc/logout/": "signs the person out",
    "favicon.ico": "a redirect to a static icon",
}
# The admin's generic add, change, history and delete pages of the other
# models: Django checks the same model permissions there as on each model's
# list, which the matrix tries for every persona; the story's own pages and
# its authorization's change form are in the matrix.
EXEMPT_PATTERN = re.compile(
    r"admin/(?!testimonials/testimonial/)\w+/\w+/(add/|<path:object_id>/(history/|delete/|change/)?)"
)


def _submission() -> dict[str, Any]:
    return {
        "topic": TopicFactory().slug,
        "author_name": "Quentin Marlowe",
        "body": "After four sessions and the home exercises I can sit through a workday again.",
        "consent_to_publish": True,
        "consent_text_version": ConsentTextFactory().version,
    }


class Stories:
    """A story of each status, each with a tag of its own in its text and name."""

    def __init__(self) -> None:
        self.by_status: dict[str, Testimonial] = {}
        self.tags: dict[int, str] = {}
        for status in Status:
            self.renew(status)

    def copy(self) -> "Stories":
        """These stories as they were made, for one test to renew as it goes."""
        copied = Stories.__new__(Stories)
        copied.by_status, copied.tags = dict(self.by_status), dict(self.tags)
        return copied

    def renew(self, status: str) -> Testimonial:
        tag = f"tag{uuid.uuid4().hex[:12]}"
        made = TestimonialFactory(
            status=status, body=f"{SECRET_TEXT} ({tag}).", author_name=f"Quentin Marlowe{tag}"
        )
        item = cast(Testimonial, made)
        self.by_status[status] = item
        self.tags[item.pk] = tag
        return item

    def shown(self, item: Testimonial, text: str) -> bool:
        return self.tags[item.pk] in text or str(item.public_id) in text


def _ask(client: APIClient, endpoint: Endpoint, url: str) -> Any:
    if endpoint.method == "GET":
        return client.get(url)
    body = endpoint.body() if callable(endpoint.body) else endpoint.body
    if endpoint.form:
        return client.post(url, body or {})
    return client.post(url, body, format="json")


def _text(response: Any) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return str(body.decode(errors="replace"))


def _sent_elsewhere_than_sign_in(case: Case, url: str, response: Any) -> bool:
    """An admin page sends whoever is not signed in to it to the sign-in page."""
    if response.status_code != 302 or not url.startswith("/admin/") or _in_admin(case):
        return False
    return not str(response["Location"]).startswith("/admin/login/")


def _marks_shown(persona: Persona, text: str) -> list[str]:
    """What of the other organisation's an answer shows: the home
    organisation's sites, keys and staff to the other's staff, the other's
    stories, site, keys and staff to the home staff (but a superuser)."""
    if persona.foreign:
        return [HOME_MARK] if HOME_MARK in text else []
    if persona.role in STAFF - {ADMIN} and OTHER_MARK in text:
        return [OTHER_MARK]
    return []


def _problems(endpoint: Endpoint, persona: Persona, client: APIClient, stories: Stories) -> list:
    found = []
    addressed = list(Status) if endpoint.each_story else [Status.PUBLISHED]
    # What anyone may read (the public side), staff of any place may too.
    public = endpoint.may_show(Case(PERSONAS[0], stories.by_status[Status.PUBLISHED]))
    elsewhere = persona.elsewhere and not public
    # A home story is not for staff of another place to see.
    may_show = _nobody if elsewhere else endpoint.may_show
    for status in addressed:
        item = stories.by_status[status]
        case = Case(persona, item)
        url = endpoint.url(case)
        response = _ask(client, endpoint, url)
        expect = endpoint.elsewhere if elsewhere and endpoint.elsewhere else endpoint.expect
        expected = expect(case)
        allowed = expected if isinstance(expected, set) else {expected}
        where = f"{persona.name} {endpoint.method} {endpoint.name} on a {status} story"
        if response.status_code not in allowed:
            found.append(f"{where}: {response.status_code}, expected {expected}")
        elif _sent_elsewhere_than_sign_in(case, url, response):
            found.append(f"{where}: sent to {response['Location']}, not to sign in")

        text = _text(response)
        if endpoint.each_story:
            # The story addressed by the endpoint's rules; any other, to staff alone.
            checks = [(item, case, where)]
            for other in stories.by_status.values():
                shown = other.pk != item.pk and stories.shown(other, text)
                if shown and (persona.role not in STAFF or elsewhere):
                    found.append(f"{where}: shows another story, a {other.status} one")
        else:
            checks = [
                (other, Case(persona, other), f"{where}, the {other.status} one")
                for other in stories.by_status.values()
            ]
        must_show = endpoint.must_show or may_show
        for story, story_case, who in checks:
            shown = stories.shown(story, text)
            if shown and not may_show(story_case):
                refusal = "a refusal" if response.status_code >= 300 else "an answer"
                found.append(f"{who}: {refusal} shows a story it must not")
            elif not shown and response.status_code < 300 and must_show(story_case):
                found.append(f"{who}: does not show a story it should")
        for mark in [] if public else _marks_shown(persona, text):
            found.append(f"{where}: shows the other organisation's ({mark})")

        before, after = status, Testimonial.objects.get(pk=item.pk).status
        if (not endpoint.changes or response.status_code >= 400) and after != before:
            found.append(f"{where}: refused, yet the story changed")
        if endpoint.name == "admin approve":
            moved = _in_admin(case) and not elsewhere and before == Status.PENDING_REVIEW
            if (after == Status.PUBLISHED) != (moved or before == Status.PUBLISHED):
                found.append(f"{where}: moved to {after}")
        if endpoint.method != "GET" and response.status_code < 400:
            stories.renew(status)  # the next persona meets it as it was
    return found


def _home_topic() -> None:
    """The home stories' topic, bound to the home organisation's first
    location (before its sister location exists)."""
    topic = cast(Topic, TopicFactory())
    first = sole_location(cast(int, topic.organisation_id))
    Topic.objects.filter(pk=topic.pk).update(location=first)


def _places_of_both() -> None:
    """The other organisation with a story of each status, and a staff
    account of each organisation. (The home sites are made as their
    personas sign in, while the home organisation is the only one.)"""
    for organisation, mark in ((_home(), HOME_MARK), (_other(), OTHER_MARK)):
        staff = cast(User, UserFactory(username=f"staff-{mark}", is_staff=True))
        StaffMembership.objects.create(user=staff, organisation=organisation)
    other_topic = Topic.objects.get(slug=OTHER_TOPIC)
    for status in Status:
        TestimonialFactory(
            topic=other_topic, status=status, body=f"{SECRET_TEXT} ({OTHER_MARK} {status}).",
            author_name=f"Olivia Other{OTHER_MARK}",
        )  # fmt: skip


@pytest.fixture(scope="class")
def world(django_db_setup, django_db_blocker):
    """The personas, signed in, and a story of each status: made once for
    every endpoint (each test runs in a savepoint that undoes its changes)."""
    with django_db_blocker.unblock(), transaction.atomic():
        ConsentTextFactory()
        _home_topic()
        clients = []
        for persona in PERSONAS:
            client = APIClient()
            persona.sign_in(client)
            clients.append((persona, client))
        _places_of_both()
        yield clients, Stories()
        transaction.set_rollback(True)


class MatrixTests:
    @pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
    def test_the_access_matrix(self, endpoint, world, settings):
        settings.METRICS_TOKEN = METRICS_TOKEN
        clients, made = world
        stories = made.copy()
        problems = []
        for persona, client in clients:
            problems += _problems(endpoint, persona, client, stories)
        assert not problems, "\n".join(problems)


def _docs_row() -> str:
    """The access matrix's row in docs/reliability-and-security.md."""
    return next(line for line in DOCS.read_text().splitlines() if f"`{THIS_FILE}`" in line)


def _numbers(pattern: str, text: str) -> tuple[int, ...]:
    found = re.search(pattern, text)
    assert found, f"the docs' row no longer says {pattern!r}"
    return tuple(int(number.replace(",", "")) for number in found.groups())


def test_every_route_is_in_the_matrix_or_exempt():
    item = TestimonialFactory(status=Status.PUBLISHED)
    covered = {route_of(endpoint.url(Case(PERSONAS[1], item))) for endpoint in ENDPOINTS}
    routes = {route.route for route in all_routes()}
    assert covered <= routes
    by_name = {route for route in routes if route in EXEMPT}
    generic = {route for route in routes - covered if EXEMPT_PATTERN.match(route)}
    left = sorted(routes - covered - by_name - generic)
    assert not left, f"routes in neither ENDPOINTS nor EXEMPT: {left}"
    assert not by_name & covered, "exempt, yet in the matrix"
    assert set(EXEMPT) <= routes, f"exempt routes that are gone: {set(EXEMPT) - routes}"
    counts = _numbers(
        r"of the ([\d,]+) routes, ([\d,]+) in the matrix, ([\d,]+) exempt by name .*? and "
        r"([\d,]+) as the admin's generic",
        _docs_row(),
    )
    assert counts == (len(routes), len(covered), len(by_name), len(generic))


def test_the_docs_state_what_the_matrix_runs():
    row = _docs_row()
    requests = len(PERSONAS) * sum(len(Status) if e.each_story else 1 for e in ENDPOINTS)
    ran = (len(PERSONAS), len(ENDPOINTS), len(PERSONAS) * len(ENDPOINTS), requests)
    stated = _numbers(
        rf"([\d,]+) personas {TIMES} ([\d,]+) endpoints = ([\d,]+) persona{TIMES}endpoint cases, "
        r"([\d,]+) requests",
        row,
    )
    assert stated == ran, f"the docs say {stated}; the matrix runs {ran}"
    assert f"{len(PERSONAS)} personas (" in row
    assert f"{TIMES} {len(ENDPOINTS)} endpoints (" in row


def test_a_wrong_secret_and_an_unknown_story_answer_alike(client, db):
    item = TestimonialFactory(status=Status.PUBLISHED)
    wrong = client.get(f"/api/v1/testimonials/{item.public_id}/{patient_secret(uuid.uuid4())}/")
    unknown_id = uuid.uuid4()
    unknown = client.get(f"/api/v1/testimonials/{unknown_id}/{patient_secret(unknown_id)}/")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p.role in STAFF], ids=lambda p: p.name)
def test_an_unknown_story_is_404_for_moderators(persona):
    client = APIClient()
    persona.sign_in(client)
    assert client.get(f"{MOD}/{uuid.uuid4()}/").status_code == 404
    assert client.post(f"{MOD}/{uuid.uuid4()}/approve", {}, format="json").status_code == 404
