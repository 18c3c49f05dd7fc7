"""A submission signs an authorization (45 CFR 164.508(c)): the API's new
fields, the defaults that keep older clients working, minors, the copy."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from testimonials.consent import consent_notices
from testimonials.models import Authorization, ConsentNotice, Testimonial
from tests.factories import PATIENT_NAME
from tests.support.tasks import on_send

URL = "/api/v1/testimonials/"


def post(api_client, data):
    return api_client.post(URL, data, format="json")


def test_an_older_client_gets_the_documented_defaults(api_client, submission, settings):
    response = post(api_client, submission)  # only the fields CONTRACT.md names
    assert response.status_code == 202, response.content
    authorization = Authorization.objects.get()
    assert authorization.basis == "signed"
    assert authorization.channels == ["clinic", "partners", "widget"]
    assert authorization.signature == PATIENT_NAME
    assert authorization.signature_method == "name_and_checkbox"
    assert authorization.signer_role == "patient"
    assert authorization.patient_is_adult is None
    term = authorization.expires_at - authorization.signed_at
    assert term == settings.AUTHORIZATION_DEFAULT_TERM
    assert authorization.retain_until == authorization.expires_at + settings.AUTHORIZATION_RETENTION
    testimonial = Testimonial.objects.get()
    assert authorization.text == testimonial.body
    assert authorization.display_name == "Maria L." == testimonial.public_name
    assert authorization.consent_text == testimonial.consent_text
    assert response.json()["authorization"]["state"] == "active"


@pytest.mark.hooks_only  # the test-only generation bump reads authorizations
def test_the_answer_carries_the_same_copy_as_the_status_link_without_reading_it_back(
    api_client, submission
):
    table = Authorization._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        response = post(api_client, {**submission, "channels": ["clinic", "widget"]})
    assert response.status_code == 202, response.content
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert not [sql for sql in reads if f'FROM "{table}"' in sql]
    submitted = response.json()
    assert (
        submitted["authorization"]
        == api_client.get(submitted["status_url"]).json()["authorization"]
    )


def test_it_records_the_patients_own_choices(api_client, submission):
    expires_on = (timezone.now() + timedelta(days=400)).date()
    response = post(
        api_client,
        {
            **submission,
            "channels": ["clinic", "widget", "clinic"],
            "signature": "  Maria   Lopez ",
            "expires_on": expires_on.isoformat(),
            "age_18_or_over": True,
            "display_preference": "initials",
        },
    )
    assert response.status_code == 202, response.content
    authorization = Authorization.objects.get()
    assert authorization.channels == ["clinic", "widget"]
    assert (authorization.signature, authorization.signature_method) == ("Maria Lopez", "typed")
    assert authorization.patient_is_adult is True
    assert authorization.expires_at.date() == expires_on + timedelta(days=1)
    assert authorization.display_name == "M. L."
    copy = response.json()["authorization"]
    assert copy["channels"] == ["clinic", "widget"]
    assert copy["statements"]["conditioning"].startswith("Your treatment")


def test_a_patient_under_18_needs_a_parent_or_guardian_to_sign(api_client, submission):
    minor = {**submission, "author_name": "Sam Lopez", "age_18_or_over": False}
    refused = post(api_client, minor)
    assert refused.status_code == 400
    assert {"guardian_relationship", "signature"} <= set(refused.json())
    own_name = post(
        api_client, {**minor, "signature": "sam lopez", "guardian_relationship": "parent"}
    )
    assert own_name.status_code == 400
    assert "own name" in own_name.json()["signature"][0]
    assert Testimonial.objects.count() == 0

    signed = post(
        api_client, {**minor, "signature": "Maria Lopez", "guardian_relationship": "parent"}
    )
    assert signed.status_code == 202, signed.content
    authorization = Authorization.objects.get()
    assert (authorization.signer_role, authorization.patient_is_adult) == ("parent", False)
    assert authorization.signature == "Maria Lopez"


def test_an_adult_names_no_guardian(api_client, submission):
    response = post(api_client, {**submission, "guardian_relationship": "parent"})
    assert response.status_code == 400
    assert "guardian_relationship" in response.json()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"channels": []}, "channels"),
        ({"channels": ["billboards"]}, "channels"),
        ({"expires_on": "2020-01-01"}, "expires_on"),
        ({"expires_on": "2999-01-01"}, "expires_on"),
        ({"age_18_or_over": "yes"}, "age_18_or_over"),
    ],
)
def test_it_refuses_terms_that_do_not_hold_and_stores_nothing(
    api_client, submission, fields, field
):
    response = post(api_client, {**submission, **fields})
    assert response.status_code == 400
    assert field in response.json()
    assert Testimonial.objects.count() == 0
    assert Authorization.objects.count() == 0


def test_the_patient_gets_a_copy_by_email_without_the_story(
    api_client, submission, django_capture_on_commit_callbacks, monkeypatch
):
    on_send(monkeypatch, "moderation.tasks.screen_testimonial", lambda pk: None)
    on_send(monkeypatch, "testimonials.tasks.send_consent_notice", lambda pk: None)
    with django_capture_on_commit_callbacks(execute=True):
        post(api_client, {**submission, "signature": "Maria Lopez"})
    notice = ConsentNotice.objects.get()
    assert notice.kind == "copy"
    assert consent_notices.consent_notice_send(notice_id=notice.pk)
    assert not consent_notices.consent_notice_send(notice_id=notice.pk), "sent once"
    [email] = mail.outbox
    assert email.to == [submission["email"]]
    assert "your copy" in email.subject
    assert submission["body"] not in email.body
    for element in ("Who uses and publishes it", "Where:", "Why:", "Until:", "Signed:"):
        assert element in email.body
    assert "revoke this authorization at any time" in email.body
    assert "do not depend on whether you sign" in email.body
    assert "may no longer be protected" in email.body
    assert "/stories/" in email.body


def test_no_email_no_notice(api_client, submission):
    post(api_client, {**submission, "email": ""})
    assert ConsentNotice.objects.count() == 0


def test_the_share_page_asks_the_age_and_a_signature(client, topic, consent):
    page = client.get(f"/share/{topic.slug}/").content.decode()
    for text in (consent.purpose, consent.revocation_statement, "I am under 18", "Signature"):
        assert escape(text) in page
    form = {
        "author_name": "Sam Lopez",
        "body": "After six weeks of exercises my knee stopped hurting on the stairs.",
        "consent_to_publish": "on",
        "consent_text_version": consent.version,
        "channels": ["clinic"],
        "expires_in": "12",
        "website": "",
    }
    missing = client.post(f"/share/{topic.slug}/", form)
    assert missing.status_code == 400
    assert "Please tell us whether you are 18 or older." in missing.content.decode()
    minor = {**form, "age": "minor", "signature": "Maria Lopez", "guardian_relationship": "parent"}
    assert client.post(f"/share/{topic.slug}/", minor).status_code == 303
    authorization = Authorization.objects.get()
    assert authorization.channels == ["clinic"]
    assert (authorization.signer_role, authorization.signature_method) == ("parent", "typed")
    assert 364 <= (authorization.expires_at - timezone.now()).days <= 366


def test_the_topic_describes_what_the_patient_signs(api_client, topic, consent):
    described = api_client.get(f"/api/v1/topics/{topic.slug}/").json()["consent"]
    assert described["purpose"] == consent.purpose
    assert set(described["statements"]) == {"revocation", "conditioning", "redisclosure"}
    assert [c["value"] for c in described["channels"]] == ["clinic", "partners", "widget"]
    assert described["default_term_days"] == 730
