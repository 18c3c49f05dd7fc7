"""An installation from before organisations: everything it holds moves
into one organisation (named by CLINIC_NAME) with one location; nothing is
lost or changes where it shows."""

from django.conf import settings
from django.db import migrations
from django.utils.text import slugify


def into_one_organisation(apps, schema_editor):
    organisation_model = apps.get_model("testimonials", "Organisation")
    location_model = apps.get_model("testimonials", "Location")
    topic_model = apps.get_model("testimonials", "Topic")
    site_model = apps.get_model("testimonials", "Site")
    testimonial_model = apps.get_model("testimonials", "Testimonial")
    if not (
        topic_model.objects.exists()
        or site_model.objects.exists()
        or testimonial_model.objects.exists()
    ):
        return
    name = (settings.CLINIC_NAME.strip() or "The clinic")[:120]
    slug = slugify(name)[:60] or "clinic"
    organisation = organisation_model.objects.filter(slug=slug).first()
    if organisation is None:
        organisation = organisation_model.objects.create(slug=slug, name=name)
    location = location_model.objects.filter(organisation=organisation).order_by("pk").first()
    if location is None:
        location = location_model.objects.create(organisation=organisation, slug=slug, name=name)
    topic_model.objects.filter(organisation__isnull=True).update(organisation=organisation)
    site_model.objects.filter(organisation__isnull=True).update(organisation=organisation)
    testimonial_model.objects.filter(location__isnull=True).update(location=location)


class Migration(migrations.Migration):
    dependencies = [
        ("testimonials", "0032_places"),
    ]

    operations = [
        migrations.RunPython(into_one_organisation, migrations.RunPython.noop, elidable=False),
    ]
