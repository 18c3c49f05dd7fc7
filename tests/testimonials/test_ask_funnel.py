"""The ask funnel: visits posted by a practice system become asks, then
emails and texts; the provider's events, the email's first-party image, the
link, the story, a STOP and an unsubscribe each move their stage, once per
ask, in the week the ask went out. The image comes from us and answers
every token alike; every URL in an ask's email is ours."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from testimonials.invitations import services as invitations
from testimonials.models import Ask, AskText, Invitation, Location, Organisation
from testimonials.tasks import send_due_asks
from testimonials.visits import funnel, integration_keys, reminders, texts
from tests.factories import TopicFactory
from tests.support.tasks import on_send

BASE = "https://stories.example"
# A Tuesday: the asks go out in ISO week 2026-W10 (from Monday March 2).
COMPLETED = datetime(2026, 3, 3, 14, 30, tzinfo=UTC)
DUE = COMPLETED + timedelta(minutes=120)
LATER = DUE + timedelta(hours=3)
NOW = DUE + timedelta(days=2)
WEBHOOK = "/anymail/postmark/tracking/"
WEBHOOK_AUTH = "Basic cHJvdmlkZXI6dGVzdC13ZWJob29rLXNlY3JldA=="  # provider:test-webhook-secret
INBOUND_TOKEN = "inbound-test-token"
STORY = "After four sessions and the home exercises I can sit through a workday again."


@pytest.fixture
def place(db, settings, tmp_path):
    settings.PUBLIC_BASE_URL = BASE
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.SMS_BACKEND = "testimonials.visits.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    settings.SMS_INBOUND_TOKEN = INBOUND_TOKEN
    organisation = Organisation.objects.create(slug="move-well", name="Move Well")
    north = Location.objects.create(organisation=organisation, slug="north", name="North Clinic")
    south = Location.objects.create(organisation=organisation, slug="south", name="South Clinic")
    topic = TopicFactory(slug="back-pain", title="Back pain", organisation=organisation)
    other = Organisation.objects.create(slug="smile", name="Smile Dental")
    downtown = Location.objects.create(organisation=other, slug="downtown", name="Smile Downtown")
    TopicFactory(slug="whitening", organisation=other)
    return {
        "organisation": organisation,
        "other": other,
        "north": north,
        "south": south,
        "downtown": downtown,
        "topic": topic,
        "key": integration_keys.integration_key_create(organisation_slug="move-well").key,
        "other_key": integration_keys.integration_key_create(organisation_slug="smile").key,
    }


@pytest.fixture(autouse=True)
def _messages_go_out(monkeypatch):
    """The email and text tasks run in the test, as a worker would."""
    on_send(
        monkeypatch,
        "testimonials.tasks.send_invitation",
        lambda pk: invitations.invitation_send(invitation_id=pk),
    )
    on_send(
        monkeypatch, "testimonials.tasks.send_ask_text", lambda pk: texts.ask_text_send(text_id=pk)
    )


def post_visit(key, external_id, **fields):
    body = {
        "external_id": external_id,
        "completed_at": COMPLETED.isoformat(),
        "location": "north",
        "name": "Maria Lopez",
        **fields,
    }
    with time_machine.travel(COMPLETED + timedelta(minutes=5), tick=False):
        response = Client().post(
            "/api/v1/visits/",
            body,
            content_type="application/json",
            headers={"Authorization": f"Integration-Key {key}"},
        )
    assert response.status_code == 202, response.json()


def run_asks(capture):
    with time_machine.travel(DUE, tick=False), capture(execute=True):
        send_due_asks()


def email_to(address):
    [email] = [email for email in mail.outbox if email.to == [address]]
    return email


def html_of(email):
    [(html, kind)] = email.alternatives
    assert kind == "text/html"
    return html


def pixel_path(email):
    [src] = re.findall(r'<img src="([^"]+)"', html_of(email))
    return urlsplit(src).path


def invitation_token(email):
    return re.search(r"/invite/([^/\s]+)/", email.body).group(1)


def provider_event(record_type, invitation, **extra):
    """A delivery or bounce as Postmark posts it to anymail's webhook."""
    return Client().post(
        WEBHOOK,
        {
            "RecordType": record_type,
            "MessageStream": "outbound",
            "MessageID": invitation.esp_message_id,
            "Recipient": invitation.email,
            "Email": invitation.email,
            "Metadata": {},
            "Type": "HardBounce",
            "TypeCode": 1,
            **extra,
        },
        content_type="application/json",
        headers={"Authorization": WEBHOOK_AUTH},
    )


