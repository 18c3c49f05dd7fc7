"""Publishing per place: the locations API, `?location=` and `?clinician=`
on the published list and the changes feed, sites of one organisation
(location), and no story ever on a sister location's surfaces."""

import json

import pytest

from moderation.decisions import services as moderation_decisions
from testimonials.models import (
    Channel,
    Clinician,
    Location,
    Organisation,
    Site,
    Testimonial,
    WebhookDelivery,
    WebhookEndpoint,
)
from testimonials.publishing import cache as public_cache
from testimonials.sites import site_keys
from tests.factories import TestimonialFactory, TopicFactory

LIST = "/api/v1/published/"
CHANGES = "/api/v1/published/changes"
LOCATIONS = "/api/v1/locations/"
EVENTS = ["testimonial.published", "testimonial.updated", "testimonial.unpublished"]


@pytest.fixture
def places(db, consent):
    """Two organisations: Move Well with two locations (a clinician at each,
    a topic they share) and Smile Dental with one; a published story at
    each location, every channel authorized."""
    move_well = Organisation.objects.create(slug="move-well", name="Move Well PT")
    north = Location.objects.create(organisation=move_well, slug="north", name="North")
    south = Location.objects.create(organisation=move_well, slug="south", name="South")
    ana = Clinician.objects.create(organisation=move_well, slug="ana-ruiz", name="Ana Ruiz, PT")
    ana.locations.add(north)
    ben = Clinician.objects.create(organisation=move_well, slug="ben-li", name="Ben Li, DPT")
    ben.locations.add(south)
    smile = Organisation.objects.create(slug="smile", name="Smile Dental")
    downtown = Location.objects.create(organisation=smile, slug="downtown", name="Downtown")
    shared = TopicFactory(slug="back-pain", title="Back pain", organisation=move_well)
    teeth = TopicFactory(slug="whitening", title="Whitening", organisation=smile)

    def story(topic, location, clinician, body):
        return TestimonialFactory(
            status="published",
            topic=topic,
            location=location,
            clinician=clinician,
            consent_text=consent,
            body=body,
        )

    return {
        "move_well": move_well,
        "smile": smile,
        "north": north,
        "south": south,
        "downtown": downtown,
        "ana": ana,
        "ben": ben,
        "shared": shared,
        "teeth": teeth,
        "north_story": story(shared, north, ana, "North: Ana got me walking again."),
        "south_story": story(shared, south, ben, "South: Ben fixed my shoulder."),
        "smile_story": story(teeth, downtown, None, "Downtown: my teeth are white."),
    }


def bodies(response):
    assert response.status_code == 200, response.content
    return sorted(item["body"] for item in response.json()["results"])


def change_ids(response):
    assert response.status_code == 200, response.content
    return sorted(change["id"] for change in response.json()["results"])


# --- GET /api/v1/locations/ ---------------------------------------------------


def test_the_locations_that_publish_are_listed_with_their_clinicians(client, places):
    Location.objects.create(
        organisation=places["smile"], slug="back-office", name="Back office", publishes=False
    )
    Clinician.objects.create(
        organisation=places["move_well"], slug="gone", name="Gone, PT", is_active=False
    ).locations.add(places["north"])

    response = client.get(LOCATIONS)

    assert response.status_code == 200
    assert response.json() == [
        {
            "slug": "north",
            "name": "North",
            "organisation": "move-well",
            "organisation_name": "Move Well PT",
            "education_url": "http://testserver/education/?location=north",
            "clinicians": [{"slug": "ana-ruiz", "name": "Ana Ruiz, PT"}],
        },
        {
            "slug": "south",
            "name": "South",
            "organisation": "move-well",
            "organisation_name": "Move Well PT",
            "education_url": "http://testserver/education/?location=south",
            "clinicians": [{"slug": "ben-li", "name": "Ben Li, DPT"}],
        },
        {
            "slug": "downtown",
            "name": "Downtown",
            "organisation": "smile",
            "organisation_name": "Smile Dental",
            "education_url": "http://testserver/education/?location=downtown",
            "clinicians": [],
        },
    ]


