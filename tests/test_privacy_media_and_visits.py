"""What the access export and the admin's erasure do with a patient's
photos and recordings, their visits and their opt-out: the export shows
them (the file only as a note of how to get it), the erasure takes the
files and the visits' contacts, in the staff member's places only."""

import json
from io import StringIO

from django.core.files.base import ContentFile
from django.core.management import call_command

from testimonials.media.services import media_storage
from testimonials.models import Ask, OptOutSource, StoryMedia, Testimonial, Visit
from testimonials.visits import contacts, opt_outs
from tests.factories import TestimonialFactory, TopicFactory
from tests.moderation import test_visits_admin as visits_admin
from tests.moderation.test_visits_admin import EMAIL, NAME, PHONE, received, staff

# The visit feed's fixtures: Move Well (North, South) and another brand, at a fixed time.
group = visits_admin.group
_now = visits_admin._now

ADMIN_STORIES = "/admin/testimonials/testimonial/"


def story_with_media(group):
    """Maria's story at North: a photo still stored, a video withdrawn and deleted."""
    story = TestimonialFactory(
        email=EMAIL,
        topic=TopicFactory(slug="knees", organisation=group["organisation"]),
        location=group["north"],
    )
    name = media_storage().save("maria.jpg", ContentFile(b"\xff\xd8 a photo of Maria"))
    StoryMedia.objects.create(
        testimonial=story,
        kind="photo",
        status="approved",
        storage_name=name,
        content_type="image/jpeg",
        sha256="0" * 64,
        width=64,
        height=48,
        alt_text="Maria on the beach after her knee healed",
    )
    StoryMedia.objects.create(
        testimonial=story,
        kind="video",
        status="withdrawn",
        storage_name="",
        content_type="video/mp4",
        sha256="1" * 64,
        width=640,
        height=360,
        duration_seconds=12.5,
        captions="WEBVTT\n\n00:00.000 --> 00:02.000\nI can run again.",
    )
    return story, name


def export_of(*args):
    out = StringIO()
    call_command("export_patient", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_export_holds_the_patients_media_visits_and_opt_out(group):
    story_with_media(group)
    received()
    # Asked by the other brand too, whose visit's contacts retention erased.
    elsewhere = received(location="elsewhere", external_id="asked-elsewhere")
    Visit.objects.filter(pk=elsewhere.pk).update(email="", phone="", patient_name="")
    received(external_id="someone-else", email="ana@example.com", phone="+14155550999")
    organisation_id = group["organisation"].pk
    opt_outs.opt_out_record(
        organisation_id=organisation_id,
        contact_hash=contacts.contact_hash(organisation_id, PHONE),
        source=OptOutSource.SMS,
    )

    export = export_of(EMAIL, "--phone", "+1 415 555 0123")

    [story] = export["stories"]
    photo, video = story["media"]
    assert photo == {
        "kind": "photo",
        "status": "approved",
        "alt": "Maria on the beach after her knee healed",
        "captions": "",
        "width": 64,
        "height": 48,
        "duration_seconds": None,
        "content_type": "image/jpeg",
        "file": "Stored. Ask the clinic for a copy: staff download it from the story's "
        "review page.",
    }
    assert video["captions"].endswith("I can run again.")
    assert (video["status"], video["duration_seconds"], video["file"]) == (
        "withdrawn",
        12.5,
        "Deleted.",
    )
    assert [(v["location"], v["clinician"], v["ask_status"]) for v in export["visits"]] == [
        ("North", None, "scheduled"),
        ("Elsewhere", None, "scheduled"),
    ]
    assert export["visits"][0]["contact"] == {"email": EMAIL, "phone": PHONE, "name": NAME}
    assert export["visits"][1]["contact"] is None, "a contact no longer held is not shown"
    assert export["visits"][0]["completed_at"] == "2026-03-03T14:30:00Z"
    [opt_out] = export["opt_outs"]
    assert (opt_out["organisation"], opt_out["source"]) == ("Move Well", "sms")


def test_the_export_by_email_alone_finds_no_phone_only_opt_out(group):
    received()
    organisation_id = group["organisation"].pk
    opt_outs.opt_out_record(
        organisation_id=organisation_id,
        contact_hash=contacts.contact_hash(organisation_id, PHONE),
        source=OptOutSource.SMS,
    )

    export = export_of(EMAIL)

    assert export["opt_outs"] == []
    assert len(export["visits"]) == 1, "the visit is found by its address"
    assert export_of("--phone", PHONE)["opt_outs"][0]["organisation"] == "Move Well"


def test_the_admins_erasure_takes_the_files_and_the_visits_contacts_in_their_places(
    group, django_capture_on_commit_callbacks
):
    story, name = story_with_media(group)
    north = received()
    elsewhere = received(location="elsewhere", external_id="asked-elsewhere")
    olivia = staff("olivia")

    with django_capture_on_commit_callbacks(execute=True):
        answer = olivia.post(
            f"{ADMIN_STORIES}?status=all",
            {"action": "erase_authors_data", "_selected_action": [story.pk], "confirm": "yes"},
            follow=True,
        )

    assert answer.status_code == 200
    assert "Erased 1 stories. The contacts on 1 of their visits were erased too." in (
        answer.content.decode()
    )
    assert not media_storage().exists(name)
    assert set(StoryMedia.objects.values_list("storage_name", "alt_text", "captions")) == {
        ("", "", "")
    }
    assert Testimonial.objects.get().erased_at is not None
    north.refresh_from_db()
    assert (north.email, north.phone, north.patient_name) == ("", "", "")
    assert Ask.objects.get(visit=north).status == "unreachable", "a scheduled ask is not sent"
    elsewhere.refresh_from_db()
    assert (elsewhere.email, elsewhere.phone) == (EMAIL, PHONE), "the other brand's to erase"
    assert Ask.objects.get(visit=elsewhere).email_hash
