"""Locations and clinicians from CSV: `manage.py import_places` and the
service behind it and the admin's upload (testimonials.places.services)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from testimonials.models import Clinician, Location, Organisation
from testimonials.places import services as places

GROUP_CSV = """\
kind,slug,name,organisation,locations,publishes,active
location,north,Move Well North,move-well,,,
location,south,Move Well South,move-well,,no,
clinician,ana-ruiz,"Ana Ruiz, PT",move-well,north,,
clinician,ben-li,"Ben Li, DPT",move-well,north; south,,no
"""


@pytest.fixture
def brand(db):
    return Organisation.objects.create(slug="move-well", name="Move Well PT")


@pytest.fixture
def other_brand(db):
    return Organisation.objects.create(slug="smile", name="Smile Dental")


def run(path, *args):
    out = StringIO()
    call_command("import_places", str(path), *args, stdout=out)
    return out.getvalue()


def write(tmp_path, text, name="places.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def stored():
    return {
        "locations": sorted(
            (location.organisation.slug, location.slug, location.name, location.publishes)
            for location in Location.objects.select_related("organisation")
        ),
        "clinicians": sorted(
            (
                clinician.organisation.slug,
                clinician.slug,
                clinician.name,
                clinician.is_active,
                tuple(sorted(location.slug for location in clinician.locations.all())),
            )
            for clinician in Clinician.objects.select_related("organisation")
        ),
    }


def test_a_dry_run_reports_each_line_and_writes_nothing(tmp_path, brand):
    output = run(write(tmp_path, GROUP_CSV))

    assert "Dry run: nothing was written." in output
    assert "line 2: location north: create" in output
    assert "line 5: clinician ben-li: create" in output
    assert "to create: 4, to update: 0, unchanged: 0, refused: 0" in output
    assert stored() == {"locations": [], "clinicians": []}


def test_commit_writes_locations_and_clinicians(tmp_path, brand):
    output = run(write(tmp_path, GROUP_CSV), "--commit")

    assert "created: 4, updated: 0, unchanged: 0, refused: 0" in output
    assert stored() == {
        "locations": [
            ("move-well", "north", "Move Well North", True),
            ("move-well", "south", "Move Well South", False),
        ],
        "clinicians": [
            ("move-well", "ana-ruiz", "Ana Ruiz, PT", True, ("north",)),
            ("move-well", "ben-li", "Ben Li, DPT", False, ("north", "south")),
        ],
    }


def test_the_same_file_again_changes_nothing(tmp_path, brand):
    path = write(tmp_path, GROUP_CSV)
    run(path, "--commit")
    before = stored()

    output = run(path, "--commit")

    assert "created: 0, updated: 0, unchanged: 4, refused: 0" in output
    assert stored() == before


def test_a_known_slug_is_updated_with_what_changed(tmp_path, brand):
    run(write(tmp_path, GROUP_CSV), "--commit")
    changed = write(
        tmp_path,
        "kind,slug,name,organisation,locations,publishes\n"
        "location,south,Move Well South,move-well,,yes\n"
        "clinician,ana-ruiz,Ana Ruiz,move-well,south,\n"
        'clinician,ben-li,"Ben Li, DPT",move-well,,\n',
        name="changed.csv",
    )

    output = run(changed, "--commit")

    assert "line 2: location south: update (publishes)" in output
    assert "line 3: clinician ana-ruiz: update (name, locations)" in output
    assert "line 4: clinician ben-li: unchanged" in output
    assert ("move-well", "south", "Move Well South", True) in stored()["locations"]
    assert ("move-well", "ana-ruiz", "Ana Ruiz", True, ("south",)) in stored()["clinicians"]
    # An empty locations column keeps a clinician's locations.
    assert ("move-well", "ben-li", "Ben Li, DPT", False, ("north", "south")) in stored()[
        "clinicians"
    ]


def test_bad_lines_are_refused_one_by_one_and_the_good_ones_written(tmp_path, brand, other_brand):
    Location.objects.create(organisation=other_brand, slug="downtown", name="Downtown")
    text = (
        "Kind,Slug,Name,Organisation,Locations,Publishes,Notes\n"
        "location,north,North,,,,a note\n"
        "room,x1,Room,,,,\n"
        "location,bad slug!,Bad,,,,\n"
        "location,downtown,Taken,,,,\n"
        "location,east,East,nowhere,,,\n"
        "location,west,West,,,maybe,\n"
        "clinician,cara,Cara,,downtown,,\n"
        "clinician,dan,Dan,,,,\n"
        "location,north,North again,,,,\n"
        "location,,No slug,,,,\n"
    )

    with pytest.raises(CommandError, match="9 line"):
        run(write(tmp_path, text), "--organisation", "move-well", "--commit")

    assert stored()["locations"] == [
        ("move-well", "north", "North", True),
        ("smile", "downtown", "Downtown", True),
    ]
    assert stored()["clinicians"] == []


def test_the_refusals_say_why(brand, other_brand):
    Location.objects.create(organisation=other_brand, slug="downtown", name="Downtown")
    text = (
        "kind,slug,name,organisation,locations,publishes,notes\n"
        "location,north,North,,,,a note\n"
        "room,x1,Room,,,,\n"
        "location,bad slug!,Bad,,,,\n"
        "location,downtown,Taken,,,,\n"
        "location,east,East,nowhere,,,\n"
        "location,west,West,,,maybe,\n"
        "clinician,cara,Cara,,downtown,,\n"
        "clinician,dan,Dan,,,,\n"
        "location,north,North again,,,,\n"
    )

    report = places.places_import(
        text=text, organisations=Organisation.objects.all(), default_organisation=brand
    )

    assert report.ignored_columns == ["notes"]
    assert [row.describe() for row in report.rows] == [
        "line 2: location north: create",
        "line 3: row x1: refused: kind must be location or clinician, not 'room'",
        "line 4: location bad slug!: refused: the slug may hold only letters, digits, '-' and '_'",
        "line 5: location downtown: refused: this slug is taken by a location of another "
        "organisation",
        "line 6: location east: refused: no organisation 'nowhere' (create it in the admin first)",
        "line 7: location west: refused: publishes must be yes or no, not 'maybe'",
        "line 8: clinician cara: refused: no location 'downtown' in this organisation",
        "line 9: clinician dan: refused: name the clinician's locations (slugs separated by ';')",
        "line 10: location north: refused: the same location as line 2",
    ]


def test_an_organisation_is_needed_when_there_are_several(brand, other_brand):
    report = places.places_import(
        text="kind,slug,name\nlocation,north,North\n", organisations=Organisation.objects.all()
    )

    assert report.rows[0].errors == ["which organisation? Fill the organisation column or name one"]


def test_the_only_organisation_allowed_is_the_default(brand, other_brand):
    report = places.places_import(
        text="kind,slug,name\nlocation,north,North\n", organisations=[brand], commit=True
    )

    assert report.count(places.CREATE) == 1
    assert Location.objects.get(slug="north").organisation == brand


def test_an_organisation_outside_those_allowed_is_unknown(brand, other_brand):
    """The admin passes only the organisations its user administers."""
    report = places.places_import(
        text="kind,slug,name,organisation\nlocation,downtown-2,Downtown,smile\n",
        organisations=[brand],
        commit=True,
    )

    assert report.rows[0].errors == ["no organisation 'smile' (create it in the admin first)"]
    assert not Location.objects.exists()


def test_a_file_without_the_required_columns_is_refused_whole(tmp_path, brand):
    with pytest.raises(CommandError, match="Missing column\\(s\\): kind, name"):
        run(write(tmp_path, "slug,title\nnorth,North\n"))
    with pytest.raises(CommandError, match="The file is empty"):
        run(write(tmp_path, ""))
    with pytest.raises(CommandError, match="no such organisation"):
        run(write(tmp_path, GROUP_CSV), "--organisation", "nowhere")
