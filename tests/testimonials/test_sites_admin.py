"""Websites in the admin: a key shown once, stored hashed, revocable; only
clinic admins manage them."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import override_settings

from config.security import secret_digest
from moderation.accounts.permissions import CLINIC_ADMINS_GROUP
from testimonials.models import DeliveryStatus, Site, WebhookDelivery, WebhookEndpoint
from tests.factories import UserFactory

KEY = re.compile(r'id="site-key" type="text" readonly value="(tsk_[A-Za-z0-9_-]+)"')


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def add_site(client, **extra):
    return client.post(
        "/admin/testimonials/site/add/",
        {
            "name": "Riverside Physio",
            "channel": "partners",
            "allowed_origins": "https://riverside.example\nhttp://localhost:3000",
            "webhooks-TOTAL_FORMS": "0",
            "webhooks-INITIAL_FORMS": "0",
            **extra,
        },
    )


def test_it_shows_a_new_sites_key_once_and_stores_it_hashed(admin_client, api_client, topic):
    response = add_site(admin_client)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = KEY.search(response.content.decode()).group(1)
    site = Site.objects.get()
    assert site.key_hash == secret_digest(key)
    assert key not in str(Site.objects.values().get())
    assert site.origins() == ["https://riverside.example", "http://localhost:3000"]
    assert api_client.get("/api/v1/published/", HTTP_X_API_KEY=key).status_code == 200

    for page in ("/admin/testimonials/site/", f"/admin/testimonials/site/{site.pk}/change/"):
        html = admin_client.get(page).content.decode()
        assert key not in html
        assert site.key_prefix in html


def test_it_refuses_an_allowed_origin_that_is_not_an_origin(admin_client):
    response = add_site(admin_client, allowed_origins="https://riverside.example/stories")
    assert response.status_code == 200
    assert "is not an origin" in response.content.decode()
    assert not Site.objects.exists()


def test_it_replaces_a_key_and_revokes_one_at_once(admin_client, api_client, topic):
    old = KEY.search(add_site(admin_client).content.decode()).group(1)
    site = Site.objects.get()
    changelist = "/admin/testimonials/site/"
    issued = admin_client.post(changelist, {"action": "issue_new_key", "_selected_action": site.pk})
    new = KEY.search(issued.content.decode()).group(1)
    assert new != old
    assert api_client.get("/api/v1/published/", HTTP_X_API_KEY=old).status_code == 401
    assert api_client.get("/api/v1/published/", HTTP_X_API_KEY=new).status_code == 200

    admin_client.post(changelist, {"action": "revoke_keys", "_selected_action": site.pk})
    assert api_client.get("/api/v1/published/", HTTP_X_API_KEY=new).status_code == 401
    assert "revoked" in admin_client.get(changelist).content.decode()


def test_it_keeps_moderators_out_of_sites(client, moderator):
    client.force_login(moderator)
    assert client.get("/admin/testimonials/site/").status_code == 403
    assert client.get("/admin/testimonials/webhookdelivery/").status_code == 403


def test_it_lets_clinic_admins_manage_sites(client, db):
    clinic_admin = UserFactory(username="dana", is_staff=True)
    clinic_admin.groups.add(Group.objects.get(name=CLINIC_ADMINS_GROUP))
    client.force_login(clinic_admin)
    assert client.get("/admin/testimonials/site/").status_code == 200
    assert add_site(client).status_code == 200
    assert Site.objects.count() == 1


def test_it_adds_a_webhook_with_its_events_and_a_secret(admin_client):
    response = add_site(
        admin_client,
        **{
            "webhooks-TOTAL_FORMS": "1",
            "webhooks-0-url": "http://127.0.0.1:9/hook",
            "webhooks-0-events": ["testimonial.published", "testimonial.unpublished"],
            "webhooks-0-is_active": "on",
        },
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["testimonial.published", "testimonial.unpublished"]
    assert len(endpoint.secret) == 64


@pytest.mark.parametrize(
    "url",
    [
        "ftp://partner.example/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::ffff:10.0.0.1]/hook",
        "http://user:pass@8.8.8.8/hook",
    ],
)
def test_it_refuses_a_webhook_url_that_is_not_public_http(clinic_site, url):
    site = clinic_site.site
    with pytest.raises(ValidationError):
        WebhookEndpoint(site=site, url=url, events=["testimonial.published"]).full_clean()


@override_settings(WEBHOOK_ALLOWED_NETWORKS=[])
def test_it_refuses_loopback_unless_a_setting_allows_it(clinic_site):
    site = clinic_site.site
    with pytest.raises(ValidationError, match="private or reserved"):
        WebhookEndpoint(site=site, url="http://127.0.0.1:8000/hook", events=["x"]).full_clean()


def test_it_resends_from_the_delivery_log_as_a_new_delivery(admin_client, publish, clinic_site):
    endpoint = WebhookEndpoint.objects.create(
        site=clinic_site.site, url="http://127.0.0.1:9/hook", events=["testimonial.published"]
    )
    publish()
    [delivery] = WebhookDelivery.objects.all()
    assert delivery.endpoint == endpoint
    log = admin_client.get("/admin/testimonials/webhookdelivery/").content.decode()
    assert "testimonial.published" in log
    admin_client.post(
        "/admin/testimonials/webhookdelivery/",
        {"action": "resend", "_selected_action": delivery.pk},
    )
    resent = WebhookDelivery.objects.exclude(pk=delivery.pk).get()
    assert resent.resend_of == delivery
    assert resent.status == DeliveryStatus.PENDING
    assert resent.change == delivery.change
