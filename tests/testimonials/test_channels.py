"""Channel-scoped consent: each reader gets only the stories their patients
authorized for its channel (the clinic's pages, partner sites, the widget)."""

import pytest

from testimonials.consent import authorizations
from testimonials.models import Channel, PublicationChange, WebhookDelivery, WebhookEndpoint
from testimonials.sites import site_keys
from tests.factories import TestimonialFactory

URL = "/api/v1/published/"
CHANGES = "/api/v1/published/changes"
EVENTS = ["testimonial.published", "testimonial.updated", "testimonial.unpublished"]


def bodies(response):
    assert response.status_code == 200, response.content
    return [item["body"] for item in response.json()["results"]]


@pytest.fixture
def partner(db):
    return site_keys.site_create(name="Partner", channel=Channel.PARTNERS)


@pytest.fixture
def clinic(db):
    return site_keys.site_create(name="Clinic site", channel=Channel.CLINIC)


@pytest.fixture
def stories(topic):
    """One story per channel, and one for every channel."""
    return {
        "clinic": TestimonialFactory(
            status="published",
            body="Only on the clinic's own pages.",
            authorization__channels=["clinic"],
        ),
        "partners": TestimonialFactory(
            status="published",
            body="Only on partner websites.",
            authorization__channels=["partners"],
        ),
        "widget": TestimonialFactory(
            status="published", body="Only in the widget.", authorization__channels=["widget"]
        ),
        "all": TestimonialFactory(status="published", body="Everywhere, as authorized."),
    }


def test_a_partner_site_never_receives_a_story_not_authorized_for_it(
    api_client, stories, partner, clinic
):
    anonymous = set(bodies(api_client.get(URL)))
    keyed = set(bodies(api_client.get(URL, HTTP_X_API_KEY=partner.key)))
    assert anonymous == keyed == {"Only on partner websites.", "Everywhere, as authorized."}
    assert set(bodies(api_client.get(URL, HTTP_X_API_KEY=clinic.key))) == {
        "Only on the clinic's own pages.",
        "Everywhere, as authorized.",
    }
    assert set(bodies(api_client.get(f"{URL}?channel=widget"))) == {
        "Only in the widget.",
        "Everywhere, as authorized.",
    }


def test_the_clinic_pages_and_feed_show_the_clinic_channel(client, stories, topic):
    page = client.get(f"/education/{topic.slug}/").content.decode()
    feed = client.get(f"/education/{topic.slug}/feed/").content.decode()
    for text in (page, feed):
        assert "Only on the clinic" in text
        assert "Everywhere, as authorized." in text
        assert "Only on partner websites." not in text
        assert "Only in the widget." not in text


def test_a_key_decides_the_channel_and_a_query_cannot_widen_it(api_client, stories, partner):
    assert api_client.get(f"{URL}?channel=clinic").status_code == 403
    widened = api_client.get(f"{URL}?channel=clinic", HTTP_X_API_KEY=partner.key)
    assert widened.status_code == 400
    assert "channel" in widened.json()
    assert api_client.get(f"{URL}?channel=elsewhere").status_code == 400


def test_the_etag_differs_per_channel_on_the_same_address(api_client, stories, partner, clinic):
    as_partner = api_client.get(URL, HTTP_X_API_KEY=partner.key)
    as_clinic = api_client.get(
        URL, HTTP_X_API_KEY=clinic.key, HTTP_IF_NONE_MATCH=as_partner["ETag"]
    )
    assert as_clinic.status_code == 200
    assert as_clinic["ETag"] != as_partner["ETag"]
    assert "X-Api-Key" in as_clinic["Vary"]


def test_the_changes_feed_lists_for_each_channel_only_its_stories(api_client, publish, clinic):
    publish(body="A story for the clinic's pages only.", authorization__channels=["clinic"])
    everywhere = publish(body="A story for every place there is.")
    partner_view = api_client.get(CHANGES).json()["results"]
    assert [c["id"] for c in partner_view] == [str(everywhere.public_id)]
    clinic_view = api_client.get(CHANGES, HTTP_X_API_KEY=clinic.key).json()["results"]
    assert len(clinic_view) == 2


def test_narrowing_a_channel_is_a_tombstone_there_and_an_update_elsewhere(
    api_client, publish, clinic, partner, committed
):
    clinic_hook = WebhookEndpoint.objects.create(
        site=clinic.site, url="https://clinic.example/hooks", events=EVENTS
    )
    partner_hook = WebhookEndpoint.objects.create(
        site=partner.site, url="https://partner.example/hooks", events=EVENTS
    )
    story = publish(body="My shoulder moves freely again after the course.")
    before = api_client.get(CHANGES).json()["next_cursor"]
    WebhookDelivery.objects.all().delete()

    committed(
        authorizations.authorization_narrow,
        testimonial=story,
        channels=["clinic", "widget"],
        display_preference="initials",
    )

    partner_view = api_client.get(CHANGES, {"since": before}).json()["results"]
    assert [(c["type"], c["id"], c["testimonial"]) for c in partner_view] == [
        ("removed", str(story.public_id), None)
    ]
    clinic_view = api_client.get(CHANGES, {"since": before}, HTTP_X_API_KEY=clinic.key).json()
    [change] = clinic_view["results"]
    assert (change["type"], change["testimonial"]["display_name"]) == ("updated", "M. L.")
    sent = {(d.endpoint_id, d.change.event) for d in WebhookDelivery.objects.all()}
    assert sent == {
        (partner_hook.pk, "testimonial.unpublished"),
        (clinic_hook.pk, "testimonial.updated"),
    }
    assert set(PublicationChange.objects.values_list("channels", flat=True)) >= {
        ",partners,",
        ",clinic,widget,",
    }


def test_a_partner_webhook_hears_nothing_of_a_story_it_may_not_show(publish, partner, clinic, db):
    WebhookEndpoint.objects.create(
        site=partner.site, url="https://partner.example/hooks", events=EVENTS
    )
    clinic_hook = WebhookEndpoint.objects.create(
        site=clinic.site, url="https://clinic.example/hooks", events=EVENTS
    )
    publish(body="For the clinic's pages and nothing else.", authorization__channels=["clinic"])
    assert [d.endpoint_id for d in WebhookDelivery.objects.all()] == [clinic_hook.pk]