@pytest.mark.hooks_only  # only the after-commit hooks move the cache on
def test_the_locations_are_cached_and_follow_an_edit(
    client, places, django_assert_num_queries, django_capture_on_commit_callbacks
):
    first = client.get(LOCATIONS)
    with django_assert_num_queries(0):
        assert client.get(LOCATIONS).content == first.content
        assert client.get(LOCATIONS, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    with django_capture_on_commit_callbacks(execute=True):
        Location.objects.filter(pk=places["south"].pk).update(name="unused")
        places["south"].name = "South Side"
        places["south"].save()
    with django_capture_on_commit_callbacks(execute=True):
        places["ben"].locations.add(places["north"])

    after = client.get(LOCATIONS, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    listed = {location["slug"]: location for location in after.json()}
    assert listed["south"]["name"] == "South Side"
    assert [c["slug"] for c in listed["north"]["clinicians"]] == ["ana-ruiz", "ben-li"]


def test_a_sites_key_lists_only_its_organisations_locations(client, places):
    smile_site = site_keys.site_create(name="Smile's site", organisation=places["smile"])
    south_site = site_keys.site_create(name="South's site", location=places["south"])

    def slugs(key):
        return [location["slug"] for location in client.get(LOCATIONS, HTTP_X_API_KEY=key).json()]

    assert slugs(smile_site.key) == ["downtown"]
    assert slugs(south_site.key) == ["south"]
    assert [location["slug"] for location in client.get(LOCATIONS).json()] == [
        "north",
        "south",
        "downtown",
    ]


# --- ?location= and ?clinician= -------------------------------------------------


@pytest.mark.parametrize("url", [LIST, CHANGES], ids=["list", "changes"])
@pytest.mark.parametrize(
    ("query", "field"),
    [("location=west", "location"), ("clinician=nobody", "clinician")],
    ids=["location", "clinician"],
)
def test_an_unknown_slug_is_a_400_not_an_empty_list(client, places, url, query, field):
    response = client.get(f"{url}?{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_a_location_that_does_not_publish_is_unknown(client, places):
    Location.objects.filter(slug="south").update(publishes=False)

    assert client.get(f"{LIST}?location=south").status_code == 400


def test_an_unknown_slug_is_a_400_even_for_a_current_copy(client, places):
    current = client.get(LIST)["ETag"]

    assert client.get(f"{LIST}?location=west", HTTP_IF_NONE_MATCH=current).status_code == 400


def test_the_list_shows_one_locations_or_one_clinicians_stories(client, places):
    assert bodies(client.get(f"{LIST}?location=north")) == [places["north_story"].body]
    assert bodies(client.get(f"{LIST}?location=south")) == [places["south_story"].body]
    assert bodies(client.get(f"{LIST}?clinician=ben-li")) == [places["south_story"].body]
    assert bodies(client.get(f"{LIST}?location=north&clinician=ben-li")) == []
    assert len(bodies(client.get(LIST))) == 3


def test_each_story_names_its_location_and_clinician(client, places):
    items = {item["body"]: item for item in client.get(LIST).json()["results"]}

    assert (
        items[places["north_story"].body]["location"],
        items[places["north_story"].body]["clinician"],
    ) == (
        "north",
        "ana-ruiz",
    )
    assert items[places["smile_story"].body]["location"] == "downtown"
    assert items[places["smile_story"].body]["clinician"] is None


def test_a_location_filter_never_serves_another_filters_cached_answer(client, places):
    for _ in range(2):  # the second round is answered from the caches
        north = client.get(f"{LIST}?location=north")
        south = client.get(f"{LIST}?location=south")
        everyone = client.get(LIST)
        assert bodies(north) == [places["north_story"].body]
        assert bodies(south) == [places["south_story"].body]
        assert len(bodies(everyone)) == 3
        assert len({north["ETag"], south["ETag"], everyone["ETag"]}) == 3
    # A client's copy of one filter is not current for another.
    assert client.get(f"{LIST}?location=south", HTTP_IF_NONE_MATCH=north["ETag"]).status_code == 200


def test_the_changes_feed_filters_by_location_and_clinician(client, places, admin_user):
    # The factories write no feed rows: publish two stories for real.
    north = TestimonialFactory(
        topic=places["shared"], location=places["north"], clinician=places["ana"]
    )
    south = TestimonialFactory(topic=places["shared"], location=places["south"])
    for story in (north, south):
        moderation_decisions.testimonial_approve(public_id=story.public_id, moderator=admin_user)

    assert change_ids(client.get(f"{CHANGES}?location=north")) == [str(north.public_id)]
    assert change_ids(client.get(f"{CHANGES}?location=south")) == [str(south.public_id)]
    assert change_ids(client.get(f"{CHANGES}?clinician=ana-ruiz")) == [str(north.public_id)]
    assert change_ids(client.get(CHANGES)) == sorted([str(north.public_id), str(south.public_id)])


# --- Sites of one organisation (location) -----------------------------------------


def test_a_site_of_one_organisation_never_reads_anothers_stories(client, places, admin_user):
    move_well_site = site_keys.site_create(name="Move Well", organisation=places["move_well"])
    smile_site = site_keys.site_create(name="Smile", organisation=places["smile"])
    smile_new = TestimonialFactory(topic=places["teeth"], location=places["downtown"])
    moderation_decisions.testimonial_approve(public_id=smile_new.public_id, moderator=admin_user)

    for _ in range(2):
        assert bodies(client.get(LIST, HTTP_X_API_KEY=move_well_site.key)) == sorted(
            [places["north_story"].body, places["south_story"].body]
        )
        assert bodies(client.get(LIST, HTTP_X_API_KEY=smile_site.key)) == sorted(
            [places["smile_story"].body, smile_new.body]
        )
    assert change_ids(client.get(CHANGES, HTTP_X_API_KEY=move_well_site.key)) == []
    assert change_ids(client.get(CHANGES, HTTP_X_API_KEY=smile_site.key)) == [
        str(smile_new.public_id)
    ]


def test_a_sites_key_cannot_ask_for_another_organisations_place(client, places):
    smile_site = site_keys.site_create(name="Smile", organisation=places["smile"])
    south_site = site_keys.site_create(name="South", location=places["south"])

    for key, query in [
        (smile_site.key, "location=north"),
        (smile_site.key, "clinician=ana-ruiz"),
        (south_site.key, "location=north"),
    ]:
        response = client.get(f"{LIST}?{query}", HTTP_X_API_KEY=key)
        assert response.status_code == 400, query
    assert bodies(client.get(f"{LIST}?location=south", HTTP_X_API_KEY=south_site.key)) == [
        places["south_story"].body
    ]


def test_a_site_of_one_location_reads_only_its_stories(client, places):
    south_site = site_keys.site_create(name="South", location=places["south"])

    assert south_site.site.organisation == places["move_well"]
    assert bodies(client.get(LIST, HTTP_X_API_KEY=south_site.key)) == [places["south_story"].body]


def test_the_same_address_answers_each_site_from_its_own_cache_entry(
    client, places, django_assert_num_queries
):
    smile_site = site_keys.site_create(name="Smile", organisation=places["smile"])
    north_site = site_keys.site_create(name="North", location=places["north"])
    public_cache.forget_local()

    for _ in range(2):
        smile = client.get(LIST, HTTP_X_API_KEY=smile_site.key)
        north = client.get(LIST, HTTP_X_API_KEY=north_site.key)
        assert bodies(smile) == [places["smile_story"].body]
        assert bodies(north) == [places["north_story"].body]
        assert smile["ETag"] != north["ETag"]


def test_a_site_of_organisation_a_never_hears_of_bs_stories(places, admin_user, committed):
    def hook(site):
        return WebhookEndpoint.objects.create(
            site=site, url="https://hooks.example/in", events=EVENTS
        )

    move_well = hook(site_keys.site_create(name="Move Well", organisation=places["move_well"]).site)
    south = hook(site_keys.site_create(name="South", location=places["south"]).site)
    smile = hook(site_keys.site_create(name="Smile", organisation=places["smile"]).site)

    def heard(story):
        committed(
            moderation_decisions.testimonial_approve,
            public_id=story.public_id,
            moderator=admin_user,
        )
        return set(
            WebhookDelivery.objects.filter(change__public_id=story.public_id).values_list(
                "endpoint_id", flat=True
            )
        )

    smile_story = TestimonialFactory(topic=places["teeth"], location=places["downtown"])
    north_story = TestimonialFactory(topic=places["shared"], location=places["north"])
    south_story = TestimonialFactory(topic=places["shared"], location=places["south"])

    assert heard(smile_story) == {smile.pk}
    assert heard(north_story) == {move_well.pk}
    assert heard(south_story) == {move_well.pk, south.pk}


def test_a_site_needs_a_location_of_its_organisation(places):
    site = Site(
        name="Mixed up",
        organisation=places["smile"],
        location=places["north"],
        key_prefix="x",
        key_hash="y",
        key_issued_at=places["north"].created_at,
    )
    with pytest.raises(Exception, match="organisation's locations"):
        site.full_clean()


# --- A story authorized for its location's pages ---------------------------------


def test_a_sister_locations_page_list_and_widget_never_show_a_story(client, places):
    """North's story, authorized for the clinic's pages only, stays off every
    surface of South: its education page, its list, its widget."""
    only_north = TestimonialFactory(
        status="published",
        topic=places["shared"],
        location=places["north"],
        body="North only: for my clinic's own pages.",
        authorization__channels=[Channel.CLINIC],
    )
    clinic_site = site_keys.site_create(
        name="Move Well", organisation=places["move_well"], channel=Channel.CLINIC
    )
    south_page = client.get("/education/back-pain/?location=south").content.decode()
    north_page = client.get("/education/back-pain/?location=north").content.decode()

    assert only_north.body not in south_page
    assert places["south_story"].body in south_page
    assert only_north.body in north_page
    assert places["south_story"].body not in north_page
    for query in ("location=south", "location=south&channel=widget", "clinician=ben-li"):
        assert only_north.body not in bodies(client.get(f"{LIST}?{query}"))
    assert only_north.body not in bodies(
        client.get(f"{LIST}?location=south", HTTP_X_API_KEY=clinic_site.key)
    )
    assert only_north.body in bodies(
        client.get(f"{LIST}?location=north", HTTP_X_API_KEY=clinic_site.key)
    )
    feed = client.get("/education/back-pain/feed/?location=south").content.decode()
    assert "North only" not in feed


# --- Education pages per location and clinician -----------------------------------


def structured_data(html):
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_a_locations_education_page_shows_its_stories_and_names_it(client, places):
    html = client.get("/education/back-pain/?location=south").content.decode()

    assert "<h1>Back pain · South</h1>" in html
    assert places["south_story"].body in html
    assert places["north_story"].body not in html
    assert (
        '<link rel="canonical" href="http://testserver/education/back-pain/?location=south">'
        in html
    )
    assert 'href="/education/back-pain/feed/?location=south"' in html
    [review] = structured_data(html)["@graph"]
    assert review["contentLocation"] == {
        "@type": "MedicalClinic",
        "name": "South",
        "parentOrganization": {"@type": "MedicalOrganization", "name": "Move Well PT"},
    }


def test_the_organisations_page_says_where_each_story_comes_from(client, places):
    html = client.get("/education/back-pain/").content.decode()

    assert places["south_story"].body in html
    assert places["north_story"].body in html
    assert '<span class="location">North</span>' in html
    assert '<span class="clinician">Ana Ruiz, PT</span>' in html
    names = {review["contentLocation"]["name"] for review in structured_data(html)["@graph"]}
    assert names == {"North", "South"}


def test_a_clinicians_page_shows_the_stories_about_them(client, places):
    html = client.get("/education/back-pain/?clinician=ana-ruiz").content.decode()
    at_north = client.get("/education/back-pain/?location=north&clinician=ana-ruiz")

    assert "<h1>Back pain · Ana Ruiz, PT</h1>" in html
    assert places["north_story"].body in html
    assert places["south_story"].body not in html
    assert places["north_story"].body in at_north.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/education/back-pain/?location=west",
        "/education/back-pain/?clinician=nobody",
        "/education/back-pain/?location=south&clinician=ana-ruiz",
        "/education/back-pain/?location=downtown",
        "/education/whitening/?clinician=ben-li",
        "/education/back-pain/feed/?location=downtown",
        "/education/?location=west",
    ],
    ids=[
        "unknown-location",
        "unknown-clinician",
        "clinician-elsewhere",
        "other-organisations-location",
        "other-organisations-clinician",
        "feed-of-another-organisation",
        "index-of-an-unknown-location",
    ],
)
def test_a_place_that_does_not_fit_the_page_is_a_404(client, places, url):
    assert client.get(url).status_code == 404


def test_a_topic_of_one_location_has_no_page_at_its_sister(client, places):
    TopicFactory(
        slug="south-only",
        title="South only",
        organisation=places["move_well"],
        location=places["south"],
    )

    assert client.get("/education/south-only/?location=south").status_code == 200
    assert client.get("/education/south-only/?location=north").status_code == 404


def test_a_locations_index_lists_its_topics_linking_to_its_pages(client, places):
    TopicFactory(
        slug="south-only",
        title="South only",
        organisation=places["move_well"],
        location=places["south"],
    )

    north = client.get("/education/?location=north").content.decode()
    south = client.get("/education/?location=south").content.decode()

    assert 'href="/education/back-pain/?location=north"' in north
    assert "South only" not in north
    assert "Whitening" not in north
    assert 'href="/education/south-only/?location=south"' in south


# --- The authorization names who discloses ------------------------------------------


def test_the_authorization_names_the_organisation_and_location(client, places):
    from testimonials.stories import patient_links

    story = places["south_story"]
    secret = patient_links.patient_secret(story.public_id)
    copy = client.get(f"/api/v1/testimonials/{story.public_id}/{secret}/").json()["authorization"]
    page = client.get(f"/stories/{story.public_id}/{secret}/").content.decode()

    discloser = f"Move Well PT (South): {story.consent_text.discloser}"
    assert copy["discloser"] == discloser
    assert f"<dd>{discloser}</dd>" in page


def test_before_a_story_the_topic_names_its_organisation(client, places):
    topic = client.get("/api/v1/topics/back-pain/").json()
    share = client.get("/share/back-pain/").content.decode()

    assert topic["consent"]["discloser"].startswith("Move Well PT: ")
    assert "Move Well PT: " in share


# --- The site admin ---------------------------------------------------------------


def test_the_site_admin_offers_the_organisation_and_location_where_there_is_a_choice(
    client, admin_user, places
):
    client.force_login(admin_user)
    form = client.get("/admin/testimonials/site/add/").content.decode()
    assert 'name="organisation"' in form
    assert 'name="location"' in form

    response = client.post(
        "/admin/testimonials/site/add/",
        {
            "name": "South's site",
            "channel": "partners",
            "organisation": places["move_well"].pk,
            "location": places["south"].pk,
            "allowed_origins": "",
            "webhooks-TOTAL_FORMS": "0",
            "webhooks-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200, response.content
    site = Site.objects.get(name="South's site")
    assert (site.organisation, site.location) == (places["move_well"], places["south"])

    refused = client.post(
        "/admin/testimonials/site/add/",
        {
            "name": "Mixed up",
            "channel": "partners",
            "organisation": places["smile"].pk,
            "location": places["south"].pk,
            "allowed_origins": "",
            "webhooks-TOTAL_FORMS": "0",
            "webhooks-INITIAL_FORMS": "0",
        },
    )
    assert "Choose one of the organisation" in refused.content.decode()
    assert not Site.objects.filter(name="Mixed up").exists()


def test_an_organisations_admin_sees_only_its_sites(client, places):
    from django.contrib.auth.models import Group

    from moderation.accounts.permissions import CLINIC_ADMINS_GROUP
    from moderation.models import StaffMembership, StaffRole
    from tests.factories import UserFactory

    site_keys.site_create(name="Move Well's site", organisation=places["move_well"])
    site_keys.site_create(name="Smile's site", organisation=places["smile"])
    smile_admin = UserFactory(username="smile-admin", is_staff=True)
    smile_admin.groups.add(Group.objects.get(name=CLINIC_ADMINS_GROUP))
    StaffMembership.objects.create(
        user=smile_admin, organisation=places["smile"], role=StaffRole.ORGANISATION_ADMIN
    )
    client.force_login(smile_admin)

    listing = client.get("/admin/testimonials/site/").content.decode()
    other = Site.objects.get(name="Move Well's site")

    assert "Smile&#x27;s site" in listing
    assert "Move Well" not in listing
    assert client.get(f"/admin/testimonials/site/{other.pk}/change/").status_code in (302, 404)
    form = client.get("/admin/testimonials/site/add/").content.decode()
    assert "Move Well PT" not in form
    assert "North" not in form


# --- The share page asks where, from the lists -------------------------------------


def share_form(consent, **fields):
    return {
        "author_name": "Maria Lopez",
        "display_preference": "first_name_initial",
        "body": "After four sessions and the home exercises I can sit through a workday again.",
        "consent_to_publish": "on",
        "consent_text_version": consent.version,
        "channels": ["clinic", "partners", "widget"],
        "expires_in": "24",
        "age": "adult",
        "signature": "Maria Lopez",
        "website": "",
        **fields,
    }


def test_the_share_page_offers_the_topics_locations_and_clinicians(client, places):
    html = client.get("/share/back-pain/").content.decode()

    assert '<select name="location"' in html
    assert '<option value="north">North</option>' in html
    assert '<option value="ana-ruiz">Ana Ruiz, PT (North)</option>' in html
    assert "Move Well PT: " in html


def test_a_locations_page_links_to_a_share_page_that_names_the_location(client, places):
    page = client.get("/education/back-pain/?location=south").content.decode()
    assert 'href="/share/back-pain/?location=south"' in page

    share = client.get("/share/back-pain/?location=south").content.decode()

    assert '<option value="south" selected>South</option>' in share
    assert f"Move Well PT (South): {places['north_story'].consent_text.discloser}" in share


def test_a_story_shared_on_the_page_belongs_to_the_place_chosen(client, places, consent):
    response = client.post(
        "/share/back-pain/", share_form(consent, location="south", clinician="ben-li")
    )

    assert response.status_code == 303, response.content.decode()
    story = Testimonial.objects.get(author_name="Maria Lopez")
    assert (story.location, story.clinician) == (places["south"], places["ben"])


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Choose the location where you were treated."),
        (
            {"location": "north", "clinician": "ben-li"},
            "No clinician with this slug works at this location.",
        ),
    ],
    ids=["no-location", "clinician-elsewhere"],
)
def test_a_place_that_does_not_fit_is_refused_on_the_page(client, places, consent, fields, message):
    response = client.post("/share/back-pain/", share_form(consent, **fields))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Testimonial.objects.filter(author_name="Maria Lopez").exists()


def test_a_topic_of_one_location_does_not_ask_where(client, places, consent):
    TopicFactory(
        slug="south-only",
        title="South only",
        organisation=places["move_well"],
        location=places["south"],
    )

    html = client.get("/share/south-only/").content.decode()
    response = client.post("/share/south-only/", share_form(consent))

    assert '<select name="location"' not in html
    assert '<input type="hidden" name="location" value="south"' in html
    assert response.status_code == 303
    assert Testimonial.objects.get(author_name="Maria Lopez").location == places["south"]
