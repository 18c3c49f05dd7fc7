"""Start the changes feed with the stories already published, so a website
that reads it from the beginning gets them all."""

from django.db import migrations


def backfill(apps, schema_editor):
    Testimonial = apps.get_model("testimonials", "Testimonial")
    PublicationChange = apps.get_model("testimonials", "PublicationChange")
    if PublicationChange.objects.exists():
        return
    published = Testimonial.objects.filter(status="published").order_by("published_at", "id")
    PublicationChange.objects.bulk_create(
        PublicationChange(
            event="testimonial.published",
            testimonial_id=testimonial.pk,
            public_id=testimonial.public_id,
            topic_id=testimonial.topic_id,
            created_at=testimonial.published_at,
        )
        for testimonial in published.iterator()
    )


class Migration(migrations.Migration):

    dependencies = [
        ("testimonials", "0006_publication_change_feed"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