def sms_reply(body, sender):
    return Client().post(
        "/api/v1/sms/inbound",
        urlencode({"From": sender, "Body": body}),
        content_type="application/x-www-form-urlencoded",
        headers={"Authorization": f"Bearer {INBOUND_TOKEN}"},
    )


def submit_story(token, topic, consent):
    return Client().post(
        "/api/v1/testimonials/",
        {
            "topic": topic.slug,
            "author_name": "Maria Lopez",
            "body": STORY,
            "consent_to_publish": True,
            "consent_text_version": consent.version,
            "invitation": token,
        },
        content_type="application/json",
    )


def row_of(rows, slug, week="2026-W10"):
    [row] = [row for row in rows if row.location.slug == slug and row.week_label == week]
    return row.counts()


@pytest.fixture
def journeys(place, consent, django_capture_on_commit_callbacks):
    """Five patients of North, one of South, one of Smile Downtown, each
    getting as far as their story says; and one North patient who said STOP
    before their ask, so was never asked."""
    key = place["key"]
    post_visit(
        key, "v-maria", email="maria@example.com", phone="+34612000001", consent_to_text=True
    )
    post_visit(key, "v-bounce", email="bounce@example.com")
    post_visit(key, "v-reader", email="reader@example.com")
    post_visit(key, "v-stop", phone="+34612000004", consent_to_text=True)
    post_visit(key, "v-quiet", email="quiet@example.com")
    post_visit(key, "v-early", phone="+34612000006", consent_to_text=True)
    post_visit(key, "v-south", email="south@example.com", location="south")
    post_visit(place["other_key"], "v-smile", email="smile@example.com", location="downtown")
    with time_machine.travel(COMPLETED + timedelta(minutes=10), tick=False):
        assert sms_reply("STOP", "+34612000006").status_code == 200
    run_asks(django_capture_on_commit_callbacks)

    maria = email_to("maria@example.com")
    with time_machine.travel(LATER, tick=False):
        # Maria: the email and the text delivered, the email opened (twice),
        # the link opened (twice), a story shared.
        invitation = Invitation.objects.get(email="maria@example.com")
        delivered = provider_event("Delivery", invitation, DeliveredAt=LATER.isoformat())
        assert delivered.status_code == 200
        # The text's receipt, as the SMS provider's status callback records it.
        AskText.objects.filter(ask__invitation=invitation).update(delivered_at=timezone.now())
        for _ in range(2):
            assert Client().get(pixel_path(maria)).status_code == 200
            assert Client().get(f"/invite/{invitation_token(maria)}/").status_code == 200
        assert submit_story(invitation_token(maria), place["topic"], consent).status_code == 202
        # The bounce.
        bounced = Invitation.objects.get(email="bounce@example.com")
        assert provider_event("Bounce", bounced, BouncedAt=LATER.isoformat()).status_code == 200
        # The reader opens the email, then unsubscribes by its link.
        reader = email_to("reader@example.com")
        assert Client().get(pixel_path(reader)).status_code == 200
        unsubscribe = re.search(r"/unsubscribe/\S+/", reader.body).group(0)
        assert Client().post(unsubscribe).status_code == 200
        # The texted patient replies STOP.
        assert sms_reply("STOP", "+34612000004").status_code == 200
    return place


def test_each_stage_counts_each_ask_once_in_the_week_it_went_out(journeys):
    rows = funnel.ask_funnel(locations=Location.objects.all(), weeks=2, now=NOW)

    assert row_of(rows, "north") == {
        "asked": 5,
        "delivered": 1,
        "opened": 2,
        "link_clicked": 1,
        "story_submitted": 1,
        "opted_out": 2,
        "bounced": 1,
    }
    assert row_of(rows, "south") == {**dict.fromkeys(funnel.STAGES, 0), "asked": 1}
    assert row_of(rows, "north", week="2026-W09") == dict.fromkeys(funnel.STAGES, 0)
    assert Ask.objects.filter(status="opted_out").count() == 1


