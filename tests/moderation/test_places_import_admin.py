"""The upload on the admin's Location list: the same import as
`manage.py import_places`, for the organisations the admin administers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from moderation.models import StaffMembership, StaffRole
from testimonials.models import Clinician, Location, Organisation
from tests.factories import UserFactory

IMPORT_PAGE = "/admin/testimonials/location/import/"
PLACES = (
    "kind,slug,name,locations\n"
    "location,north,Move Well North,\n"
    "location,south,Move Well South,\n"
    'clinician,ana-ruiz,"Ana Ruiz, PT",north;south\n'
)


@pytest.fixture
def brands(db):
    return (
        Organisation.objects.create(slug="move-well", name="Move Well PT"),
        Organisation.objects.create(slug="smile", name="Smile Dental"),
    )


def signed_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


def upload(browser, text, **fields):
    csv_file = SimpleUploadedFile("places.csv", text.encode(), content_type="text/csv")
    return browser.post(IMPORT_PAGE, {"csv_file": csv_file, **fields})


def organisation_admin(organisation):
    user = UserFactory(username="olivia", is_staff=True)
    StaffMembership.objects.create(
        user=user, organisation=organisation, role=StaffRole.ORGANISATION_ADMIN
    )
    return user


def test_a_dry_run_reports_every_line_and_writes_nothing(brands, admin_user):
    browser = signed_in(admin_user)

    response = upload(browser, PLACES, organisation=brands[0].pk)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Dry run: nothing was written" in html
    assert "Dry run, nothing was written: 3 to create, 0 to update, 0 unchanged, 0 refused." in html
    assert html.count('class="create"') == 3
    assert not Location.objects.filter(slug__in=["north", "south"]).exists()


def test_ticked_it_imports_into_the_organisation_chosen(brands, admin_user):
    browser = signed_in(admin_user)

    response = upload(browser, PLACES, organisation=brands[0].pk, commit="on")

    assert "Imported: 3 create, 0 update, 0 unchanged, 0 refused." in response.content.decode()
    assert set(Location.objects.filter(organisation=brands[0]).values_list("slug", flat=True)) == {
        "north",
        "south",
    }
    ana = Clinician.objects.get(slug="ana-ruiz")
    assert {location.slug for location in ana.locations.all()} == {"north", "south"}
    again = upload(browser, PLACES, organisation=brands[0].pk, commit="on")
    assert "Imported: 0 create, 0 update, 3 unchanged, 0 refused." in again.content.decode()


def test_an_organisation_admin_imports_only_into_their_own(brands, db):
    mine, theirs = brands
    browser = signed_in(organisation_admin(mine))
    text = PLACES + "location,smile-uptown,Uptown,\n"
    text = text.replace("kind,slug,name,locations\n", "kind,slug,name,locations,organisation\n")
    text = text.replace("location,smile-uptown,Uptown,\n", "location,smile-uptown,Uptown,,smile\n")

    response = upload(browser, text, commit="on")

    html = response.content.decode()
    assert 'name="organisation"' not in html, "their only organisation needs no choosing"
    assert "no organisation &#x27;smile&#x27; (create it in the admin first)" in html
    assert set(Location.objects.filter(organisation=mine).values_list("slug", flat=True)) == {
        "north",
        "south",
    }
    assert not Location.objects.filter(organisation=theirs).exists()


def test_a_file_that_cannot_be_read_is_an_error_on_the_form(brands, admin_user):
    browser = signed_in(admin_user)

    response = upload(browser, "slug,title\nnorth,North\n", organisation=brands[0].pk)
    latin1 = browser.post(
        IMPORT_PAGE,
        {
            "csv_file": SimpleUploadedFile(
                "p.csv", "kind,slug,name\nlocation,né,Né\n".encode("latin-1")
            )
        },
    )

    assert "Missing column(s): kind, name." in response.content.decode()
    assert "The file is not UTF-8 text." in latin1.content.decode()


def test_a_file_over_the_pages_limit_is_refused_on_the_page(brands, admin_user):
    browser = signed_in(admin_user)
    line = "location,north,North Clinic,,,yes,yes\n"
    text = "kind,slug,name,organisation,locations,publishes,active\n" + line * (
        2 * 1024 * 1024 // len(line) + 1
    )

    response = upload(browser, text, organisation=brands[0].pk)

    assert response.status_code == 200
    assert "The file is over 2 MB." in response.content.decode()
    assert not Location.objects.filter(slug="north").exists()


def test_moderators_may_not_import(brands):
    moderator = UserFactory(username="mo", is_staff=True)
    StaffMembership.objects.create(user=moderator, organisation=brands[0], role=StaffRole.MODERATOR)

    assert signed_in(moderator).get(IMPORT_PAGE).status_code == 403
    assert Client().get(IMPORT_PAGE).status_code == 302


def test_the_location_list_links_to_the_import(brands, admin_user):
    html = signed_in(admin_user).get("/admin/testimonials/location/").content.decode()

    assert f'href="{IMPORT_PAGE}" id="import-places-link"' in html