def test_a_few_queries_whatever_the_number_of_locations_and_weeks(
    journeys, django_assert_max_num_queries
):
    for n in range(10):
        Location.objects.create(organisation=journeys["organisation"], slug=f"l{n}", name=f"L{n}")

    with django_assert_max_num_queries(4):
        rows = funnel.ask_funnel(locations=Location.objects.all(), weeks=52, now=NOW)
    with django_assert_max_num_queries(4):
        totals = funnel.ask_funnel_totals()

    assert len(rows) == 13 * 52
    assert totals["north"]["opted_out"] == 2


def test_the_scope_passed_in_is_all_it_shows(journeys):
    rows = funnel.ask_funnel(
        locations=Location.objects.filter(organisation=journeys["other"]), weeks=1, now=NOW
    )

    assert [(row.location.slug, row.asked) for row in rows] == [("downtown", 1)]


def test_the_link_and_the_image_record_their_first_time_only(journeys):
    email = email_to("bounce@example.com")
    with time_machine.travel(NOW, tick=False):
        assert Client().get(f"/invite/{invitation_token(email)}/").status_code == 200
        assert Client().get(pixel_path(email)).status_code == 200
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert Client().get(f"/invite/{invitation_token(email)}/").status_code == 200
        assert Client().get(pixel_path(email)).status_code == 200

    invitation = Invitation.objects.get(email="bounce@example.com")
    assert (invitation.link_opened_at, invitation.email_opened_at) == (NOW, NOW)
    maria = Invitation.objects.get(email="maria@example.com")
    assert (maria.link_opened_at, maria.email_opened_at) == (LATER, LATER)


def test_the_image_answers_every_token_alike(place, django_capture_on_commit_callbacks):
    post_visit(place["key"], "v-1", email="maria@example.com")
    run_asks(django_capture_on_commit_callbacks)
    good = pixel_path(email_to("maria@example.com"))
    token = good.split("/")[2]
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    answers = [Client().get(path) for path in (good, f"/i/{altered}/o.png", "/i/not-a-token/o.png")]

    for answer in answers:
        assert answer.status_code == 200
        assert answer["Content-Type"] == "image/png"
        assert answer["Cache-Control"] == "no-store"
        assert answer.content == answers[0].content
        assert answer.content.startswith(b"\x89PNG")
        assert not answer.cookies
    assert Invitation.objects.get().email_opened_at is not None


def test_the_image_cannot_open_the_invitation(place, django_capture_on_commit_callbacks):
    post_visit(place["key"], "v-1", email="maria@example.com")
    run_asks(django_capture_on_commit_callbacks)
    token = pixel_path(email_to("maria@example.com")).split("/")[2]

    assert Client().get(f"/invite/{token}/").status_code == 404


def test_every_url_in_an_ask_email_is_ours(place, django_capture_on_commit_callbacks, settings):
    settings.INVITATION_REMINDER_DAYS = 5
    post_visit(place["key"], "v-1", email="maria@example.com", language="es")
    post_visit(place["key"], "v-2", email="pat@example.com", location="south")
    run_asks(django_capture_on_commit_callbacks)
    with time_machine.travel(DUE + timedelta(days=6), tick=False):
        assert reminders.asks_remind_due() == 2

    assert len(mail.outbox) == 4
    for email in mail.outbox:
        html = html_of(email)
        urls = re.findall(r"https?://[^\s\"'<>]+", f"{email.body}\n{html}")
        urls += list(email.extra_headers.values())
        assert urls
        assert {urlsplit(url.strip("<>")).hostname for url in urls if "://" in url} == {
            "stories.example"
        }
        # Nothing else a mail client would fetch: one image, ours, and no
        # stylesheet, script, frame or background from anywhere.
        assert len(re.findall(r"<img\b", html)) == 1
        for fetched in ("<link", "<script", "<iframe", "url(", "@import", "background="):
            assert fetched not in html.lower()
        assert re.search(r'src="([^"]+)"', html).group(1).startswith(f"{BASE}/i/")


def test_an_invitation_staff_send_by_hand_carries_no_image(db, settings, admin_user, topic):
    settings.PUBLIC_BASE_URL = BASE
    invitations.invitations_create(topic=topic, emails=["pat@example.com"], created_by=admin_user)
    assert invitations.invitation_send(invitation_id=Invitation.objects.get().pk)

    assert "<img" not in html_of(mail.outbox[0])


# --- Where staff and Prometheus see it ----------------------------------------------


def organisation_admin(organisation, username):
    from moderation.models import StaffMembership, StaffRole
    from tests.factories import UserFactory

    user = UserFactory(username=username, is_staff=True)
    StaffMembership.objects.create(
        user=user, organisation=organisation, role=StaffRole.ORGANISATION_ADMIN
    )
    return user


def test_an_organisation_admin_sees_their_locations_funnel_and_nothing_of_another(journeys):
    browser = Client()
    browser.force_login(organisation_admin(journeys["organisation"], "olivia"))

    with time_machine.travel(NOW, tick=False):
        dashboard = browser.get("/admin/dashboard/").content.decode()
        page = browser.get("/admin/dashboard/asks/?weeks=2")
        other = browser.get("/admin/dashboard/asks/?organisation=smile")

    assert 'id="asks-funnel-link"' in dashboard
    html = page.content.decode()
    assert page.status_code == 200
    assert "North Clinic" in html
    assert "South Clinic" in html
    assert "Smile" not in html
    north = html[html.index('id="funnel-north"') : html.index('id="funnel-south"')]
    week = north[north.index('data-week="2026-W10"') :]
    assert '<td class="asked">5</td>' in week
    assert '<td class="clicked-rate">20%</td>' in week
    assert '<td class="submitted-rate">20%</td>' in week
    assert "maria" not in html.lower()
    assert other.status_code == 404


def test_another_organisations_admin_sees_nothing_of_it(journeys):
    browser = Client()
    browser.force_login(organisation_admin(journeys["other"], "sam"))

    with time_machine.travel(NOW, tick=False):
        page = browser.get("/admin/dashboard/asks/").content.decode()
        csv_answer = browser.get("/admin/dashboard/asks/?download=csv&weeks=1")

    assert "Smile Downtown" in page
    assert "North Clinic" not in page
    lines = csv_answer.content.decode().splitlines()
    assert lines[0].startswith("location,location_name,week,week_start,asked,")
    assert lines[1:] == ["downtown,Smile Downtown,2026-W10,2026-03-02,1,0,0,0,0,0,0,0,0"]


def test_the_csv_has_a_row_per_location_and_week(journeys):
    browser = Client()
    browser.force_login(organisation_admin(journeys["organisation"], "olivia"))

    with time_machine.travel(NOW, tick=False):
        answer = browser.get("/admin/dashboard/asks/?download=csv&weeks=2")

    assert answer["Content-Type"].startswith("text/csv")
    assert "attachment" in answer["Content-Disposition"]
    lines = answer.content.decode().splitlines()
    assert lines[1:] == [
        "north,North Clinic,2026-W10,2026-03-02,5,1,2,1,1,2,1,20,20",
        "north,North Clinic,2026-W09,2026-02-23,0,0,0,0,0,0,0,,",
        "south,South Clinic,2026-W10,2026-03-02,1,0,0,0,0,0,0,0,0",
        "south,South Clinic,2026-W09,2026-02-23,0,0,0,0,0,0,0,,",
    ]


def test_metrics_show_each_stage_by_location_slug(journeys, client, settings):
    from prometheus_client.parser import text_string_to_metric_families

    settings.METRICS_TOKEN = "scrape-token-for-tests"
    answer = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-for-tests")

    samples = {
        (sample.labels["location"], sample.labels["stage"]): sample.value
        for family in text_string_to_metric_families(answer.content.decode())
        for sample in family.samples
        if sample.name == "testimonials_asks_total"
    }
    assert set(samples) == {
        (location, stage) for location in ("north", "south", "downtown") for stage in funnel.STAGES
    }
    assert samples[("north", "asked")] == 5
    assert samples[("north", "opted_out")] == 2
    assert samples[("downtown", "asked")] == 1
    families = text_string_to_metric_families(answer.content.decode())
    [asks] = [family for family in families if family.name == "testimonials_asks"]
    assert {name for sample in asks.samples for name in sample.labels} == {"location", "stage"}
